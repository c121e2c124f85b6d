"""Typed seams between the monitor's stages (fetch -> parse -> extract -> poll/store).

The fetch/parse/extract side and the poll/storage side are written against these types only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class FetchStatus(StrEnum):
    OK = "ok"  # 200 with a body
    NOT_MODIFIED = "not_modified"  # 304, or 200 whose body hash equals the stored one
    SOFT_FAILURE = "soft_failure"  # 404, 429, 5xx, timeouts, connection errors: retry later with backoff
    HARD_FAILURE = "hard_failure"  # other 4xx, blocked by SSRF guard, too large, bad scheme: pause the feed
    BLOCKED = "blocked"  # refused by the SSRF guard or robots.txt


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str  # the URL asked for
    final_url: str  # after redirects
    status: FetchStatus
    http_status: int | None
    body: bytes | None  # decoded (gunzipped) body, capped
    content_type: str | None
    etag: str | None
    last_modified: str | None
    body_sha256: str | None
    retry_after_s: float | None = None
    error: str | None = None  # human-readable reason when not OK
    elapsed_s: float = 0.0
    # Not requested at all: the host is cooling down after another feed's 429/503 with Retry-After. The feed waits
    # with it, but nothing went wrong with this feed (no failure counted, never a pause).
    deferred: bool = False


class ExtractionMethod(StrEnum):
    TRAFILATURA = "trafilatura"
    FALLBACK_SOUP = "bs4_fallback"
    FEED_SUMMARY = "feed_summary"  # the page could not be fetched/extracted; the feed's own summary is used


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    guid: str | None
    url: str | None
    title: str
    summary: str  # plain text, HTML stripped
    published: datetime | None  # timezone-aware (Danish time when the feed gave no zone)
    author: str | None = None
    # Full text the feed itself carries (content:encoded, Atom <content>) when it differs from the
    # summary; "" when there is none. Used when the article page cannot be had.
    content: str = ""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    link: str | None
    entries: tuple[ParsedEntry, ...]
    bozo: bool = False  # the feed was malformed but entries were recovered
    bozo_reason: str | None = None
    version: str | None = None


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    url: str
    title: str | None
    text: str
    method: ExtractionMethod
    published: datetime | None = None
    paywalled: bool = False
    warnings: tuple[str, ...] = field(default=())
