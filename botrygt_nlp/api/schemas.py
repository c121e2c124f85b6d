"""Pydantic request/response models of the /v1 API (the OpenAPI schema at /docs is generated from these)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, model_validator

from botrygt_nlp.domain import CrimeType, Language, Principle

Id = Annotated[str, Field(max_length=200, description="Caller's own identifier, echoed back")]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date_only(value: object) -> object:
    # pydantic's lax date also takes 0 or "1700000000" (Unix time) and "2026-01-01T00:00"; the schema says
    # format: date, so only YYYY-MM-DD is a date here.
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("a date must be written YYYY-MM-DD")
    if isinstance(value, int | float):
        raise ValueError("a date must be written YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TextItem(_Strict):
    id: Id | None = None
    text: str = Field(min_length=1, description="The text to assess (Danish).")
    title: str | None = Field(default=None, max_length=1000)


class AssessRequest(_Strict):
    """Either one text (``text``) or a batch (``items``), never both."""

    model_config = ConfigDict(
        json_schema_extra={
            # The validator below, said in the schema, so generated clients and fuzzers know it.
            "oneOf": [
                {"required": ["text"], "properties": {"text": {"type": "string"}}},
                {"required": ["items"], "properties": {"items": {"type": "array"}}},
            ],
            "examples": [
                {"text": "Der var indbrud i nat på Søgade. Husk at låse døren, også når du kun går en kort tur."},
                {"items": [{"id": "a1", "text": "Indbrud i villa i Ringsted.", "title": "Indbrud"}], "store": False},
            ],
        }
    )

    text: str | None = Field(default=None, min_length=1)
    title: str | None = Field(default=None, max_length=1000)
    id: Id | None = None
    items: list[TextItem] | None = Field(default=None, min_length=1)
    store: StrictBool = Field(
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


class ProblemIssue(BaseModel):
    """One schema violation: where (``["body", "items", 0, "text"]``) and pydantic's message. Input is never echoed."""

    loc: list[str]
    msg: str


class ProblemOut(BaseModel):
    """application/problem+json (RFC 9457). Branch on ``code``, not on ``title`` or ``detail``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "https://botrygt.dk/problems/empty_text",
                    "title": "Empty text",
                    "title_da": "Teksten er tom",
                    "status": 422,
                    "detail": "Text 0: The text is empty or contains only whitespace; there is nothing to assess.",
                    "code": "empty_text",
                    "retryable": False,
                    "instance": "/v1/assess",
                    "index": 0,
                }
            ]
        }
    )

    type: str
    title: str = Field(description="Short English title")
    title_da: str = Field(description="The same in Danish")
    status: int
    detail: str
    code: str = Field(description="Stable machine-readable code, e.g. empty_text, too_large, feed_exists")
    retryable: bool = Field(description="Whether the same request may succeed later (429, 502, 503)")
    instance: str = Field(description="The request path")
    errors: list[ProblemIssue] | None = Field(default=None, description="validation_error only")
    index: int | None = Field(default=None, description="Batch requests: the position of the offending text")
    language: str | None = Field(default=None, description="not_danish only: the language detected")


_STATUS_TEXT = {
    400: "The body cannot be parsed (broken JSON, absurd nesting, a form that cannot be read)",
    401: "API key missing where one is required, or a key that is unknown or revoked",
    404: "No such resource",
    409: "Conflict with what is stored (e.g. feed_exists)",
    413: "Body, text or batch over the limit (too_large)",
    415: "Content-Type not accepted here (unsupported_media_type)",
    422: "The request does not match the schema, or its content cannot be used (empty_text, bad_encoding, …)",
    429: "Rate limit exceeded; see Retry-After",
    500: "Unexpected error (no traceback is ever sent)",
    503: "Model or database not available right now; retryable",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the error statuses an operation can return, as application/problem+json.

    Written out instead of FastAPI's ``{"model": ProblemOut}``, which would document them as application/json
    (the route's own media type) and so describe a Content-Type the server never sends. ProblemOut itself is
    added to the components by :func:`botrygt_nlp.api.openapi.finish_schema`.
    """
    ref = {"$ref": "#/components/schemas/ProblemOut"}
    return {
        status: {"description": _STATUS_TEXT[status], "content": {"application/problem+json": {"schema": ref}}}
        for status in sorted({*statuses, 401, 429, 500})  # every /v1 operation: bad key, rate limit, the unexpected
    }
