"""robots.txt for article pages: fetched once per host, cached, graded like Google does.

* 2xx: parse and obey (for our User-Agent token, else ``*``).
* 4xx (including 404): no usable rules, so everything is allowed.
* 5xx and 429: the site is unwell; treat it as "disallow everything" for a short while, then ask again.
* longer than 512 KiB: the first 512 KiB are read (as Google does), the rest ignored.
* unreachable (timeout, connection error, blocked): allow. Feed polling must not stop because
  a robots.txt endpoint is flaky, and the page fetch itself is still guarded.

The fetch function is injected (the Fetcher passes its own guarded, throttled, capped fetch), so this
module does no I/O of its own and is easy to test.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from botrygt_nlp.news.types import FetchResult

ROBOTS_MAX_BYTES = 512 * 1024  # Google reads the first 500 KiB; more is not a robots file


class RobotsState(StrEnum):
    RULES = "rules"  # parsed a robots.txt
    ALLOW_ALL = "allow_all"  # 4xx or unreachable
    DISALLOW_ALL = "disallow_all"  # 5xx: back off for a while


@dataclass(frozen=True, slots=True)
class RobotsEntry:
    state: RobotsState
    parser: RobotFileParser | None
    expires_at: float


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class RobotsCache:
    """Thread-safe per-host cache of robots.txt verdicts."""

    def __init__(
        self,
        fetch: Callable[[str], FetchResult],
        user_agent: str,
        *,
        ttl_s: float = 24 * 3600,
        server_error_ttl_s: float = 30 * 60,
        unreachable_ttl_s: float = 30 * 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        # robots.txt groups name a product token, not the full UA string ("botrygt-nlp", not "/0.1 (+...").
        self._agent = user_agent.split("/", 1)[0].split(" ", 1)[0]
        self._ttl_s = ttl_s
        self._server_error_ttl_s = server_error_ttl_s
        self._unreachable_ttl_s = unreachable_ttl_s
        self._clock = clock
        self._entries: dict[str, RobotsEntry] = {}
        self._lock = threading.Lock()

    def allowed(self, url: str) -> bool:
        entry = self._entry(url)
        if entry.state is RobotsState.ALLOW_ALL:
            return True
        if entry.state is RobotsState.DISALLOW_ALL or entry.parser is None:
            return False
        return entry.parser.can_fetch(self._agent, url)

    def _entry(self, url: str) -> RobotsEntry:
        key = _host_key(url)
        now = self._clock()
        with self._lock:
            cached = self._entries.get(key)
        if cached is not None and cached.expires_at > now:
            return cached
        entry = self._load(url, now)
        with self._lock:
            self._entries[key] = entry
        return entry

    def _load(self, url: str, now: float) -> RobotsEntry:
        result = self._fetch(robots_url(url))
        code = result.http_status
        if code is not None and 200 <= code < 300 and result.body is not None:
            parser = RobotFileParser()
            body = result.body
            if len(body) >= ROBOTS_MAX_BYTES:  # cut at the cap: the last, partial line is no rule
                body = body[: body.rfind(b"\n") + 1]
            text = body.decode("utf-8", errors="replace")
            parser.parse(text.splitlines())
            parser.modified()  # can_fetch() refuses everything until the parser is marked as read
            return RobotsEntry(RobotsState.RULES, parser, now + self._ttl_s)
        if code is not None and (code >= 500 or code == 429):
            return RobotsEntry(RobotsState.DISALLOW_ALL, None, now + self._server_error_ttl_s)
        if code is not None and 400 <= code < 500:
            return RobotsEntry(RobotsState.ALLOW_ALL, None, now + self._ttl_s)
        return RobotsEntry(RobotsState.ALLOW_ALL, None, now + self._unreachable_ttl_s)
