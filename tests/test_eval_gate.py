"""Quality floors on the authored held-out split and on the paraphrased development split; a regression, a
stale model or a changed evaluation set fails here."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from botrygt_nlp import load_analyzer
from botrygt_nlp.classify.corpus import Split, Unit, corpus_sha256, load_corpus
from botrygt_nlp.classify.evaluate import evaluate_units
from botrygt_nlp.classify.gate import DEV_GATED, DEV_SUBSETS, GATED, heldout_sha256, metric
from botrygt_nlp.config import PROJECT_ROOT

GATE = json.loads((PROJECT_ROOT / "tests" / "data" / "eval_gate.json").read_text())
CORPUS = PROJECT_ROOT / "models" / "corpus"


@pytest.fixture(scope="module")
def corpus() -> list[Unit]:
    return load_corpus(CORPUS)


@pytest.fixture(scope="module")
def heldout(corpus: list[Unit]) -> list[Unit]:
    return [u for u in corpus if u.split == Split.HELDOUT]


@pytest.fixture(scope="module")
def dev(corpus: list[Unit]) -> list[Unit]:
    return [u for u in corpus if u.split == Split.DEV]


@pytest.fixture(scope="module")
def metrics(heldout: list[Unit]) -> dict[str, Any]:
    return evaluate_units(load_analyzer(), heldout)


@pytest.fixture(scope="module")
def dev_metrics(dev: list[Unit]) -> dict[str, dict[str, Any]]:
    analyzer = load_analyzer()
    assessed = {u.id: analyzer.assess(u.text, title=u.title or None) for u in dev}
    return {
        "dev": evaluate_units(analyzer, dev, assess=lambda u: assessed[u.id]),
        "dev_clear": evaluate_units(analyzer, [u for u in dev if not u.borderline], assess=lambda u: assessed[u.id]),
    }


def test_shipped_model_was_trained_on_this_corpus() -> None:
    assert load_analyzer().meta.corpus_sha256 == corpus_sha256(CORPUS), (
        "models/default is stale: the corpus changed since it was trained. Run scripts/train."
    )


def test_heldout_set_is_the_pinned_one(heldout: list[Unit]) -> None:
    assert heldout_sha256(heldout) == GATE["heldout_sha256"], (
        "The held-out set changed; floors measured on another set mean nothing. Re-pin deliberately with "
        "scripts/pin_eval_gate (floors only go up unless --lower-because is given)."
    )


def test_dev_set_is_the_pinned_one(dev: list[Unit]) -> None:
    assert len(dev) == GATE["dev"]["n"] == 246
    assert heldout_sha256(dev) == GATE["dev"]["sha256"], "The development split changed; re-pin deliberately."


def test_no_dev_unit_is_trained_on(corpus: list[Unit]) -> None:
    """The development split is fixed by the paraphrased corpus' own `split` field, never by the hash slice."""
    paraphrased = [u for u in corpus if u.real_press]
    assert paraphrased and all(u.split in (Split.TRAIN, Split.DEV) for u in paraphrased)
    assert {u.split for u in corpus if not u.real_press} <= {Split.TRAIN, Split.HELDOUT}


@pytest.mark.parametrize("path", sorted(GATED))
def test_quality_floor(metrics: dict[str, Any], path: str) -> None:
    assert metric(metrics, path) >= GATE["floors"][path], f"{path} fell below its pinned floor"


@pytest.mark.parametrize(("subset", "path"), [(s, p) for s in DEV_SUBSETS for p in sorted(DEV_GATED)])
def test_dev_quality_floor(dev_metrics: dict[str, dict[str, Any]], subset: str, path: str) -> None:
    floor = GATE["dev"]["floors"][subset][path]
    assert metric(dev_metrics[subset], path) >= floor, f"{subset}: {path} fell below its pinned floor"


@pytest.mark.parametrize("subset", DEV_SUBSETS)
def test_every_constructive_verdict_shows_advice(dev_metrics: dict[str, dict[str, Any]], subset: str) -> None:
    assert dev_metrics[subset]["constructive_without_advice_span"] == 0


def test_beats_the_keyword_baseline(metrics: dict[str, Any], dev_metrics: dict[str, dict[str, Any]]) -> None:
    assert metrics["constructive"]["f1"] >= metrics["keyword_baseline_constructive"]["f1"] + 0.1
    clear = dev_metrics["dev_clear"]
    assert clear["constructive"]["f1"] >= clear["keyword_baseline_constructive"]["f1"] + 0.1
    assert clear["relevant_accuracy"]["accuracy"] >= clear["keyword_baseline_relevant_accuracy"]["accuracy"]


def test_floors_never_dropped_silently() -> None:
    history = GATE["history"]
    for earlier, later in itertools.pairwise(history):
        for path, value in earlier["floors"].items():
            if later["floors"].get(path, value) < value:
                assert later.get("lowered_because"), f"floor {path} was lowered without a recorded reason"
        for subset, floors in earlier.get("dev_floors", {}).items():
            for path, value in floors.items():
                if later.get("dev_floors", {}).get(subset, {}).get(path, value) < value:
                    assert later.get("lowered_because"), f"{subset} floor {path} was lowered without a reason"
