"""The quality gate: pinned floors on the held-out split, refused to drop silently (after trafilatura's
``tests/eval_gate.py``). ``scripts/pin_eval_gate`` writes ``tests/data/eval_gate.json``; the test reads it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from botrygt_nlp.classify.corpus import Unit

# (metric path in evaluate_units output) → margin below the measured value that the floor is pinned at.
GATED: dict[str, float] = {
    "relevant.f1": 0.03,
    "constructive.f1": 0.03,
    "constructive.precision": 0.04,
    "constructive.recall": 0.04,
    "alarmist.f1": 0.05,
    "witness_appeal.f1": 0.03,
    "advice_spans.f1": 0.04,
    "crime_type_accuracy_on_relevant": 0.04,
}


def heldout_sha256(units: Sequence[Unit]) -> str:
    """A hash of the held-out units and their labels: the floors only mean something for this exact set."""
    h = hashlib.sha256()
    for u in sorted(units, key=lambda u: u.id):
        h.update(
            json.dumps(
                [
                    u.id,
                    u.text,
                    u.title,
                    u.relevant,
                    u.crime_type.value,
                    u.constructive,
                    u.alarmist,
                    u.witness_appeal,
                ],
                ensure_ascii=False,
            ).encode()
        )
    return h.hexdigest()


def metric(metrics: dict[str, Any], path: str) -> float:
    value: Any = metrics
    for key in path.split("."):
        value = value[key]
    return float(value)


def pin(
    gate_file: Path,
    units: Sequence[Unit],
    metrics: dict[str, Any],
    model_version: str,
    lower_reason: str | None = None,
) -> dict[str, Any]:
    """Raise floors to (measured - margin); never lower one unless ``lower_reason`` says why."""
    old = json.loads(gate_file.read_text()) if gate_file.is_file() else {"floors": {}, "history": []}
    floors: dict[str, float] = {}
    for path, margin in GATED.items():
        proposed = round(metric(metrics, path) - margin, 3)
        previous = old["floors"].get(path)
        if previous is not None and proposed < previous and lower_reason is None:
            proposed = previous
        floors[path] = proposed
    entry = {"date": dt.date.today().isoformat(), "model_version": model_version, "floors": floors}
    if lower_reason:
        entry["lowered_because"] = lower_reason
    data = {
        "heldout_sha256": heldout_sha256(units),
        "n_heldout": len(units),
        "floors": floors,
        "history": [*old.get("history", []), entry],
    }
    gate_file.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return data
