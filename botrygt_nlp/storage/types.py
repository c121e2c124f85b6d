"""Typed records that cross the storage seam. Rows never leave the Store as SQLAlchemy objects."""

from __future__ import annotations

import json
import re
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


class PauseReason(StrEnum):
    """Why the monitor paused a feed."""

    SOFT_FAILURES = "soft_failures"  # N soft failures (404, 429, 5xx, timeouts, unparseable body) in a row
    HARD_FAILURE = "hard_failure"  # a permanent failure (410, 403, bad scheme, too large)
    BLOCKED = "blocked"  # refused by the SSRF guard or robots.txt
    OTHER = "other"  # a free text (an operator's, or an old stored value in no known form)


_SOFT_PROSE = re.compile(r"(\d+) soft failures in a row; last: (.*)", re.S)
_HARD_PROSE = re.compile(r"(hard failure|blocked): (.*)", re.S)


@dataclass(frozen=True, slots=True)
class FeedPause:
    """A feed's pause: the reason, the technical detail (an HTTP status, a parser message) and, for soft
    failures, how many came in a row. Stored as JSON in ``feeds.pause_reason``; :meth:`english` is the text
    the CLI, the API and the feed log show, the web page renders it in Danish from the fields."""

    reason: PauseReason
    detail: str
    count: int | None = None

    def english(self) -> str:
        """The English sentence (the exact prose stored before the reason was typed)."""
        if self.reason is PauseReason.SOFT_FAILURES:
            return f"{self.count} soft failures in a row; last: {self.detail}"
        if self.reason is PauseReason.HARD_FAILURE:
            return f"hard failure: {self.detail}"
        if self.reason is PauseReason.BLOCKED:
            return f"blocked: {self.detail}"
        return self.detail

    def encode(self) -> str:
        """The text stored in ``feeds.pause_reason``."""
        data: dict[str, object] = {"reason": self.reason.value, "detail": self.detail}
        if self.count is not None:
            data["count"] = self.count
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def decode(cls, stored: str) -> FeedPause:
        """Read ``feeds.pause_reason``: the JSON :meth:`encode` writes, or the English prose that databases
        written before the typed reason hold (and that old backups restore)."""
        if stored.startswith("{"):
            try:
                data = json.loads(stored)
                count = data.get("count")
                return cls(PauseReason(data["reason"]), str(data["detail"]), int(count) if count is not None else None)
            except (ValueError, KeyError, TypeError, AttributeError):
                pass  # not ours: a free text that happens to start with a brace
        if m := _SOFT_PROSE.fullmatch(stored):
            return cls(PauseReason.SOFT_FAILURES, m.group(2), int(m.group(1)))
        if m := _HARD_PROSE.fullmatch(stored):
            reason = PauseReason.BLOCKED if m.group(1) == "blocked" else PauseReason.HARD_FAILURE
            return cls(reason, m.group(2))
        return cls(PauseReason.OTHER, stored)


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
    pause: FeedPause | None
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

    @property
    def pause_reason(self) -> str | None:
        """Why the feed is paused, in English (the CLI's and the API's text); None when it is not."""
        return self.pause.english() if self.pause is not None else None


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
    pause: FeedPause | None = None
    # The pause in English. Give either: the other is derived (a free text becomes a PauseReason.OTHER
    # pause unless it is in one of the monitor's own forms).
    pause_reason: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_sha256: str | None = None
    http_status: int | None = None
    last_error: str | None = None
    success: bool = False
    keep_validators: bool = False  # failures leave ETag/Last-Modified/hash as they were
    title: str | None = None

    def __post_init__(self) -> None:
        if self.pause is not None and self.pause_reason is None:
            object.__setattr__(self, "pause_reason", self.pause.english())
        elif self.pause is None and self.pause_reason is not None:
            object.__setattr__(self, "pause", FeedPause.decode(self.pause_reason))


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

    @property
    def assessment(self) -> Assessment:
        """The stored payload read back as the typed :class:`Assessment` it was written from."""
        return Assessment.from_json(self.payload)

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
    assessment: Assessment  # stored as Assessment.to_json(), parsed back once when the row is read


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    key_id: str
    name: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewSubmission:
    """A text an API caller asked us to keep, with its assessment (see ``Store.save_submissions``)."""

    text: str
    title: str | None
    external_id: str | None
    assessment: Assessment
