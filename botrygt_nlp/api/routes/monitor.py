"""Feeds, articles, trends and CSV export: thin edges over the Store and trends.compute_trends."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from botrygt_nlp.api.auth import ReadCaller, WriteCaller
from botrygt_nlp.api.media import JSON_ONLY
from botrygt_nlp.api.schemas import IsoDate, problem_responses
from botrygt_nlp.csvout import CsvWriter
from botrygt_nlp.domain import CrimeType
from botrygt_nlp.monitor.archive import EXPORT_FIELDS, article_row
from botrygt_nlp.service.feedurl import FEED_URL_PATTERN, feed_url_problem
from botrygt_nlp.service.problems import ProblemError
from botrygt_nlp.service.services import Services, get_services
from botrygt_nlp.storage import ArticleFilter, ArticleRecord, FeedRecord, FeedStatus, NewFeed
from botrygt_nlp.trends import GroupBy, Period, TrendRow, compute_trends, start_bound
from botrygt_nlp.validation import CorrectedTrendRow, ErrorRateScope, corrected_trends

log = logging.getLogger(__name__)
router = APIRouter(tags=["monitor"])
MAX_ID = 2**63 - 1  # database ids are 64-bit; a bigger number is a 422, not an overflow deep in the driver
Svc = Annotated[Services, Depends(get_services)]


# ------------------------------------------------------------------------------------------- models
class FeedIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": "https://www.lokalavisen.example/rss/krimi",
                    "outlet": "Lokalavisen",
                    "municipalities": ["Ringsted"],
                    "district": "Midt- og Vestsjællands Politi",
                }
            ]
        },
    )

    url: str = Field(
        min_length=8,
        max_length=2000,
        description="http(s) URL of an RSS/Atom feed; no user name or password in it",
        # In the schema only: feed_url_problem enforces it, with clearer messages than "does not match".
        json_schema_extra={"pattern": FEED_URL_PATTERN},
    )
    outlet: str = Field(min_length=1, max_length=200)
    municipalities: list[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=list,
        max_length=50,
        description="Danish municipalities the outlet covers, by name (e.g. Ringsted); an unknown name is a 422",
    )
    district: str | None = Field(
        default=None,
        max_length=100,
        description="Police district (one of the 12, e.g. Midt- og Vestsjællands Politi); an unknown one is a 422",
    )


class FeedOut(BaseModel):
    id: int
    url: str
    outlet: str
    title: str | None
    municipalities: list[str]
    district: str | None
    status: FeedStatus
    pause_reason: str | None
    failure_count: int
    last_error: str | None
    last_http_status: int | None
    last_polled_at: datetime | None
    last_success_at: datetime | None
    next_poll_at: datetime
    created_at: datetime

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, f: FeedRecord) -> FeedOut:
        return cls.model_validate(f)


class ArticleOut(BaseModel):
    id: int
    outlet: str
    url: str
    title: str
    published: datetime | None
    fetched_at: datetime
    municipality: str | None
    district: str | None
    paywalled: bool
    text: str | None = Field(default=None, description="Only with include_text=true")
    assessment: dict[str, Any] | None = Field(
        default=None, description="The stored assessment (the `botrygt score` JSON shape)"
    )

    @classmethod
    def of(cls, a: ArticleRecord, include_text: bool) -> ArticleOut:
        return cls(
            id=a.id,
            outlet=a.outlet,
            url=a.url,
            title=a.title,
            published=a.published,
            fetched_at=a.fetched_at,
            municipality=a.municipality,
            district=a.district,
            paywalled=a.paywalled,
            text=a.text if include_text else None,
            assessment=a.assessment.payload if a.assessment else None,
        )


class ArticlePage(BaseModel):
    articles: list[ArticleOut]
    next_cursor: str | None


class TrendOut(BaseModel):
    group: str
    period: date
    articles: int
    relevant: int
    constructive: int
    alarmist: int
    share_constructive: float | None
    ci_low: float | None
    ci_high: float | None
    model_version: str
    # With ?corrected=true: the share corrected for the model's errors (botrygt_nlp.validation)
    share_corrected: float | None = None
    corrected_low: float | None = None
    corrected_high: float | None = None
    correction_method: str | None = None
    correction_labels: int | None = None
    correction_error_rates: str | None = None
    correction_note: str | None = None

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, r: TrendRow) -> TrendOut:
        return cls.model_validate(r)

    @classmethod
    def corrected(cls, r: CorrectedTrendRow) -> TrendOut:
        return cls.model_validate(r.to_json())


# ------------------------------------------------------------------------------------------- filters
class ArticleQuery(BaseModel):
    """Query parameters shared by GET /v1/articles and GET /v1/export (and the trends page's drill-down)."""

    outlet: str | None = Field(default=None, max_length=200)
    municipality: str | None = Field(default=None, max_length=100)
    district: str | None = Field(default=None, max_length=100)
    crime_type: CrimeType | None = None
    relevant: bool | None = None
    constructive: bool | None = None
    since: IsoDate | None = Field(default=None, description="First day, inclusive")
    until: IsoDate | None = Field(
        default=None, description="End day, exclusive (as `botrygt trends --until`); must be after `since`"
    )

    def to_filter(self) -> ArticleFilter:
        if self.since and self.until and self.until <= self.since:
            raise ProblemError(422, "validation_error", "'until' (exclusive) must be after 'since'.")
        return ArticleFilter(
            outlet=self.outlet,
            municipality=self.municipality,
            district=self.district,
            crime_type=self.crime_type,
            relevant=self.relevant,
            constructive=self.constructive,
            since=start_bound(self.since),
            until=start_bound(self.until),
        )


ArticleParams = Annotated[ArticleQuery, Query()]


# ------------------------------------------------------------------------------------------- routes
@router.get("/v1/feeds", response_model=list[FeedOut], responses=problem_responses(503))
def list_feeds(caller: ReadCaller, services: Svc) -> list[FeedOut]:
    return [FeedOut.of(f) for f in services.store.list_feeds()]


@router.post(
    "/v1/feeds",
    response_model=FeedOut,
    status_code=201,
    responses=problem_responses(400, 409, 413, 415, 422, 503),
    dependencies=JSON_ONLY,
)
def add_feed(body: FeedIn, caller: WriteCaller, services: Svc) -> FeedOut:
    url = body.url.strip()
    problem = feed_url_problem(url)
    if problem is not None:
        raise ProblemError(422, "bad_input", problem[0])
    feed = services.store.add_feed(
        NewFeed(
            url=url,
            outlet=body.outlet,
            municipalities=tuple(body.municipalities),
            district=body.district,
        )
    )
    return FeedOut.of(feed)


@router.delete("/v1/feeds/{feed_id}", status_code=204, responses=problem_responses(404, 422, 503))
def remove_feed(feed_id: Annotated[int, Path(ge=1, le=MAX_ID)], caller: WriteCaller, services: Svc) -> Response:
    if not services.store.remove_feed(feed_id):
        raise ProblemError(404, "unknown_feed", f"No feed with id {feed_id}.")
    return Response(status_code=204)


@router.post("/v1/feeds/{feed_id}/resume", response_model=FeedOut, responses=problem_responses(404, 422, 503))
def resume_feed(feed_id: Annotated[int, Path(ge=1, le=MAX_ID)], caller: WriteCaller, services: Svc) -> FeedOut:
    """Put a paused feed back into the poll schedule (as `botrygt feeds resume`): failures reset, polled next."""
    return FeedOut.of(services.store.resume_feed(feed_id))  # an unknown id is the core's unknown_feed (404)


@router.get("/v1/articles", response_model=ArticlePage, responses=problem_responses(422, 503))
def list_articles(
    caller: ReadCaller,
    services: Svc,
    q: ArticleParams,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    include_text: bool = False,
) -> ArticlePage:
    records, next_cursor = services.store.list_articles(q.to_filter(), limit=limit, cursor=cursor)
    return ArticlePage(articles=[ArticleOut.of(a, include_text) for a in records], next_cursor=next_cursor)


@router.get("/v1/trends", response_model=list[TrendOut], responses=problem_responses(422, 503))
def trends(
    caller: ReadCaller,
    services: Svc,
    by: GroupBy = GroupBy.OUTLET,
    period: Period = Period.MONTH,
    since: Annotated[IsoDate | None, Query(description="First day, inclusive")] = None,
    until: Annotated[IsoDate | None, Query(description="End day, exclusive; must be after `since`")] = None,
    model_version: Annotated[str | None, Query(max_length=200)] = None,
    corrected: Annotated[
        bool, Query(description="Add the share corrected for the model's errors (needs validation labels)")
    ] = False,
    error_rates: Annotated[
        ErrorRateScope, Query(description="pooled, or an outlet's own labels where enough (by=outlet)")
    ] = ErrorRateScope.POOLED,
) -> list[TrendOut]:
    """Constructive share of relevant articles per group and period, with 95 % Wilson intervals; with
    `corrected=true` also the share corrected for the model's errors, its interval (which includes the
    uncertainty of the correction) and the method, or a note saying why a row has none."""
    if since and until and until <= since:  # the same answer as /v1/articles gives for an empty range
        raise ProblemError(422, "validation_error", "'until' (exclusive) must be after 'since'.")
    if corrected:
        fixed = corrected_trends(
            services.store, by, period, start_bound(since), start_bound(until), model_version, error_rates=error_rates
        )
        return [TrendOut.corrected(r) for r in fixed]
    rows = compute_trends(services.store, by, period, start_bound(since), start_bound(until), model_version)
    return [TrendOut.of(r) for r in rows]


EXPORT_PAGE = 500


def export_rows(services: Services, flt: ArticleFilter) -> Iterator[str]:
    """Same columns as `botrygt export` (monitor.archive), filtered like /v1/articles, through the one
    formula-safe CSV writer. The first page is read before the response starts, so a store that fails is
    a 503 problem, not a 200 with a broken body."""
    records, cursor = services.store.list_articles(flt, limit=EXPORT_PAGE, cursor=None)
    return _export_stream(services, flt, records, cursor)


def _export_stream(
    services: Services, flt: ArticleFilter, records: list[ArticleRecord], cursor: str | None
) -> Iterator[str]:
    buf = io.StringIO()
    writer = CsvWriter(buf)

    def flush() -> str:
        out = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return out

    writer.row(EXPORT_FIELDS)
    sent = 0
    while True:
        for a in records:
            row = article_row(a)
            writer.row(row.get(k) for k in EXPORT_FIELDS)
        sent += len(records)
        yield flush()
        if cursor is None:
            return
        # Page through the store so memory stays flat however many articles there are. A failure now,
        # after the 200, propagates: the server aborts the connection without the closing chunk, so the
        # client sees a broken download instead of a short file that looks complete.
        try:
            records, cursor = services.store.list_articles(flt, limit=EXPORT_PAGE, cursor=cursor)
        except Exception:
            log.error("GET /v1/export aborted after %d rows: the store failed", sent)
            raise


@router.get(
    "/v1/export",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV, one row per article"},
        **problem_responses(422, 503),
    },
)
def export(caller: ReadCaller, services: Svc, q: ArticleParams) -> StreamingResponse:
    flt = q.to_filter()
    return StreamingResponse(
        export_rows(services, flt),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="artikler.csv"'},
    )
