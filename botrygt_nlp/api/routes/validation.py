"""Validation sample over HTTP: the model's accuracy on the user's own press (GET /v1/validation/report)
and labels from a person (POST /v1/validation/labels). Thin over botrygt_nlp.validation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from botrygt_nlp.api.auth import ReadCaller, WriteCaller
from botrygt_nlp.api.media import JSON_ONLY
from botrygt_nlp.api.schemas import problem_responses
from botrygt_nlp.domain import CrimeType
from botrygt_nlp.errors import InputError
from botrygt_nlp.service.problems import ProblemError
from botrygt_nlp.service.services import Services, get_services
from botrygt_nlp.storage.validation import LabelSource, UnknownSampleArticle, ValidationLabel
from botrygt_nlp.validation import validation_report

router = APIRouter(tags=["validation"])
Svc = Annotated[Services, Depends(get_services)]


class LabelIn(BaseModel):
    """A person's label of one sampled article; ``constructive`` is judged among relevant texts."""

    model_config = ConfigDict(extra="forbid")
    article_id: int = Field(ge=1, le=2**63 - 1)
    relevant: StrictBool
    constructive: StrictBool
    crime_type: CrimeType | None = None


class LabelsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    labels: list[LabelIn] = Field(min_length=1, max_length=1000)


class LabelsOut(BaseModel):
    stored: int
    annotator: str


@router.get("/v1/validation/report", responses=problem_responses(404, 422, 503))
def report(
    caller: ReadCaller,
    services: Svc,
    model_version: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """As `botrygt validate report --format json`: precision, recall and F1 of `relevant` and `constructive`
    on the labelled sample (95 % intervals), the confusion table, and the constructive share over the
    sampled range, raw and corrected for the model's errors."""
    try:
        return validation_report(services.store, model_version=model_version).to_json()
    except InputError as exc:
        raise ProblemError(404, "no_validation_labels", exc.message) from None


@router.post(
    "/v1/validation/labels",
    response_model=LabelsOut,
    status_code=201,
    responses=problem_responses(400, 413, 415, 422, 503),
    dependencies=JSON_ONLY,
)
def labels(body: LabelsIn, caller: WriteCaller, services: Svc) -> LabelsOut:
    """Labels for articles of a validation sample (all or none are stored; the annotator is the key's name)."""
    who = caller.key_name or "anonymous"
    bad = [i for i, lab in enumerate(body.labels) if lab.constructive and not lab.relevant]
    if bad:
        raise ProblemError(
            422, "validation_error", f"labels[{bad[0]}]: 'constructive' cannot be true when 'relevant' is false."
        )
    try:
        items = [ValidationLabel(x.article_id, x.relevant, x.constructive, x.crime_type, who) for x in body.labels]
        stored = services.store.add_validation_labels(items, source=LabelSource.WEB)
    except UnknownSampleArticle as exc:
        raise ProblemError(422, "not_sampled", f"{exc}; only sampled articles can be labelled.") from None
    return LabelsOut(stored=stored, annotator=who)
