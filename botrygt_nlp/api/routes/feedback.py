"""POST /v1/feedback: a person corrects one label on a text or a stored article (who/when recorded)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from botrygt_nlp.api.auth import WriteCaller
from botrygt_nlp.api.media import JSON_ONLY
from botrygt_nlp.api.schemas import problem_responses
from botrygt_nlp.domain import CrimeType
from botrygt_nlp.service.services import Services, get_services

router = APIRouter(tags=["feedback"])


class FeedbackLabel(StrEnum):
    RELEVANT = "relevant"
    CRIME_TYPE = "crime_type"
    CONSTRUCTIVE = "constructive"
    ALARMIST = "alarmist"
    WITNESS_APPEAL = "witness_appeal"


class FeedbackIn(BaseModel):
    """Give ``article_id`` (a stored article) or ``text`` (the text itself, stored for training), not both."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            # What _consistent checks, said in the schema: one target, and a value that fits the label.
            "oneOf": [
                {"required": ["article_id"], "properties": {"article_id": {"type": "integer"}}},
                {"required": ["text"], "properties": {"text": {"type": "string"}}},
            ],
            "if": {"properties": {"label": {"const": "crime_type"}}},
            "then": {"properties": {"value": {"$ref": "#/components/schemas/CrimeType"}}},
            "else": {"properties": {"value": {"type": "boolean"}}},
            "examples": [
                {"article_id": 42, "label": "constructive", "value": True},
                {"text": "Der var indbrud i nat. Husk at låse døren.", "label": "crime_type", "value": "home_burglary"},
            ],
        },
    )

    article_id: int | None = Field(default=None, ge=1, le=2**63 - 1)
    text: str | None = Field(default=None, min_length=1, max_length=100_000)
    label: FeedbackLabel
    value: StrictBool | CrimeType = Field(description="true/false, or a crime type for label=crime_type")

    @model_validator(mode="after")
    def _consistent(self) -> FeedbackIn:
        if (self.article_id is None) == (self.text is None):
            raise ValueError("give exactly one of 'article_id' or 'text'")
        if self.text is not None and not self.text.strip():
            raise ValueError("'text' must not be blank")
        wants_type = self.label is FeedbackLabel.CRIME_TYPE
        # bool is checked first: CrimeType is a str enum and must not swallow "true".
        if wants_type != isinstance(self.value, CrimeType) or (not wants_type and not isinstance(self.value, bool)):
            raise ValueError("'value' must be a crime type for label=crime_type and true/false otherwise")
        return self


class FeedbackOut(BaseModel):
    id: int
    stored: bool = True
    who: str


@router.post(
    "/v1/feedback",
    response_model=FeedbackOut,
    status_code=201,
    responses=problem_responses(400, 413, 415, 422, 503),
    dependencies=JSON_ONLY,
)
def feedback(
    body: FeedbackIn, caller: WriteCaller, services: Annotated[Services, Depends(get_services)]
) -> FeedbackOut:
    target: int | str = body.article_id if body.article_id is not None else (body.text or "")
    value = body.value.value if isinstance(body.value, CrimeType) else body.value
    who = caller.key_name or "anonymous"
    fid = services.store.add_feedback(target, body.label.value, value, who=who)
    return FeedbackOut(id=fid, who=who)
