"""Quality floors on the held-out split; a regression, a stale model or a changed held-out set fails here."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from botrygt_nlp.analysis import load_analyzer
from botrygt_nlp.classify.corpus import corpus_sha256, load_corpus
from botrygt_nlp.classify.evaluate import evaluate_units
from botrygt_nlp.classify.gate import GATED, heldout_sha256, metric
from botrygt_nlp.config import PROJECT_ROOT

GATE = json.loads((PROJECT_ROOT / "tests" / "data" / "eval_gate.json").read_text())
CORPUS = PROJECT_ROOT / "models" / "corpus"


@pytest.fixture(scope="module")
def heldout():  # type: ignore[no-untyped-def]
    return [u for u in load_corpus(CORPUS) if u.split == "heldout"]


@pytest.fixture(scope="module")
def metrics(heldout) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return evaluate_units(load_analyzer(), heldout)


def test_shipped_model_was_trained_on_this_corpus() -> None:
    assert load_analyzer().meta.corpus_sha256 == corpus_sha256(CORPUS), (
        "models/default is stale: the corpus changed since it was trained. Run scripts/train."
    )


def test_heldout_set_is_the_pinned_one(heldout) -> None:  # type: ignore[no-untyped-def]
    assert heldout_sha256(heldout) == GATE["heldout_sha256"], (
        "The held-out set changed; floors measured on another set mean nothing. Re-pin deliberately with "
        "scripts/pin_eval_gate (floors only go up unless --lower-because is given)."
    )


@pytest.mark.parametrize("path", sorted(GATED))
def test_quality_floor(metrics: dict[str, Any], path: str) -> None:
    assert metric(metrics, path) >= GATE["floors"][path], f"{path} fell below its pinned floor"


def test_beats_the_keyword_baseline(metrics: dict[str, Any]) -> None:
    assert metrics["constructive"]["f1"] >= metrics["keyword_baseline_constructive"]["f1"] + 0.1


def test_floors_never_dropped_silently() -> None:
    history = GATE["history"]
    for earlier, later in itertools.pairwise(history):
        for path, value in earlier["floors"].items():
            if later["floors"].get(path, value) < value:
                assert later.get("lowered_because"), f"floor {path} was lowered without a recorded reason"
