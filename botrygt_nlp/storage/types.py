"""Typed records that cross the storage seam. Rows never leave the Store as SQLAlchemy objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from botrygt_nlp.domain import Assessment, CrimeType
from botrygt_nlp.news.types import ExtractionMethod


class FeedStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"  # dead or blocked feed: kept, visible with pause_reason, never silently dropped


class FeedEventKind(StrEnum):
    ADDED = "added"
    OK = "ok"
    NOT_MODIFIED = "not_modified"
    SOFT_FAILURE = "soft_failure"
    HARD_FAILURE = "hard_failure"
    BLOCKED = "blocked"
    PAUSED = "paused"
    RESUMED = "resumed"
    ENTRY_ERROR = "entry_error"


class ArticleSource(StrEnum):
    FEED = "feed"
    IMPORT = "import"


@dataclass(frozen=True, slots=True)
class NewFeed:
    url: str
    outlet: str
    municipalities: tuple[str, ...] = ()
    district: str | None = None


@dataclass(frozen=True, slots=True)
class FeedRecord:
    id: int
    url: str
    outlet: str
    municipalities: tuple[str, ...]
    district: str | None
    status: FeedStatus
    pause_reason: str | None
    etag: str | None
    last_modified: str | None
    body_sha256: str | None
    failure_count: int
    last_error: str | None
    last_http_status: int | None
    last_polled_at: datetime | None
    last_success_at: datetime | None
    next_poll_at: datetime
    created_at: datetime
    title: str | None = None


@dataclass(frozen=True, slots=True)
class FeedEvent:
    feed_id: int
    at: datetime
    kind: FeedEventKind
    message: str | None
    new_articles: int = 0


@dataclass(frozen=True, slots=True)
class FeedStateUpdate:
    """What a poll learnt about a feed; written in the same transaction as the feed's new articles."""

    status: FeedStatus
    next_poll_at: datetime
    polled_at: datetime
    failure_count: int
    event: FeedEventKind
    message: str | None = None
    pause_reason: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None
    http_status: int | None = None
    last_error: str | None = None
    success: bool = False
    keep_validators: bool = False  # failures leave ETag/Last-Modified/hash as they were
    title: str | None = None


@dataclass(frozen=True, slots=True)
class NewArticle:
    outlet: str
    url: str
    url_norm: str
    title: str
    title_norm: str
    text: str
    published: datetime | None
    fetched_at: datetime
    extraction_method: ExtractionMethod | None
    source: ArticleSource = ArticleSource.FEED
    feed_id: int | None = None
    guid: str | None = None
    external_id: str | None = None
    from_feed_summary: bool = False
    paywalled: bool = False
    wire: bool = False
    municipality: str | None = None
    district: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    id: int
    outlet: str
    url: str
    title: str
    text: str
    published: datetime | None
    fetched_at: datetime
    source: ArticleSource
    feed_id: int | None
    guid: str | None
    external_id: str | None
    extraction_method: str | None
    from_feed_summary: bool
    paywalled: bool
    story_id: str
    wire: bool
    municipality: str | None
    district: str | None
    assessment: StoredAssessment | None = None


@dataclass(frozen=True, slots=True)
class StoredAssessment:
    article_id: int
    model_version: str
    assessed_at: datetime
    relevant: bool
    crime_type: CrimeType
    constructive: bool
    alarmist: bool
    witness_appeal: bool
    score: float
    payload: dict[str, object] = field(default_factory=dict)  # Assessment.to_json()

    @staticmethod
    def from_assessment(article_id: int, a: Assessment, at: datetime) -> StoredAssessment:
        return StoredAssessment(
            article_id=article_id,
            model_version=a.model_version,
            assessed_at=at,
            relevant=a.relevant,
            crime_type=a.crime_type,
            constructive=a.constructive,
            alarmist=a.alarmist,
            witness_appeal=a.witness_appeal,
            score=a.score,
            payload=a.to_json(),
        )


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    outlet: str | None = None
    municipality: str | None = None
    district: str | None = None
    crime_type: CrimeType | None = None
    relevant: bool | None = None
    constructive: bool | None = None
    since: datetime | None = None  # inclusive, on published (fetched_at when unknown)
    until: datetime | None = None  # exclusive
    model_version: str | None = None  # None: the latest model version in the store


@dataclass(frozen=True, slots=True)
class TrendFact:
    """One article as trends see it: the date it counts on, its groups, and one assessment."""

    article_id: int
    day: datetime
    outlet: str
    municipality: str | None
    district: str | None
    crime_type: CrimeType
    relevant: bool
    constructive: bool
    alarmist: bool
    model_version: str


@dataclass(frozen=True, slots=True)
class InsertOutcome:
    inserted: int
    duplicates: int
    article_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    id: int
    article_id: int | None
    text: str | None
    label: str
    value: object
    who: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class SubmissionRecord:
    id: int
    external_id: str | None
    title: str | None
    text: str
    who: str | None
    at: datetime
    model_version: str
    assessment: dict[str, object]  # Assessment.to_json()


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    key_id: str
    name: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
