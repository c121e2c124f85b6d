"""Validation use cases: draw a sample of stored articles for people to label, read their labels, measure
the model on them, and correct trends for the model's errors.

The CLI (`botrygt validate …`, `botrygt trends --corrected`), the API (`GET /v1/trends?corrected=true`,
`GET /v1/validation/report`) and the Kontrol web page are thin edges over these functions. The statistics
are in :mod:`botrygt_nlp.quantify` (pure); this module joins them to the store.

Assumption, stated wherever a corrected figure is shown: the model's error rates measured on the sample
transfer to every group and period it corrects. Stratifying by outlet spreads the sample over outlets so
that assumption can be checked per outlet (``--error-rates outlet`` uses an outlet's own labels where
there are enough).
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from botrygt_nlp.domain import CrimeType
from botrygt_nlp.errors import InputError
from botrygt_nlp.quantify import (
    METHOD,
    METHOD_DESCRIPTION,
    TWO_PHASE_DESCRIPTION,
    TWO_PHASE_METHOD,
    BinaryScores,
    ClassCounts,
    Correction,
    CorrectionMethod,
    CoverageClass,
    InsufficientLabels,
    LabelledVerdict,
    binary_scores,
    corrected_shares,
    estimate_error_rates,
    two_phase_share,
)
from botrygt_nlp.storage.ports import ArticleStore, ValidationStore
from botrygt_nlp.storage.types import TrendFact
from botrygt_nlp.storage.validation import (
    LabelledVerdictRecord,
    LabelSource,
    NewValidationSample,
    SampleCandidate,
    SampledItem,
    Stratify,
    ValidationLabel,
)
from botrygt_nlp.trends import GroupBy, Period, TrendRow, compute_trends, text_table

MAX_SAMPLE_SIZE = 10_000
ASSUMPTION = (
    "the model's error rates on the labelled sample hold for every group and period corrected; "
    "groups with other kinds of text (another outlet, another year) may break it"
)


class ValidationSource(ValidationStore, ArticleStore, Protocol):
    """What these use cases need of the Store: the samples and labels, and the articles they are drawn from."""


class ErrorRateScope(StrEnum):
    POOLED = "pooled"  # one set of error rates from the whole sample
    OUTLET = "outlet"  # an outlet's own labels where they suffice (only when grouping by outlet)


# ---------------------------------------------------------------------- drawing a sample
def allocate(strata: dict[str, int], size: int) -> dict[str, int]:
    """Proportional allocation of ``size`` draws over strata (largest remainder), at least one per
    non-empty stratum while the size allows, never more than a stratum holds."""
    population = sum(strata.values())
    size = min(size, population)
    if size <= 0:
        return {k: 0 for k in strata}
    exact = {k: size * n / population for k, n in strata.items()}
    alloc = {k: int(v) for k, v in exact.items()}
    for k in sorted(strata, key=lambda k: (-(exact[k] - alloc[k]), k))[: size - sum(alloc.values())]:
        alloc[k] += 1
    if size >= sum(1 for n in strata.values() if n):
        for k in sorted(strata):
            if strata[k] and not alloc[k]:
                donor = max((d for d in strata if alloc[d] > 1), key=lambda d: (alloc[d], d))
                alloc[donor] -= 1
                alloc[k] = 1
    return alloc


def draw_sample(
    candidates: Sequence[SampleCandidate],
    *,
    size: int,
    seed: int,
    stratify: Stratify,
    since: datetime | None = None,
    until: datetime | None = None,
    model_version: str | None = None,
) -> NewValidationSample:
    """A reproducible simple (or outlet-stratified) random sample without replacement: the same
    candidates, size and seed always draw the same articles in the same order."""
    if size < 1 or size > MAX_SAMPLE_SIZE:
        raise InputError(f"--size must be between 1 and {MAX_SAMPLE_SIZE}, not {size}")
    strata: dict[str, list[int]] = defaultdict(list)
    for c in candidates:
        strata[c.outlet if stratify is Stratify.OUTLET else ""].append(c.article_id)
    alloc = allocate({k: len(v) for k, v in strata.items()}, size)
    rng = random.Random(seed)
    drawn: list[tuple[int, str, float]] = []
    design_strata = []
    for name in sorted(strata):
        ids = sorted(strata[name])
        take = alloc[name]
        pi = take / len(ids)
        drawn.extend((a, name, pi) for a in rng.sample(ids, take))
        design_strata.append({"stratum": name, "population": len(ids), "drawn": take, "inclusion_probability": pi})
    rng.shuffle(drawn)  # labelling order mixes outlets, so a half-done sample is still spread over them
    items = tuple(SampledItem(a, i, name, pi) for i, (a, name, pi) in enumerate(drawn))
    return NewValidationSample(
        seed=seed,
        requested_size=size,
        stratify=stratify,
        since=since,
        until=until,
        model_version=model_version,
        population=len(candidates),
        design={"strata": design_strata, "method": "simple random sampling without replacement per stratum"},
        items=items,
    )


def create_sample(
    store: ValidationSource,
    *,
    size: int,
    seed: int,
    stratify: Stratify = Stratify.OUTLET,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[int, NewValidationSample]:
    """Draw and record a sample; returns its id and design. Refuses an empty range."""
    candidates = store.sample_candidates(since=since, until=until)
    if not candidates:
        raise InputError("no stored articles in this range to sample from")
    sample = draw_sample(
        candidates,
        size=size,
        seed=seed,
        stratify=stratify,
        since=since,
        until=until,
        model_version=store.latest_model_version(),
    )
    return store.save_validation_sample(sample), sample


def sample_lines(store: ValidationSource, items: Iterable[SampledItem]) -> Iterator[dict[str, Any]]:
    """The lines a person labels: no model verdict in them (no anchoring)."""
    for it in items:
        a = store.get_article(it.article_id)
        if a is None:  # deleted since it was drawn
            continue
        yield {
            "article_id": a.id,
            "url": a.url,
            "outlet": a.outlet,
            "published": a.published.isoformat() if a.published else None,
            "title": a.title,
            "text": a.text,
        }


# ---------------------------------------------------------------------- reading labels
@dataclass(frozen=True, slots=True)
class LineError:
    line: int
    error: str


@dataclass(frozen=True, slots=True)
class LabelImportReport:
    read: int
    imported: int
    errors: tuple[LineError, ...]


def parse_label(obj: object) -> ValidationLabel:
    """One label line's object; :class:`InputError` says what is wrong with it."""
    if not isinstance(obj, dict):
        raise InputError("a line must be a JSON object")
    unknown = set(obj) - {"article_id", "relevant", "constructive", "crime_type", "annotator"}
    if unknown:
        raise InputError(f"unknown field(s): {', '.join(sorted(unknown))}")
    aid = obj.get("article_id")
    if not isinstance(aid, int) or isinstance(aid, bool) or aid < 1:
        raise InputError("'article_id' must be a positive integer")
    for name in ("relevant", "constructive"):
        if not isinstance(obj.get(name), bool):
            raise InputError(f"'{name}' must be true or false")
    relevant, constructive = bool(obj["relevant"]), bool(obj["constructive"])
    if constructive and not relevant:
        raise InputError("'constructive' is judged among relevant texts: it cannot be true when 'relevant' is false")
    crime: CrimeType | None = None
    if obj.get("crime_type") is not None:
        try:
            crime = CrimeType(obj["crime_type"])
        except ValueError:
            allowed = ", ".join(c.value for c in CrimeType)
            raise InputError(f"'crime_type' must be one of {allowed}") from None
    annotator = obj.get("annotator")
    if annotator is not None and (not isinstance(annotator, str) or len(annotator) > 200):
        raise InputError("'annotator' must be a text of at most 200 characters")
    return ValidationLabel(aid, relevant, constructive, crime, annotator or None)


