"""POST /v1/reports/parse and /v1/reports/rewrite, GET /v1/templates[/{name}].

A report arrives either as JSON (``{"text", "format", "style", "date", "markers"}``) or as the raw document with
Content-Type text/plain, text/markdown or text/html and the options in the query string.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError

from botrygt_nlp.api.auth import ReadCaller
from botrygt_nlp.api.media import declared_charset, is_json, media_type
from botrygt_nlp.api.schemas import IsoDate, problem_responses
from botrygt_nlp.domain import CrimeType, Principle
from botrygt_nlp.errors import EncodingError, TemplateError
from botrygt_nlp.reports import Report, ReportFormat, decode_report, detect_format
from botrygt_nlp.rewrite import Season, Style, TemplateInfo, TemplateSource, TemplateStore, Topic, list_templates
from botrygt_nlp.service import backend
from botrygt_nlp.service.problems import ProblemError
from botrygt_nlp.service.services import Services, get_services

router = APIRouter(tags=["reports"])
templates_router = APIRouter(tags=["templates"])  # its own router, so the templates are listed under one tag
Svc = Annotated[Services, Depends(get_services)]


class InputFormat(StrEnum):
    AUTO = "auto"
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"


_MEDIA_FORMATS = {
    "text/plain": InputFormat.AUTO,
    "text/markdown": InputFormat.MARKDOWN,
    "text/html": InputFormat.HTML,
}


class ReportRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "text": "Døgnrapport fra Midt- og Vestsjællands Politi\n\nIndbrud i villa i Ringsted\n"
                    "Natten til tirsdag var der indbrud i en villa på Søgade.\n",
                    "format": "auto",
                    "style": "full",
                    "date": "2026-11-03",
                    "markers": True,
                }
            ]
        },
    )

    text: str = Field(min_length=1, description="The daily report: plain text, Markdown or HTML")
    format: InputFormat = InputFormat.AUTO
    style: Style = Field(default=Style.FULL, description="rewrite only: full (five points) or short")
    report_date: IsoDate | None = Field(
        default=None, alias="date", description="rewrite only: report date (picks seasonal advice)"
    )
    verify: StrictBool = Field(default=False, description="rewrite only: re-assess each rewritten incident")
    markers: StrictBool = Field(
        default=True,
        description="rewrite only: false gives publish-ready text, without the blocks' marker comments and lines "
        "(also those already in the report); the change report's offsets still rebuild the original",
    )


_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ReportRequest"}},
            "text/plain": {"schema": {"type": "string", "minLength": 1}},
            "text/markdown": {"schema": {"type": "string", "minLength": 1}},
            "text/html": {"schema": {"type": "string", "minLength": 1}},
        },
    },
    "parameters": [
        {
            "name": "style",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "enum": [s.value for s in Style]},
            "description": "Only with a text/* body; a JSON body carries it as the style field",
        },
        {
            "name": "date",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "format": "date"},
            "description": "Only with a text/* body; a JSON body carries it as the date field",
        },
        {
            "name": "markers",
            "in": "query",
            "required": False,
            "schema": {"type": "boolean", "default": True},
            "description": "Only with a text/* body; a JSON body carries it as the markers field",
        },
    ],
}

# The body fields a text/* body takes from the query string (and a JSON body as defaults). Query strings carry
# text: a boolean option is read as "true"/"false", anything else is a 422 as a non-boolean is in a JSON body.
_QUERY_OPTIONS = ("style", "date", "markers")
_BOOLEAN_OPTIONS = frozenset({"markers"})
_QUERY_BOOLEANS = {"true": True, "false": False}


def _query_option(request: Request, name: str) -> str | bool | None:
    """The option ``name`` from the query string, a boolean one as a bool; None when it is not there."""
    value = request.query_params.get(name)
    if value == "":  # `?date=` is not "no date": the schema says a date, so an empty one is refused
        raise ProblemError(
            422,
            "validation_error",
            f"'{name}' in the query string must not be empty.",
            extra={"errors": [{"loc": ["query", name], "msg": "must not be empty"}]},
        )
    if value is None or name not in _BOOLEAN_OPTIONS:
        return value
    if value not in _QUERY_BOOLEANS:
        raise ProblemError(
            422,
            "validation_error",
            f"'{name}' in the query string must be true or false.",
            extra={"errors": [{"loc": ["query", name], "msg": "must be true or false"}]},
        )
    return _QUERY_BOOLEANS[value]


def _decode_document(raw: bytes, content_type: str) -> str:
    """A text/* body as text: UTF-8 unless the Content-Type declares another charset (windows-1252 and
    ISO-8859-1 are still common in Danish offices), which is then honoured instead of refused."""
    charset = declared_charset(content_type)
    if charset is None or charset == "utf-8":
        try:
            return decode_report(raw)
        except EncodingError as exc:
            if exc.decodes_as is None:
                raise
            hint = f" It decodes as {exc.decodes_as}: send it with Content-Type: text/plain; charset={exc.decodes_as}."
            raise ProblemError(422, "bad_encoding", exc.message + hint) from exc
    if b"\x00" in raw[:8192]:
        return decode_report(raw)  # the core's binary-input refusal, whatever the label says
    try:
        return raw.decode(charset)
    except UnicodeDecodeError as exc:
        raise ProblemError(422, "bad_encoding", f"The report is not valid {charset} text (byte {exc.start}).") from exc


async def read_report_request(request: Request) -> ReportRequest:
    media = media_type(request)
    raw = await request.body()  # already size-limited by BodyLimitMiddleware
    try:
        if is_json(media):
            body = json.loads(raw or b"null")
            if isinstance(body, dict):
                # The query-string options apply to a JSON body too (as defaults for fields it leaves out),
                # so a style=short next to a JSON body is never silently ignored; both, differing, is a 422.
                for name in _QUERY_OPTIONS:
                    value = _query_option(request, name)
                    if value is None:
                        continue
                    if name in body and body[name] != value:
                        raise ProblemError(
                            422,
                            "validation_error",
                            f"'{name}' is given in both the query string and the body, differently.",
                            extra={"errors": [{"loc": ["query", name], "msg": "differs from the body"}]},
                        )
                    body.setdefault(name, value if isinstance(value, bool) else value or None)
            return ReportRequest.model_validate(body)
        if media in _MEDIA_FORMATS:
            return ReportRequest.model_validate(
                {
                    "text": _decode_document(raw, request.headers.get("content-type", "")),
                    "format": _MEDIA_FORMATS[media],
                    "style": _query_option(request, "style") or Style.FULL.value,
                    "date": _query_option(request, "date"),
                    "markers": _query_option(request, "markers") in (None, True),
                }
            )
    except json.JSONDecodeError as exc:
        raise ProblemError(422, "validation_error", f"The body is not valid JSON: {exc.msg}.") from exc
    except UnicodeDecodeError as exc:
        raise ProblemError(400, "bad_input", "The JSON body is not UTF-8.") from exc
    except ValidationError as exc:
        errors = [{"loc": [str(p) for p in e["loc"]], "msg": e["msg"]} for e in exc.errors()]
        raise ProblemError(
            422, "validation_error", "The request does not match the schema.", extra={"errors": errors}
        ) from exc
    except (ValueError, RecursionError) as exc:  # over-long integers, absurd nesting
        raise ProblemError(400, "bad_input", "There was an error parsing the body.") from exc
    raise ProblemError(
        415, "unsupported_media_type", "Send JSON, or the report as text/plain, text/markdown or text/html."
    )


ReportBody = Annotated[ReportRequest, Depends(read_report_request)]


def _parse(services: Services, body: ReportRequest) -> Report:
    if len(body.text) > services.options.max_text_chars:
        raise ProblemError(
            413,
            "too_large",
            f"The report has {len(body.text)} characters; the limit is {services.options.max_text_chars}.",
        )
    if not body.text.strip():
        raise ProblemError(422, "empty_text", "The report is empty.")
    fmt = detect_format(body.text) if body.format is InputFormat.AUTO else ReportFormat(body.format.value)
    report = backend.parse_report(body.text, fmt, services.analyzer)
    assessed = [i.assessment for i in report.incidents if i.assessment]
    services.metrics.record_assessments(sum(a.constructive for a in assessed), len(assessed))
    return report


class ParsedReport(BaseModel):
    report: dict[str, Any] = Field(description="format, district, period, date and incidents with offsets")
    stored: bool = Field(default=False, description="Reports are never stored")


class RewrittenReport(BaseModel):
    text: str
    changes: dict[str, Any] = Field(description="The change report: insertions (with offsets) and skips")
    stored: bool = False


REPORT_PROBLEMS = problem_responses(400, 413, 415, 422, 503)


@router.post("/v1/reports/parse", response_model=ParsedReport, responses=REPORT_PROBLEMS, openapi_extra=_BODY_DOC)
async def parse(caller: ReadCaller, services: Svc, body: ReportBody) -> ParsedReport:
    """Split a daily report into incidents and assess each (spans are offsets into the incident's body)."""
    return await services.analysis.run(_parsed, services, body)  # CPU-bound: the analysis pool, not the loop


def _parsed(services: Services, body: ReportRequest) -> ParsedReport:
    report = _parse(services, body)
    out = report.to_json()
    out["incidents"] = [
        {**i.to_json(), "body": i.body, "assessment": i.assessment.to_json() if i.assessment else None}
        for i in report.incidents
    ]
    return ParsedReport(report=out)


@router.post(
    "/v1/reports/rewrite",
    response_model=RewrittenReport,
    responses=REPORT_PROBLEMS,
    openapi_extra=_BODY_DOC,
)
async def rewrite_report(caller: ReadCaller, services: Svc, body: ReportBody) -> RewrittenReport:
    """Insert Bo trygt advice under each relevant incident that lacks it; idempotent on its own output."""
    return await services.analysis.run(_rewritten, services, body)  # CPU-bound: the analysis pool


def _rewritten(services: Services, body: ReportRequest) -> RewrittenReport:
    report = _parse(services, body)
    done = backend.rewrite_report(
        report,
        services.settings,
        style=body.style,
        when=body.report_date,
        verify=body.verify,
        markers=body.markers,
        analyzer=services.analyzer,
    )
    return RewrittenReport(text=done.text, changes=done.changes.to_json())


class TemplateOut(BaseModel):
    template: str = Field(description="Versioned name, e.g. van_tool_theft.v1")
    crime_type: CrimeType
    season: Season
    topic: Topic = Field(description="The situation the template is for within its crime type; none: general")
    version: int
    source: TemplateSource
    in_use: bool = Field(description="The template chosen for its crime type, season and topic (newest version)")


class AdvicePoint(BaseModel):
    principle: Principle
    heading: str
    text: str


class TemplateDetail(TemplateOut):
    heading: str
    points: list[AdvicePoint]
    closing: list[str]
    short: str | None = Field(description="The one-paragraph (short style) rendering, when the template has one")


def _template_out(info: TemplateInfo, store: TemplateStore) -> dict[str, Any]:
    return {
        "template": info.template_id,
        "crime_type": info.crime_type,
        "season": info.season,
        "topic": info.topic,
        "version": info.version,
        "source": info.source,
        # The same notion of "in use" as `botrygt templates list`: chosen for its crime type, season *and* topic.
        "in_use": store.is_current(info),
    }


@templates_router.get("/v1/templates", response_model=list[TemplateOut], responses=problem_responses())
def templates(caller: ReadCaller, services: Svc) -> list[TemplateOut]:
    store = backend.template_store(services.settings)
    return [TemplateOut(**_template_out(t, store)) for t in list_templates(store)]


@templates_router.get("/v1/templates/{name}", response_model=TemplateDetail, responses=problem_responses(404))
def template(name: str, caller: ReadCaller, services: Svc) -> TemplateDetail:
    """One template by versioned name (``van_tool_theft.v1``) or by crime type (the one in use)."""
    store = backend.template_store(services.settings)
    info = store.by_id(name)
    if info is None and name in CrimeType.__members__.values():
        info = store.choose(CrimeType(name))
    if info is None:
        raise ProblemError(404, "not_found", f"No advice template named {name!r}.")
    full = store.render(info, Style.FULL)
    try:
        short: str | None = store.render(info, Style.SHORT).paragraph
    except TemplateError:
        short = None
    return TemplateDetail(
        **_template_out(info, store),
        heading=full.heading,
        points=[AdvicePoint(principle=p, heading=p.heading, text=t) for p, t in full.points],
        closing=list(full.closing),
        short=short,
    )
