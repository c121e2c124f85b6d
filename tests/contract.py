"""The `botrygt score --format jsonl` contract (issue 2), shared by the CLI and API tests."""

from __future__ import annotations

SCORE_JSONL_KEYS = frozenset(
    {
        "id",
        "relevant",
        "crime_type",
        "constructive",
        "score",
        "alarmist",
        "witness_appeal",
        "principles",
        "advice_spans",
        "alarm_spans",
        "lix",
        "model_version",
    }
)