def import_labels(store: ValidationSource, lines: Iterable[tuple[int, str]]) -> LabelImportReport:
    """Read label lines (number, text); bad lines are reported by number, good lines are kept."""
    good: list[tuple[int, ValidationLabel]] = []
    errors: list[LineError] = []
    read = 0
    for number, raw in lines:
        if not raw.strip():
            continue
        read += 1
        try:
            good.append((number, parse_label(json.loads(raw))))
        except json.JSONDecodeError as exc:
            errors.append(LineError(number, f"not JSON: {exc.msg}"))
        except InputError as exc:
            errors.append(LineError(number, exc.message))
    imported, unsampled = store.add_sampled_validation_labels([lab for _, lab in good], source=LabelSource.IMPORT)
    errors.extend(
        LineError(number, f"article {lab.article_id} is in no validation sample")
        for number, lab in good
        if lab.article_id in unsampled
    )
    return LabelImportReport(read, imported, tuple(sorted(errors, key=lambda e: e.line)))


# ---------------------------------------------------------------------- the model on the user's press
def verdict_pairs(records: Iterable[LabelledVerdictRecord]) -> list[LabelledVerdict]:
    return [
        LabelledVerdict(
            predicted=CoverageClass.of(bool(r.said_relevant), bool(r.said_constructive)),
            truth=CoverageClass.of(r.label.relevant, r.label.constructive),
        )
        for r in records
        if r.said_relevant is not None
    ]


