"""Held-out evaluation: per-label precision/recall/F1 with 95 % intervals, calibration, and the keyword
baselines to beat.

Intervals: Wilson for accuracies (one proportion), a percentile bootstrap over texts for precision, recall and
F1 (a fixed seed, so a report is reproducible byte for byte). On a set of a couple of hundred texts they are
wide (±0.04–0.08 for F1): read them before reading a difference.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Sequence

from botrygt_nlp.classify.corpus import Unit
from botrygt_nlp.domain import Assessment, Assessor, CrimeType
from botrygt_nlp.stats import precision_recall_f1, wilson_interval

# The naive approach the issue says reaches F1 ≈ 0.8 on real texts: a keyword list.
_KEYWORDS = re.compile(r"\b(husk|råd|114|sørg for|undgå|lås|nabohjælp|tip|anbefal|opfordr)", re.IGNORECASE)


def keyword_baseline(text: str) -> bool:
    return bool(_KEYWORDS.search(text))


# The naive relevance rule: a theft, burglary or fraud word anywhere in the text.
_RELEVANCE_KEYWORDS = re.compile(
    r"\b(indbrud|tyv|tyve|tyveri|stjal|stjålet|stjålne|stjæle|svindel|svindler|bedrag|lommetyv|tasketyv|"
    r"tricktyv|phishing|hæler)",
    re.IGNORECASE,
)


def keyword_relevance_baseline(text: str) -> bool:
    return bool(_RELEVANCE_KEYWORDS.search(text))


BOOTSTRAP_SAMPLES = 1000
_BOOTSTRAP_SEED = 20261207
Z95 = 1.959964  # the reports' z (a rounding of stats.Z_95), kept so they stay byte for byte the same


def wilson(successes: int, n: int) -> tuple[float, float]:
    """95 % Wilson score interval for a proportion, rounded for the report ((0.0, 0.0) when n is 0)."""
    ci = wilson_interval(successes, n, Z95)
    return (0.0, 0.0) if ci is None else (round(ci[0], 4), round(ci[1], 4))


def _prf(tp: int, fp: int, fn: int, *, found: int | None = None) -> tuple[float, float, float]:
    """:func:`precision_recall_f1` as the report writes it: 0.0 where a ratio is undefined."""
    precision, recall, f1 = precision_recall_f1(tp, fp, fn, found=found)
    return precision or 0.0, recall or 0.0, f1 or 0.0


def _bootstrap(rows: Sequence[tuple[int, int, int, int]]) -> dict[str, list[float]]:
    """95 % percentile intervals of precision, recall and F1 over resampled texts.

    Each text is (tp, fp, found, missed): precision is tp / (tp + fp), recall found / (found + missed). For a
    text-level label found = tp and missed = fn; for advice spans the predicted and the gold side differ.
    """
    n = len(rows)
    if n == 0:
        return {"precision_ci": [0.0, 0.0], "recall_ci": [0.0, 0.0], "f1_ci": [0.0, 0.0]}
    rng = random.Random(_BOOTSTRAP_SEED)
    samples: dict[str, list[float]] = {"precision": [], "recall": [], "f1": []}
    for _ in range(BOOTSTRAP_SAMPLES):
        tp = fp = found = missed = 0
        for _k in range(n):
            a, b, c, d = rows[rng.randrange(n)]
            tp += a
            fp += b
            found += c
            missed += d
        precision, recall, f1 = _prf(tp, fp, missed, found=found)
        for key, value in (("precision", precision), ("recall", recall), ("f1", f1)):
            samples[key].append(value)
    out: dict[str, list[float]] = {}
    for key, values in samples.items():
        values.sort()
        lo = values[int(0.025 * (len(values) - 1))]
        hi = values[math.ceil(0.975 * (len(values) - 1))]
        out[f"{key}_ci"] = [round(lo, 4), round(hi, 4)]
    return out


def accuracy(correct: Sequence[bool]) -> dict[str, object]:
    n = len(correct)
    hits = sum(correct)
    return {"accuracy": round(hits / n, 4) if n else 0.0, "ci": list(wilson(hits, n)), "n": n}


def prf(gold: Sequence[bool], pred: Sequence[bool], *, intervals: bool = False) -> dict[str, object]:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum((not g) and p for g, p in zip(gold, pred, strict=True))
    fn = sum(g and (not p) for g, p in zip(gold, pred, strict=True))
    precision, recall, f1 = _prf(tp, fp, fn)
    out: dict[str, object] = {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "support": sum(gold),
    }
    if intervals:
        out.update(
            _bootstrap(
                [
                    (int(g and p), int(p and not g), int(g and p), int(g and not p))
                    for g, p in zip(gold, pred, strict=True)
                ]
            )
        )
    return out


def calibration(gold: Sequence[bool], scores: Sequence[float], bins: int = 10) -> dict[str, float]:
    """Brier score and expected calibration error of ``scores`` as probabilities of ``gold``."""
    n = len(gold)
    if not n:
        return {"brier": 0.0, "ece": 0.0}
    brier = sum((s - float(g)) ** 2 for g, s in zip(gold, scores, strict=True)) / n
    ece = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, s in enumerate(scores) if lo <= s < hi or (b == bins - 1 and s == 1.0)]
        if idx:
            conf = sum(scores[i] for i in idx) / len(idx)
            acc = sum(gold[i] for i in idx) / len(idx)
            ece += len(idx) / n * abs(conf - acc)
    return {"brier": round(brier, 4), "ece": round(ece, 4)}


def evaluate_units(
    analyzer: Assessor | None, units: Sequence[Unit], assess: Callable[[Unit], Assessment] | None = None
) -> dict[str, object]:
    """Run the analyzer end to end on ``units`` and compare with their labels (``assess`` may supply the
    assessments instead, e.g. ones already made)."""
    if assess is None:
        if analyzer is None:
            raise ValueError("evaluate_units needs an analyzer or an assess function")
        run: Callable[[Unit], Assessment] = lambda u: analyzer.assess(u.text, title=u.title or None)  # noqa: E731
    else:
        run = assess
    results = [run(u) for u in units]
    gold_rel = [u.relevant for u in units]
    gold_con = [u.constructive for u in units]
    metrics: dict[str, object] = {
        "n": len(units),
        "relevant": prf(gold_rel, [a.relevant for a in results], intervals=True),
        "relevant_accuracy": accuracy([u.relevant == a.relevant for u, a in zip(units, results, strict=True)]),
        "constructive": prf(gold_con, [a.constructive for a in results], intervals=True),
        "constructive_calibration": calibration(gold_con, [a.score for a in results]),
        # Verdicts a person cannot check: constructive without an advice span to show (must stay 0).
        "constructive_without_advice_span": sum(a.constructive and not a.advice_spans for a in results),
        "alarmist": prf([u.alarmist for u in units], [a.alarmist for a in results], intervals=True),
        "witness_appeal": prf([u.witness_appeal for u in units], [a.witness_appeal for a in results], intervals=True),
        "keyword_baseline_constructive": prf(gold_con, [keyword_baseline(u.text) for u in units], intervals=True),
        "keyword_baseline_relevant_accuracy": accuracy(
            [u.relevant == keyword_relevance_baseline(u.text) for u in units]
        ),
    }
    rel_pairs = [(u, a) for u, a in zip(units, results, strict=True) if u.relevant]
    if rel_pairs:
        fine = [u.crime_type == a.crime_type for u, a in rel_pairs]
        coarse = [u.crime_type.coarse == a.crime_type.coarse for u, a in rel_pairs]
        metrics["crime_type_accuracy_on_relevant"] = round(sum(fine) / len(rel_pairs), 4)
        metrics["crime_type_coarse_accuracy_on_relevant"] = round(sum(coarse) / len(rel_pairs), 4)
        metrics["crime_type_accuracy_ci"] = list(wilson(sum(fine), len(fine)))
        metrics["crime_type_coarse_accuracy_ci"] = list(wilson(sum(coarse), len(coarse)))
        per_type: dict[str, dict[str, object]] = {}
        for ct in CrimeType:
            if ct.is_relevant:
                per_type[ct.value] = prf(
                    [u.crime_type == ct for u, _ in rel_pairs], [a.crime_type == ct for _, a in rel_pairs]
                )
        metrics["crime_type_per_type"] = per_type
    # Advice evidence: does each predicted advice span overlap a gold span, and is each gold span found?
    span_rows: list[tuple[int, int, int, int]] = []
    principle_ok = principle_n = 0
    for u, a in zip(units, results, strict=True):
        found = sum(any(min(g.end, s.end) > max(g.start, s.start) for s in a.advice_spans) for g in u.advice)
        correct = 0
        for s in a.advice_spans:
            match = [g for g in u.advice if min(g.end, s.end) > max(g.start, s.start)]
            if match:
                correct += 1
                if match[0].principle is not None:
                    principle_n += 1
                    principle_ok += int(match[0].principle == s.principle)
        span_rows.append((correct, len(a.advice_spans) - correct, found, len(u.advice) - found))
    span_tp, span_fp, span_found, span_missed = (sum(r[i] for r in span_rows) for i in range(4))
    sp, sr, sf1 = _prf(span_tp, span_fp, span_missed, found=span_found)
    metrics["advice_spans"] = {
        "precision": round(sp, 4),
        "recall": round(sr, 4),
        "f1": round(sf1, 4),
        "gold": span_found + span_missed,
        **_bootstrap(span_rows),
    }
    metrics["principle_accuracy_on_matched_spans"] = round(principle_ok / principle_n, 4) if principle_n else 0.0
    return metrics
