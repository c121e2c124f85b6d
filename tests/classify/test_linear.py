"""The sparse linear model: batched decisions agree with single ones, and a lookup shared between models
(``unify_vocab``, ``SentenceFeatures``) decides exactly as separate lookups do."""

from __future__ import annotations

import random

import numpy as np
import pytest

from botrygt_nlp.analysis import Analyzer
from botrygt_nlp.classify.features import DocumentEvidence, alarm_sentence_features, sentence_feature_lists
from botrygt_nlp.classify.linear import LinearModel, SentenceFeatures, fit_linear, unify_vocab
from botrygt_nlp.config import PROJECT_ROOT
from botrygt_nlp.nlp.signals import document_signals
from botrygt_nlp.nlp.text import process

WORDS = [f"w={w}" for w in "lås døren tænd lyset tyven stjal cyklen politiet ring vidner bil nat".split()]


def _rows(n: int, seed: int, extra: list[str] | None = None) -> list[list[str]]:
    rng = random.Random(seed)
    pool = WORDS + (extra or [])
    return [rng.choices(pool, k=rng.randint(0, 8)) for _ in range(n)]


def _fit(name: str, rows: list[list[str]], seed: int) -> LinearModel:
    rng = random.Random(seed)
    labels = [str(int(("w=lås" in r) != (rng.random() < 0.2))) for r in rows]
    return fit_linear(name, rows, labels, min_count=1)


def test_batched_decisions_equal_single_ones_and_duplicates_count_once() -> None:
    rows = _rows(60, seed=1)
    model = _fit("m", rows, seed=2)
    batched = model.proba_many(rows)
    for row, probs in zip(rows, batched, strict=True):
        assert np.allclose(probs, model.proba(row), atol=1e-6)
    assert np.allclose(model.proba_many([["w=lås", "w=lås", "w=lås"]]), model.proba_many([["w=lås"]]), atol=1e-7)


def test_unified_vocabularies_decide_as_before() -> None:
    first = _fit("first", _rows(80, seed=3), seed=4)
    second = _fit("second", _rows(80, seed=5, extra=["ahit", "astrong"]), seed=6)
    probe = _rows(40, seed=7, extra=["ahit", "astrong", "w=ukendt"])
    before = (first.proba_many(probe), second.proba_many(probe))
    unify_vocab([first, second])
    assert first.vocab is second.vocab
    assert first.coef.shape[1] == second.coef.shape[1] == len(first.vocab)
    assert np.allclose(first.proba_many(probe), before[0], atol=1e-6)
    assert np.allclose(second.proba_many(probe), before[1], atol=1e-6)


def test_sentence_features_are_looked_up_once_per_vocabulary() -> None:
    first = _fit("first", _rows(80, seed=8), seed=9)
    second = _fit("second", _rows(80, seed=10, extra=["ahit"]), seed=11)
    other = _fit("other", _rows(80, seed=12), seed=13)
    unify_vocab([first, second])
    rows = _rows(20, seed=14)
    features = SentenceFeatures(rows)
    shared = features.looked_up_in(first)
    assert features.looked_up_in(second) is shared  # same vocabulary: no second lookup
    assert np.allclose(second.proba_many(features), second.proba_many(rows), atol=1e-7)
    # A model with another vocabulary looks the strings up itself and still decides correctly.
    assert np.allclose(other.proba_many(features), other.proba_many([list(r) for r in rows]), atol=1e-7)
    assert features == rows  # to every other reader it is the plain list of lists


def test_joined_lookups_equal_the_joined_lists_and_mismatches_are_refused() -> None:
    first = _fit("first", _rows(80, seed=15), seed=16)
    second = _fit("second", _rows(80, seed=17, extra=["ahit", "astrong"]), seed=18)
    unify_vocab([first, second])
    rows = _rows(15, seed=19)
    extras = [["ahit", "astrong"] if i % 3 == 0 else ["ahit"] if i % 3 == 1 else [] for i in range(len(rows))]
    joined = second.look_up_many(rows).plus(second.look_up_many(extras))
    expected = second.proba_many([[*r, *e] for r, e in zip(rows, extras, strict=True)])
    assert np.allclose(second.proba_looked_up(joined), expected, atol=1e-7)
    other = _fit("other", _rows(80, seed=20), seed=21)
    with pytest.raises(ValueError, match="same rows"):
        second.look_up_many(rows).plus(other.look_up_many(rows))
    with pytest.raises(ValueError, match="another vocabulary"):
        other.decisions_looked_up(second.look_up_many(rows))


def test_the_shipped_sentence_models_share_one_lookup_and_match_the_training_features() -> None:
    analyzer = Analyzer(PROJECT_ROOT / "models" / "default")
    bundle = analyzer.bundle
    assert bundle.alarm_sentence is not None and bundle.alarm_sentence.vocab is bundle.advice.vocab
    text = (
        "Tyvebander hærger villakvartererne i Tjørneby, og beboerne er magtesløse.\n\n"
        "Natten til tirsdag blev der begået indbrud i tre huse på Kløvervej. Tyvene stjal smykker.\n\n"
        "- Lås altid døre og vinduer, og tænd lys udendørs, siger vagtchefen.\n\nRing 114 med oplysninger."
    )
    doc = process(analyzer.nlp, text)
    sigs = document_signals(doc)
    features = sentence_feature_lists(doc, sigs)
    evidence = DocumentEvidence.of(doc)
    # What training fits on: the plain feature lists with the alarm-phrase features appended.
    reference = bundle.alarm_sentence.proba_many(alarm_sentence_features(doc, [list(f) for f in features], evidence))
    analyzer.meta.thresholds["alarm_sentence"] = 0.0  # this instance only: every sentence is returned
    served = [p for _s, p in analyzer._alarm_sentences(doc, features, evidence)]
    assert len(served) == len(doc.sentences) >= 4
    assert served == pytest.approx([float(p) for p in reference[:, 1]], abs=1e-6)
    assert max(served) > 0.5  # the plague wording of the first sentence is read
    assert np.allclose(
        bundle.advice.proba_many(features), bundle.advice.proba_many([list(f) for f in features]), atol=1e-7
    )