@dataclass(frozen=True, slots=True)
class ValidationReport:
    model_version: str
    n_labelled: int  # labelled articles this model version assessed
    n_unassessed: int  # labelled articles it never assessed (rescore first)
    relevant: BinaryScores
    constructive: BinaryScores  # among truly relevant articles
    confusion: tuple[tuple[int, ...], ...]  # [said k][truth j] over the three classes
    share_raw: float | None
    share_corrected: float | None
    ci_low: float | None
    ci_high: float | None
    articles_in_range: int
    since: datetime | None
    until: datetime | None
    note: str | None
    method: CorrectionMethod = TWO_PHASE_METHOD

    def to_json(self) -> dict[str, object]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        classes = [c.name.lower() for c in CoverageClass]
        return {
            "model_version": self.model_version,
            "n_labelled": self.n_labelled,
            "n_unassessed": self.n_unassessed,
            "relevant": self.relevant.to_json(),
            "constructive": self.constructive.to_json(),
            "confusion": {
                "classes": classes,
                "said_by_truth": [list(row) for row in self.confusion],
            },
            "share_raw": r(self.share_raw),
            "share_corrected": r(self.share_corrected),
            "ci_low": r(self.ci_low),
            "ci_high": r(self.ci_high),
            "articles_in_range": self.articles_in_range,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "method": self.method.value,
            "method_description": TWO_PHASE_DESCRIPTION if self.method == TWO_PHASE_METHOD else METHOD_DESCRIPTION,
            "assumption": ASSUMPTION,
            "note": self.note,
        }


def validation_report(store: ValidationSource, *, model_version: str | None = None, seed: int = 0) -> ValidationReport:
    """Precision, recall and F1 on the labelled sample and the corrected share over the range the newest
    sample was drawn from. :class:`InputError` when there is nothing to report on yet."""
    version = model_version or store.latest_model_version()
    if version is None:
        raise InputError("no assessed articles in the store yet")
    records = store.labelled_verdicts(version)
    if not records:
        raise InputError("no labelled articles yet: `botrygt validate sample`, label, `botrygt validate import`")
    assessed = [r for r in records if r.said_relevant is not None]
    pairs = verdict_pairs(assessed)
    relevant = binary_scores([bool(r.said_relevant) for r in assessed], [r.label.relevant for r in assessed], seed=seed)
    truly = [r for r in assessed if r.label.relevant]
    constructive = binary_scores(
        [bool(r.said_relevant and r.said_constructive) for r in truly],
        [r.label.constructive for r in truly],
        seed=seed,
    )
    confusion = [[0] * len(CoverageClass) for _ in CoverageClass]
    for p in pairs:
        confusion[p.predicted][p.truth] += 1
    samples = store.validation_samples()
    since, until = (samples[0].since, samples[0].until) if samples else (None, None)
    facts = store.trend_facts(since=since, until=until, model_version=version)
    counts = _counts(facts)
    weights = _design_weights(store, [r.label.article_id for r in assessed])
    corr = two_phase_share(counts, pairs, weights=weights, seed=seed)
    return ValidationReport(
        model_version=version,
        n_labelled=len(assessed),
        n_unassessed=len(records) - len(assessed),
        relevant=relevant,
        constructive=constructive,
        confusion=tuple(tuple(row) for row in confusion),
        share_raw=counts.raw_share,
        share_corrected=corr.share,
        ci_low=corr.ci_low,
        ci_high=corr.ci_high,
        articles_in_range=counts.total,
        since=since,
        until=until,
        note=corr.note,
        method=corr.method,
    )


