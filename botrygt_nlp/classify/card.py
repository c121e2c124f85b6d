"""MODEL_CARD.md: what the model is, what it was trained on, and how well it does on the held-out split."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from botrygt_nlp.classify.train import TrainReport

COMPARISON_FILE = "backend_comparison.json"


def _row(name: str, m: Any) -> str:
    if not isinstance(m, dict):
        return f"| {name} | {m} | | | |"
    support = m.get("support", m.get("gold", ""))
    return f"| {name} | {m.get('precision', '')} | {m.get('recall', '')} | {m.get('f1', '')} | {support} |"


def metrics_table(h: dict[str, Any]) -> list[str]:
    lines = ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for key in (
        "relevant",
        "constructive",
        "alarmist",
        "witness_appeal",
        "advice_spans",
        "keyword_baseline_constructive",
    ):
        if key in h:
            lines.append(_row(key, h[key]))
    for ct, m in dict(h.get("crime_type_per_type", {})).items():
        lines.append(_row(f"crime_type={ct}", m))
    return lines


def _f1(m: dict[str, Any], key: str) -> str:
    value = m.get(key)
    return str(value.get("f1", "")) if isinstance(value, dict) else ""


def independent_table(by_file: dict[str, dict[str, Any]]) -> list[str]:
    """One row per independent held-out file: the figures to trust most for unseen writing."""
    if not by_file:
        return []
    lines = [
        "## Independent held-out files (authors who never saw the training data)",
        "",
        "| file | n | relevant F1 | constructive F1 | keyword baseline F1 | alarmist F1 | witness F1 | "
        "advice spans F1 | crime type acc. |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, m in by_file.items():
        cells = [
            name,
            str(m.get("n", "")),
            _f1(m, "relevant"),
            _f1(m, "constructive"),
            _f1(m, "keyword_baseline_constructive"),
            _f1(m, "alarmist"),
            _f1(m, "witness_appeal"),
            _f1(m, "advice_spans"),
            str(m.get("crime_type_accuracy_on_relevant", "")),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def write_model_card(model_dir: Path, report: TrainReport) -> Path:
    h = report.heldout
    raw_cal = h.get("constructive_calibration")
    cal: dict[str, Any] = raw_cal if isinstance(raw_cal, dict) else {}
    lines = [
        f"# Model card: botrygt-nlp `{report.version}`",
        "",
        f"- **Backend:** {report.backend} (sentence-level advice model + document-level crime type, alarmist and "
        "witness-appeal models + a calibrated constructive aggregator; see `botrygt_nlp/classify/model.py`).",
        f"- **Corpus:** `models/corpus/*.jsonl`, sha256 `{report.corpus_sha256}` — authored by the botrygt-nlp team "
        "(see `models/corpus/DATASHEET.md`).",
        f"- **Data:** {json.dumps(report.counts)}",
        f"- **Training config:** `{json.dumps(report.config)}`",
        "",
        f"## Held-out metrics (n = {h.get('n')}, never seen in training)",
        "",
        *metrics_table(h),
        "",
        f"- crime type accuracy on relevant texts: {h.get('crime_type_accuracy_on_relevant')} "
        f"(coarse: {h.get('crime_type_coarse_accuracy_on_relevant')})",
        f"- principle accuracy on matched advice spans: {h.get('principle_accuracy_on_matched_spans')}",
        f"- constructive score calibration: Brier {cal.get('brier')}, ECE {cal.get('ece')}",
        "",
    ]
    lines += independent_table(report.heldout_independent)
    comparison = model_dir / COMPARISON_FILE
    if comparison.is_file():
        comp = json.loads(comparison.read_text(encoding="utf-8"))
        lines += [
            "## Backends side by side (same held-out split)",
            "",
            "| metric | " + " | ".join(comp) + " |",
            "|---|" + "---|" * len(comp),
        ]
        for key in ("relevant", "constructive", "alarmist", "advice_spans"):
            lines.append(f"| {key} F1 | " + " | ".join(str(comp[b].get(key, {}).get("f1", "")) for b in comp) + " |")
        lines.append("| texts/s | " + " | ".join(str(comp[b].get("texts_per_s", "")) for b in comp) + " |")
        lines.append("")
        notes = [str(comp[b]["note"]) for b in comp if comp[b].get("note")]
        lines += [f"- {n}" for n in notes] + [""]
    lines += [
        "## Intended use and limits",
        "",
        "- Danish police daily-report incidents and local/national news about burglary, theft and fraud.",
        "- Other languages are reported as such and not scored. Texts over the configured size limit are refused.",
        "- The corpus is authored, not sampled from real outlets; real texts differ. The keyword baseline row shows "
        "what a naive list reaches on the same split; the quality floors in `tests/test_eval_gate.py` refuse "
        "silent regressions.",
    ]
    path = model_dir / "MODEL_CARD.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
