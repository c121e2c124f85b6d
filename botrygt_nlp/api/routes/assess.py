"""POST /v1/assess: one text or a batch -> assessments in the `botrygt score` JSONL shape."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from botrygt_nlp.api.auth import ReadCaller
from botrygt_nlp.api.media import JSON_ONLY
from botrygt_nlp.api.schemas import AssessRequest, AssessResponse, LabelSummary, problem_responses
from botrygt_nlp.domain import Assessment
from botrygt_nlp.errors import InputError
from botrygt_nlp.service import backend
from botrygt_nlp.service.problems import ProblemError
from botrygt_nlp.service.services import Services, get_services

# Paths are written out in full (not via include_router prefix) so the route template that metrics
# label requests with is the public path.
router = APIRouter(tags=["assess"])


def assess_items(services: Services, texts: list[tuple[str, str | None]]) -> list[Assessment]:
    """Assess (text, title) pairs within the edge's limits; shared by the API and the web pages."""
    limit = services.options.max_text_chars
    results: list[Assessment] = []
    for index, (text, title) in enumerate(texts):
        if len(text) > limit:
            raise ProblemError(
                413,
                "too_large",
                f"Text {index} has {len(text)} characters; the limit is {limit}.",
                extra={"index": index},
            )
        try:
            results.append(services.analyzer.assess(text, title=title))
        except InputError as exc:
            raise ProblemError(422, exc.code, f"Text {index}: {exc.message}", extra={"index": index}) from exc
    services.metrics.record_assessments(sum(a.constructive for a in results), len(results))
    return results


def summarise(assessments: list[Assessment]) -> list[LabelSummary]:
    total = len(assessments)
    return [
        LabelSummary(label="relevant", positive=sum(a.relevant for a in assessments), total=total),
        LabelSummary(label="constructive", positive=sum(a.constructive for a in assessments), total=total),
        LabelSummary(label="alarmist", positive=sum(a.alarmist for a in assessments), total=total),
        LabelSummary(label="witness_appeal", positive=sum(a.witness_appeal for a in assessments), total=total),
    ]


@router.post(
    "/v1/assess",
    response_model=AssessResponse,
    responses=problem_responses(400, 413, 415, 422, 503),
    dependencies=JSON_ONLY,
)
async def assess(
    body: AssessRequest, caller: ReadCaller, services: Annotated[Services, Depends(get_services)]
) -> Response:
    """Assess one text or up to 100. Texts are kept only when ``store`` is true (the response says so).

    Assessing changes nothing on the server, so it is a read (key optional unless configured); asking to
    store the texts makes it a write and needs a key.
    """
    if body.store and caller.key_name is None:
        raise ProblemError(
            401,
            "unauthorized",
            "Storing submitted texts needs an API key.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    items = body.as_items()
    if len(items) > services.options.max_batch:
        raise ProblemError(
            413, "too_large", f"A batch holds at most {services.options.max_batch} texts; got {len(items)}."
        )
    pairs = [(i.text, i.title) for i in items]
    # Off the event loop and out of the shared thread pool: under load, inline assessments held every
    # read (and the health check) behind them (issue 10, point 8). See service/analysis_pool.py.
    assessments = await services.analysis.run(assess_items, services, pairs)
    stored = False
    if body.store:
        rows = [(i.id, i.title, i.text) for i in items]
        who = caller.key_name or "anonymous"
        await run_in_threadpool(lambda: backend.store_submissions(services.store, rows, assessments, who=who))
        stored = True
    # Built straight from Assessment.to_json() (the public contract) and sent as JSON: validating the
    # same data again through the response model cost more than the HTTP stack on a 2,000-character text.
    # The schema at /docs still comes from AssessResponse, and tests pin the shape.
    return JSONResponse(
        {
            "assessments": [{"id": i.id, **a.to_json()} for a, i in zip(assessments, items, strict=True)],
            "summary": [s.model_dump() for s in summarise(assessments)],
            "stored": stored,
            "model_version": services.analyzer.model_version,
        }
    )