def _design_weights(store: ValidationSource, article_ids: Sequence[int]) -> list[float]:
    """1 / inclusion probability of each labelled article (its smallest over the samples that drew it)."""
    best: dict[int, float] = {}
    for info in store.validation_samples():
        for item, _ in store.sample_items(info.id):
            if item.inclusion_probability > 0:
                best[item.article_id] = max(best.get(item.article_id, 0.0), item.inclusion_probability)
    return [1.0 / best.get(a, 1.0) for a in article_ids]


def _counts(facts: Iterable[TrendFact]) -> ClassCounts:
    n = [0, 0, 0]
    for f in facts:
        n[CoverageClass.of(f.relevant, f.constructive)] += 1
    return ClassCounts(*n)


# ---------------------------------------------------------------------- corrected trends
@dataclass(frozen=True, slots=True)
class CorrectedTrendRow:
    row: TrendRow
    correction: Correction
    error_rates: ErrorRateScope  # which labels the correction used

    def to_json(self) -> dict[str, object]:
        c = self.correction

        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {
            **self.row.to_json(),
            "share_corrected": r(c.share),
            "corrected_low": r(c.ci_low),
            "corrected_high": r(c.ci_high),
            "correction_method": c.method.value,
            "correction_labels": c.n_labels,
            "correction_error_rates": self.error_rates.value,
            "correction_note": c.note,
        }


CORRECTED_FIELDS = (
    "share_corrected",
    "corrected_low",
    "corrected_high",
    "correction_method",
    "correction_labels",
    "correction_error_rates",
    "correction_note",
)


def corrected_trends(
    store: ValidationSource,
    by: GroupBy | str,
    period: Period | str,
    since: datetime | None = None,
    until: datetime | None = None,
    model_version: str | None = None,
    *,
    error_rates: ErrorRateScope = ErrorRateScope.POOLED,
    seed: int = 0,
) -> list[CorrectedTrendRow]:
    """:func:`botrygt_nlp.trends.compute_trends` with every row's share corrected for the model's errors.
    A row whose correction cannot be made says why in ``correction.note`` (never an invented number)."""
    by = GroupBy(by)
    rows = compute_trends(store, by, period, since, until, model_version)
    if not rows:
        return []
    records = store.labelled_verdicts(rows[0].model_version)
    pooled = verdict_pairs(records)
    counts = [ClassCounts(r.articles - r.relevant, r.relevant - r.constructive, r.constructive) for r in rows]
    corrections = corrected_shares(counts, pooled, seed=seed)
    scopes = [ErrorRateScope.POOLED] * len(rows)
    if error_rates is ErrorRateScope.OUTLET and by is GroupBy.OUTLET:
        per_outlet: dict[str, list[LabelledVerdictRecord]] = defaultdict(list)
        for rec in records:
            per_outlet[rec.outlet].append(rec)
        for outlet, recs in per_outlet.items():
            own = verdict_pairs(recs)
            try:
                estimate_error_rates(own)
            except InsufficientLabels:
                continue  # the pooled rates stand for this outlet (the row says "pooled")
            idx = [i for i, r in enumerate(rows) if r.group == outlet]
            for i, corr in zip(idx, corrected_shares([counts[i] for i in idx], own, seed=seed), strict=True):
                corrections[i] = corr
                scopes[i] = ErrorRateScope.OUTLET
    return [CorrectedTrendRow(r, c, s) for r, c, s in zip(rows, corrections, scopes, strict=True)]


