"""One record → exactly what ``botrygt score`` writes for it. The same function runs in this process
(``--workers 1``), in a pool worker (``--workers N``) and on a Dask worker (``--engine dask``), so the three
paths cannot drift apart: the output is formatted where the text is scored and only written by the parent.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from botrygt_nlp.analysis import Analyzer
from botrygt_nlp.inputs import InputRecord
from botrygt_nlp.scoring import ScoreOutcome, score_record


class Shape(StrEnum):
    """What the parent needs back: a JSONL line, the JSON object (for one indented document), or text."""

    JSONL = "jsonl"
    JSON = "json"
    TEXT = "text"


Render = Callable[[ScoreOutcome], str]


@dataclass(frozen=True, slots=True)
class ScoreJob:
    record: InputRecord
    shape: Shape
    render: Render | None = None  # a module-level function (sent to workers by name); TEXT only


@dataclass(frozen=True, slots=True)
class Scored:
    """``out``: the JSONL line (with its newline) or the text block, ready to write; ``payload``: the JSON
    object (JSON shape only); ``error``: the stderr line of a failed record (TEXT shape), else None."""

    out: str
    payload: dict[str, object] | None
    failed: bool
    error: str | None = None


def jsonl_line(outcome: ScoreOutcome) -> str:
    return json.dumps(outcome.to_json(), ensure_ascii=False) + "\n"


def score_job(analyzer: Analyzer, job: ScoreJob) -> Scored:
    outcome = score_record(analyzer, job.record)
    failed = outcome.error is not None
    if job.shape is Shape.JSONL:
        return Scored(jsonl_line(outcome), None, failed)
    if job.shape is Shape.JSON:
        return Scored("", outcome.to_json(), failed)
    assert job.render is not None
    error = f"botrygt: {outcome.record.id}: {outcome.error.message}" if outcome.error is not None else None
    return Scored(job.render(outcome) + "\n", None, failed, error)
