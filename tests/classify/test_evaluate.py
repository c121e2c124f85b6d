"""Evaluation figures: intervals that are right and reproducible, the keyword baselines, the CLI's splits and the
model card's side-by-side table."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from botrygt_nlp.classify.evaluate import (
    accuracy,
    keyword_relevance_baseline,
    prf,
    wilson,
)


def test_wilson_interval() -> None:
    # Textbook values: 81 of 100 → 0.7222–0.8749; the interval stays inside [0, 1] at the edges.
    assert wilson(81, 100) == (0.7222, 0.8749)
    lo, hi = wilson(20, 20)
    assert hi == 1.0 and 0.83 < lo < 0.84
    assert wilson(0, 0) == (0.0, 0.0)
    assert accuracy([True] * 9 + [False]) == {"accuracy": 0.9, "ci": list(wilson(9, 10)), "n": 10}


def test_bootstrap_intervals_contain_the_estimate_and_are_reproducible() -> None:
    gold = [True] * 40 + [False] * 60
    pred = [True] * 34 + [False] * 6 + [True] * 5 + [False] * 55
    first = prf(gold, pred, intervals=True)
    assert first == prf(gold, pred, intervals=True)  # a fixed seed: the same report byte for byte
    for key in ("precision", "recall", "f1"):
        lo, hi = first[f"{key}_ci"]  # type: ignore[misc]
        assert lo <= first[key] <= hi  # type: ignore[operator]
        assert 0.0 < hi - lo < 0.3
    # More texts with the same rates: a narrower interval.
    wide = first["f1_ci"]
    narrow = prf(gold * 9, pred * 9, intervals=True)["f1_ci"]
    assert narrow[1] - narrow[0] < wide[1] - wide[0]  # type: ignore[index]


def test_keyword_relevance_baseline() -> None:
    assert keyword_relevance_baseline("Der var indbrud i en villa i nat.")
    assert keyword_relevance_baseline("Svindlere ringer til ældre.")
    assert not keyword_relevance_baseline("En bilist kørte i grøften ved Vejle.")


def test_evaluate_cli_splits() -> None:
    from botrygt_nlp.cli import app

    runner = CliRunner()
    out = runner.invoke(app, ["evaluate", "--split", "dev-clear"])
    assert out.exit_code == 0, out.output
    metrics = json.loads(out.stdout)
    assert metrics["n"] == 143
    assert metrics["constructive_without_advice_span"] == 0
    assert metrics["constructive"]["f1_ci"][0] <= metrics["constructive"]["f1"] <= metrics["constructive"]["f1_ci"][1]
    bad = runner.invoke(app, ["evaluate", "--split", "devv"])
    assert bad.exit_code == 2 and "'dev-clear'" in bad.output


@pytest.mark.parametrize("part", ["dev", "dev_clear"])
def test_the_model_card_shows_the_development_split_beside_the_authored_figures(part: str) -> None:
    from botrygt_nlp.config import PROJECT_ROOT

    model = PROJECT_ROOT / "models" / "default"
    card = (model / "MODEL_CARD.md").read_text(encoding="utf-8")
    report = json.loads((model / "training_report.json").read_text(encoding="utf-8"))
    assert "authored held-out" in card and "dev without borderline (n = 143)" in card
    f1 = report[part]["constructive"]["f1"]
    lo, hi = report[part]["constructive"]["f1_ci"]
    assert f"{f1:.3f} [{lo:.3f}–{hi:.3f}]" in card
    assert report["version"] in card
