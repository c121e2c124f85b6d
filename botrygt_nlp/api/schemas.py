"""Pydantic request/response models of the /v1 API (the OpenAPI schema at /docs is generated from these)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from botrygt_nlp.domain import CrimeType, Language, Principle

Id = Annotated[str, Field(max_length=200, description="Caller's own identifier, echoed back")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TextItem(_Strict):
    id: Id | None = None
    text: str = Field(min_length=1, description="The text to assess (Danish).")
    title: str | None = Field(default=None, max_length=1000)


class AssessRequest(_Strict):
    """Either one text (``text``) or a batch (``items``), never both."""

    text: str | None = Field(default=None, min_length=1)
    title: str | None = Field(default=None, max_length=1000)
    id: Id | None = None
    items: list[TextItem] | None = Field(default=None, min_length=1)
    store: bool = Field(
        default=False,
        description="Keep the submitted texts. Off by default: police drafts contain personal data.",
    )

    @model_validator(mode="after")
    def _one_or_batch(self) -> AssessRequest:
        if (self.text is None) == (self.items is None):
            raise ValueError("give exactly one of 'text' or 'items'")
        return self

    def as_items(self) -> list[TextItem]:
        if self.items is not None:
            return self.items
        assert self.text is not None
        return [TextItem(id=self.id, text=self.text, title=self.title)]


class AdviceSpanOut(BaseModel):
    start: int
    end: int
    text: str
    principle: Principle | None


class SpanOut(BaseModel):
    start: int
    end: int
    text: str


class AssessmentOut(BaseModel):
    """The same shape as one line of ``botrygt score --format jsonl`` (``{"id"} | Assessment.to_json()``)."""

    id: str | None
    relevant: bool
    crime_type: CrimeType
    constructive: bool
    score: float = Field(description="Calibrated probability that the text is constructive")
    alarmist: bool
    witness_appeal: bool
    principles: list[Principle]
    advice_spans: list[AdviceSpanOut]
    alarm_spans: list[SpanOut]
    lix: float
    model_version: str
    language: Language = Language.DANISH


class LabelSummary(BaseModel):
    """Perspective-style summary of one label across the request."""

    label: Literal["relevant", "constructive", "alarmist", "witness_appeal"]
    positive: int
    total: int


class AssessResponse(BaseModel):
    assessments: list[AssessmentOut]
    summary: list[LabelSummary]
    stored: bool = Field(description="Whether the submitted texts were kept on the server")
    model_version: str


class ProblemOut(BaseModel):
    """application/problem+json (RFC 9457)."""

    type: str
    title: str
    title_da: str
    status: int
    detail: str
    code: str
    retryable: bool
    instance: str
    errors: list[dict[str, Any]] | None = None


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ProblemOut, "content": {"application/problem+json": {}}} for status in (401, 413, 422, 429, 503)
}
