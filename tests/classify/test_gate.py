"""Pinning the quality floors: held-out and development split, floors only go up unless a reason is given."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from botrygt_nlp.classify.corpus import parse_unit
from botrygt_nlp.classify.gate import DEV_GATED, DEV_SUBSETS, GATED, pin


def _metrics(value: float) -> dict[str, Any]:
    return {
        "relevant": {"f1": value},
        "relevant_accuracy": {"accuracy": value},
        "constructive": {"f1": value, "precision": value, "recall": value},
        "alarmist": {"f1": value, "recall": value},
        "witness_appeal": {"f1": value},
        "advice_spans": {"f1": value, "recall": value},
        "crime_type_accuracy_on_relevant": value,
        "crime_type_coarse_accuracy_on_relevant": value,
    }


def _unit(uid: str) -> Any:
    text = "Der var indbrud i en villa i Vejle i nat, og politiet efterforsker sagen grundigt."
    raw = {"id": uid, "register": "news", "text": text, "relevant": True, "crime_type": "home_burglary",
           "constructive": False, "alarmist": False, "advice": [], "split": "dev"}  # fmt: skip
    return parse_unit(raw, "press_paraphrased.jsonl")


def test_floors_are_pinned_for_both_sets_and_only_go_up(tmp_path: Path) -> None:
    gate = tmp_path / "gate.json"
    dev = [_unit("pp-1"), _unit("pp-2")]
    pin(gate, [], _metrics(0.9), "m1", dev=(dev, {s: _metrics(0.8) for s in DEV_SUBSETS}))
    data = json.loads(gate.read_text())
    assert data["floors"] == {path: round(0.9 - margin, 3) for path, margin in GATED.items()}
    assert data["dev"]["n"] == 2 and len(data["dev"]["sha256"]) == 64
    for subset in DEV_SUBSETS:
        assert data["dev"]["floors"][subset] == {path: round(0.8 - m, 3) for path, m in DEV_GATED.items()}

    # A worse model does not lower a floor silently …
    pin(gate, [], _metrics(0.5), "m2", dev=(dev, {s: _metrics(0.5) for s in DEV_SUBSETS}))
    again = json.loads(gate.read_text())
    assert again["floors"] == data["floors"] and again["dev"]["floors"] == data["dev"]["floors"]
    # … only with a reason, which the history keeps.
    pin(gate, [], _metrics(0.5), "m3", "held-out set rewritten", dev=(dev, {s: _metrics(0.5) for s in DEV_SUBSETS}))
    lowered = json.loads(gate.read_text())
    assert lowered["dev"]["floors"]["dev"]["constructive.f1"] == round(0.5 - DEV_GATED["constructive.f1"], 3)
    assert lowered["history"][-1]["lowered_because"] == "held-out set rewritten"
    assert [h["model_version"] for h in lowered["history"]] == ["m1", "m2", "m3"]