def next_to_label(store: ValidationSource, sample_id: int) -> tuple[SampledItem | None, int, int]:
    """The sample's first unlabelled article in drawing order, with (labelled, drawn) for progress."""
    items = store.sample_items(sample_id)
    done = sum(1 for _, labelled in items if labelled)
    nxt = next((it for it, labelled in items if not labelled), None)
    return nxt, done, len(items)


# ---------------------------------------------------------------------- formatting (used by the edges)
def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.1%}"


def _ci(x: tuple[float, float] | None) -> str:
    return "" if x is None else f" [{x[0]:.1%}–{x[1]:.1%}]"


def report_text(report: ValidationReport) -> str:
    lines = [
        f"model version: {report.model_version}",
        f"labelled articles: {report.n_labelled}"
        + (f" ({report.n_unassessed} more not assessed by this version: rescore first)" if report.n_unassessed else ""),
        "",
        "label          precision               recall                  F1                      n",
    ]
    for name, s in (("relevant", report.relevant), ("constructive*", report.constructive)):
        lines.append(
            f"{name:<14} {_pct(s.precision) + _ci(s.precision_ci):<23} {_pct(s.recall) + _ci(s.recall_ci):<23} "
            f"{_pct(s.f1) + _ci(s.f1_ci):<23} {s.support}"
        )
    lines.append("* constructive among articles the person judged relevant")
    lines += ["", "confusion (rows: the model said; columns: the person said)"]
    names = ["not relevant", "relevant", "constructive"]
    lines.append(" " * 14 + "".join(f"{n:>14}" for n in names))
    for name, row in zip(names, report.confusion, strict=True):
        lines.append(f"{name:<14}" + "".join(f"{v:>14}" for v in row))
    lines += [
        "",
        f"constructive share of relevant articles in the sampled range ({report.articles_in_range} articles):",
        f"  raw (the model's verdicts): {_pct(report.share_raw)}",
    ]
    if report.share_corrected is None:
        lines.append(f"  corrected: not given ({report.note})")
    else:
        ci = "" if report.ci_low is None else f" (95 % interval {_pct(report.ci_low)}–{_pct(report.ci_high)})"
        lines.append(f"  corrected for the model's errors: {_pct(report.share_corrected)}{ci}")
        if report.note:
            lines.append(f"  note: {report.note}")
    described = TWO_PHASE_DESCRIPTION if report.method == TWO_PHASE_METHOD else METHOD_DESCRIPTION
    lines += [
        "",
        f"method: {report.method} – {described}",
        f"trends --corrected: {METHOD} – {METHOD_DESCRIPTION}",
        f"assumption (trends): {ASSUMPTION}",
    ]
    return "\n".join(lines)


def corrected_rows_to_table(rows: Sequence[CorrectedTrendRow]) -> str:
    if not rows:
        return "(no assessed articles in this range)"
    head = ("group", "period", "articles", "relevant", "constr.", "raw", "corrected", "95% CI", "labels")
    body = []
    for cr in rows:
        r, c = cr.row, cr.correction
        body.append(
            (
                r.group,
                r.period.isoformat(),
                str(r.articles),
                str(r.relevant),
                str(r.constructive),
                "-" if r.share_constructive is None else f"{r.share_constructive:.0%}",
                "-" if c.share is None else f"{c.share:.0%}",
                (c.note or "-") if c.ci_low is None or c.ci_high is None else f"{c.ci_low:.0%}–{c.ci_high:.0%}",
                f"{c.n_labels} {cr.error_rates.value}",
            )
        )
    lines = text_table(head, body)
    lines.append(f"model_version: {rows[0].row.model_version}")
    lines.append(f"correction: {METHOD} – {METHOD_DESCRIPTION}")
    lines.append(f"assumption: {ASSUMPTION}")
    return "\n".join(lines)


def corrected_rows_to_json(rows: Sequence[CorrectedTrendRow]) -> str:
    return json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=2)


def corrected_rows_to_csv(rows: Sequence[CorrectedTrendRow]) -> str:
    from botrygt_nlp import csvout
    from botrygt_nlp.trends import FIELDS

    fields = (*FIELDS, *CORRECTED_FIELDS)
    return csvout.rows_to_csv(fields, ([d[k] for k in fields] for d in (r.to_json() for r in rows)))
