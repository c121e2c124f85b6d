"""Training the default (linear) model from the authored corpus; the held-out split is never seen here.

``train()`` returns a report (data counts, config, held-out metrics) and writes the model folder with its
``meta.json``, the linear parts, the compact lemma table and ``MODEL_CARD.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path

from botrygt_nlp.analysis import Analyzer, aggregate_features
from botrygt_nlp.classify.corpus import HELDOUT_FILE_PREFIX, Unit, corpus_sha256, load_corpus
from botrygt_nlp.classify.features import document_features, principle_features, sentence_features
from botrygt_nlp.classify.linear import LinearModel, fit_linear
from botrygt_nlp.classify.model import LinearBundle, ModelMeta
from botrygt_nlp.nlp.pipeline import LEMMA_TABLE_FILE, LemmaLookup, build_compact_lemma_table, build_nlp
from botrygt_nlp.nlp.signals import SentenceSignals, document_signals
from botrygt_nlp.nlp.text import ProcessedText, Sentence, process


class BackendKind(StrEnum):
    LINEAR = "linear"
    TRANSFORMERS = "transformers"


@dataclass
class TrainConfig:
    backend: str = "linear"
    base_model: str | None = None
    c_advice: float = 0.5
    c_principle: float = 1.0
    c_doc: float = 1.0
    c_aggregate: float = 1.0
    folds: int = 5
    seed: int = 13
    version: str | None = None
    epochs: int = 3
    max_length: int = 128
    batch_size: int = 16
    learning_rate: float = 5e-5


@dataclass
class PreparedUnit:
    unit: Unit
    doc: ProcessedText
    sigs: list[SentenceSignals]
    sentence_features: list[list[str]]
    sentence_labels: list[int]
    sentence_principles: list[str | None]
    doc_features: list[str]


@dataclass
class TrainReport:
    version: str
    backend: str
    corpus_sha256: str
    counts: dict[str, int]
    config: dict[str, object]
    heldout: dict[str, object] = field(default_factory=dict)
    # The independent held-out files on their own: the best estimate of how the model does on texts written
    # by someone who never saw the training data (the hash slice of the other files shares their authors).
    heldout_independent: dict[str, dict[str, object]] = field(default_factory=dict)


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


IGNORE = -1  # a sentence left out of the advice model's training (see sentence_labels)


def _advice_form(s: Sentence, sig: SentenceSignals) -> bool:
    return (
        sig.imperative
        or sig.advice_phrase
        or sig.modal
        or sig.preventive_call
        or sig.nabohjaelp
        or sig.inner_imperative
        or sig.addressee
        or s.is_list_item
    )


def sentence_labels(
    unit: Unit, doc: ProcessedText, sigs: Sequence[SentenceSignals]
) -> tuple[list[int], list[str | None]]:
    """A sentence is advice (1) when an annotated advice span covers most of it (or it contains the span).

    Authors sometimes annotate an advice passage together with its reason ("… ring 114. Tyve kan ikke lide at
    blive set."). A sentence inside a multi-sentence span that has no advice form of its own is neither
    advice nor a counter-example, so it is left out (IGNORE) rather than taught as advice.
    """
    labels: list[int] = []
    principles: list[str | None] = []
    for s, sig in zip(doc.sentences, sigs, strict=True):
        best = 0
        best_principle: str | None = None
        best_span_len = 0
        length = max(1, s.end - s.start)
        for a in unit.advice:
            ov = _overlap(s.start, s.end, a.start, a.end)
            if ov and (ov / length >= 0.5 or ov / max(1, a.end - a.start) >= 0.8) and ov > best:
                best = ov
                best_principle = a.principle.value if a.principle else "none"
                best_span_len = a.end - a.start
        if best and best_span_len > length * 1.5 and not _advice_form(s, sig):
            labels.append(IGNORE)
            principles.append(None)
            continue
        labels.append(1 if best else 0)
        principles.append(best_principle)
    return labels, principles


def prepare(units: Sequence[Unit], nlp_lemmas: LemmaLookup | None = None) -> list[PreparedUnit]:
    nlp = build_nlp(nlp_lemmas)
    out: list[PreparedUnit] = []
    for u in units:
        doc = process(nlp, u.text, u.title)
        sigs = document_signals(doc)
        n = len(doc.sentences)
        feats = [
            sentence_features(s, sig, doc.sentences[i - 1] if i else None, n)
            for i, (s, sig) in enumerate(zip(doc.sentences, sigs, strict=True))
        ]
        labels, principles = sentence_labels(u, doc, sigs)
        out.append(PreparedUnit(u, doc, sigs, feats, labels, principles, document_features(doc, sigs)))
    return out


def _fit_advice(units: Sequence[PreparedUnit], c: float) -> LinearModel:
    pairs = [(f, y) for p in units for f, y in zip(p.sentence_features, p.sentence_labels, strict=True) if y != IGNORE]
    feats = [f for f, _y in pairs]
    labels = [str(y) for _f, y in pairs]
    return fit_linear("advice", feats, labels, c=c, class_weight="balanced")


def _out_of_fold_advice(units: list[PreparedUnit], cfg: TrainConfig) -> list[list[float]]:
    """Advice probabilities for every training sentence from a model that did not see its document."""
    order = list(range(len(units)))
    random.Random(cfg.seed).shuffle(order)
    fold_of = {idx: k % cfg.folds for k, idx in enumerate(order)}
    result: list[list[float]] = [[] for _ in units]
    for fold in range(cfg.folds):
        train_units = [u for i, u in enumerate(units) if fold_of[i] != fold]
        model = _fit_advice(train_units, cfg.c_advice)
        for i, u in enumerate(units):
            if fold_of[i] == fold:
                probs = model.proba_many(u.sentence_features)
                result[i] = [float(p) for p in probs[:, 1]] if len(probs) else []
    return result


def fit_bundle(train_units: list[PreparedUnit], cfg: TrainConfig) -> LinearBundle:
    advice = _fit_advice(train_units, cfg.c_advice)

    p_feats: list[list[str]] = []
    p_labels: list[str] = []
    for p in train_units:
        for s, sig, y, pr in zip(p.doc.sentences, p.sigs, p.sentence_labels, p.sentence_principles, strict=True):
            if y == 1 and pr:
                p_feats.append(principle_features(s, sig))
                p_labels.append(pr)
    principle = fit_linear("principle", p_feats, p_labels, c=cfg.c_principle)

    doc_feats = [p.doc_features for p in train_units]
    crime_type = fit_linear("crime_type", doc_feats, [p.unit.crime_type.value for p in train_units], c=cfg.c_doc)
    alarm = fit_linear(
        "alarm",
        doc_feats,
        [str(int(p.unit.alarmist)) for p in train_units],
        c=cfg.c_doc,
        class_weight="balanced",
    )
    witness = fit_linear("witness", doc_feats, [str(int(p.unit.witness_appeal)) for p in train_units], c=cfg.c_doc)

    oof = _out_of_fold_advice(train_units, cfg)
    agg_feats: list[list[str]] = []
    agg_labels: list[str] = []
    for p, probs in zip(train_units, oof, strict=True):
        if not p.unit.relevant:
            continue
        agg_feats.append(aggregate_features(probs, p.sigs, [s.is_list_item for s in p.doc.sentences]))
        agg_labels.append(str(int(p.unit.constructive)))
    constructive = fit_linear("constructive", agg_feats, agg_labels, c=cfg.c_aggregate, min_count=1)
    return LinearBundle(advice, principle, crime_type, alarm, witness, constructive)


def train(corpus_dir: Path, out_dir: Path, cfg: TrainConfig | None = None) -> TrainReport:
    cfg = cfg or TrainConfig()
    units = load_corpus(corpus_dir)
    train_units = [u for u in units if u.split == "train"]
    heldout_units = [u for u in units if u.split == "heldout"]
    sha = corpus_sha256(corpus_dir)
    prepared = prepare(train_units)
    bundle = fit_bundle(prepared, cfg)
    # The version names the corpus and the weights, so any change to data, features or code shows in it.
    version = cfg.version or f"{cfg.backend}-{dt.date.today():%Y%m%d}-{sha[:8]}-{bundle.digest()[:6]}"
    out_dir.mkdir(parents=True, exist_ok=True)
    bundle.save(out_dir)

    lemmas_needed = {
        f[2:] for m in (bundle.advice, bundle.principle, bundle.crime_type) for f in m.vocab if f.startswith("l=")
    }
    lemmas_needed |= {f[3:] for f in bundle.advice.vocab if f.startswith("fl=")}
    compact = build_compact_lemma_table(lemmas_needed)
    (out_dir / LEMMA_TABLE_FILE).write_text(json.dumps(compact, ensure_ascii=False), encoding="utf-8")

    meta = ModelMeta(
        version=version,
        backend=cfg.backend,
        corpus_sha256=sha,
        thresholds={"constructive": 0.5, "alarm": 0.5},
        extra={"trained": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "config": asdict(cfg)},
    )
    meta.write(out_dir)
    if cfg.backend == BackendKind.TRANSFORMERS:
        from botrygt_nlp.classify.transformers_backend import train_transformers

        train_transformers(prepared, out_dir, cfg)

    counts = {
        "units_total": len(units),
        "units_train": len(train_units),
        "units_heldout": len(heldout_units),
        "train_sentences": sum(len(p.sentence_labels) for p in prepared),
        "train_advice_sentences": sum(y == 1 for p in prepared for y in p.sentence_labels),
        "train_sentences_left_out": sum(y == IGNORE for p in prepared for y in p.sentence_labels),
        "lemma_forms": len(compact),
    }
    report = TrainReport(version, cfg.backend, sha, counts, asdict(cfg))
    from botrygt_nlp.classify.evaluate import evaluate_units

    analyzer = Analyzer(out_dir)
    # Each held-out unit is assessed once; the per-file figures reuse those assessments.
    assessed = {u.id: analyzer.assess(u.text, title=u.title or None) for u in heldout_units}
    report.heldout = evaluate_units(analyzer, heldout_units, assess=lambda u: assessed[u.id])
    for name in sorted({u.source_file for u in heldout_units if u.source_file.startswith(HELDOUT_FILE_PREFIX)}):
        units_of_file = [u for u in heldout_units if u.source_file == name]
        report.heldout_independent[name] = evaluate_units(analyzer, units_of_file, assess=lambda u: assessed[u.id])
    (out_dir / "training_report.json").write_text(json.dumps(asdict(report), indent=2, ensure_ascii=False) + "\n")
    return report
