"""Scoring records into the public JSON contract, turning every per-record problem into an error object."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from botrygt_nlp.analysis import Analyzer
from botrygt_nlp.domain import Assessment, Language
from botrygt_nlp.errors import BotrygtError, InputError, NotDanishError
from botrygt_nlp.inputs import InputRecord


@dataclass(frozen=True, slots=True)
class ScoreOutcome:
    record: InputRecord
    assessment: Assessment | None
    error: BotrygtError | None

    def to_json(self) -> dict[str, object]:
        """``{"id", ...assessment}`` or ``{"id", "error": {"code", "message"[, "line"]}}``."""
        out: dict[str, object] = {"id": self.record.id}
        if self.assessment is not None:
            out.update(self.assessment.to_json())
            return out
        assert self.error is not None
        err: dict[str, object] = {"code": self.error.code, "message": self.error.message}
        if self.record.line is not None:
            err["line"] = self.record.line
        out["error"] = err
        if isinstance(self.error, NotDanishError):
            out["language"] = self.error.language
        return out


def score_record(analyzer: Analyzer, record: InputRecord) -> ScoreOutcome:
    if record.error is not None:
        return ScoreOutcome(record, None, record.error)
    assert record.text is not None
    try:
        assessment = analyzer.assess(record.text, title=record.title)
    except InputError as exc:
        where = f"line {record.line}: " if record.line is not None and str(record.line) not in exc.message else ""
        exc.message = where + exc.message
        return ScoreOutcome(record, None, exc)
    if assessment.language is not Language.DANISH:
        name = {Language.ENGLISH: "English", Language.OTHER_NORDIC: "Swedish or Norwegian"}.get(
            assessment.language, "not Danish"
        )
        where = f"line {record.line}: " if record.line is not None else ""
        return ScoreOutcome(
            record,
            None,
            NotDanishError(
                f"{where}the text looks {name}, not Danish; it was not scored (the model is trained on Danish).",
                assessment.language.value,
            ),
        )
    return ScoreOutcome(record, assessment, None)


def score_records(analyzer: Analyzer, records: Iterable[InputRecord]) -> Iterator[ScoreOutcome]:
    for record in records:
        yield score_record(analyzer, record)
