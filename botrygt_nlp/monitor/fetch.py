"""Polite, guarded HTTP fetching of feeds and article pages (httpx).

What every fetch gets, and why:

* SSRF guard on every hop (redirects are followed by hand) and at connect time (:mod:`netguard`).
* A cap on DECODED bytes. We decompress gzip/deflate/brotli ourselves with bounded output per step, so a
  10 MB-of-zeros gzip bomb stops at the cap without ever holding more than cap + one step in memory.
* Connect/read timeouts from httpx plus a total deadline per hop, enforced on every socket operation
  (:mod:`deadline`: status line and headers included) and between body reads, so a slow-drip server
  cannot hold a poll thread forever. The deadline starts once the host slot is ours: waiting politely
  behind other requests to the same host is not the server's fault.
* One request in flight per host and a minimum delay between requests to a host. The Fetcher is shared
  by the poll threads, so this is a per-host lock plus the time the last request ended.
* Conditional GET (ETag / Last-Modified) AND a sha256 of the body: some servers send fresh ETags for
  unchanged feeds, so an equal hash is NOT_MODIFIED too.
* Graded failures: 404/408/429/5xx/timeouts/connection errors are soft (retry with backoff); other 4xx,
  too large, bad scheme, too many redirects are hard; the guard and robots.txt give BLOCKED (pause the
  feed like a hard failure). ``Retry-After`` (seconds or HTTP date) is returned as retry_after_s.
* robots.txt for article pages (:meth:`Fetcher.fetch_page`); feeds are meant for machines and skip it.
* A host that answers 429 (or 503 with ``Retry-After``) is left alone for the time it asked (60 s for a
  bare 429, at most an hour): the following requests to it fail softly at once, without touching the
  network, instead of hammering a site that said it is overloaded (a feed lists 50 pages on one host).
"""

from __future__ import annotations

import hashlib
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Protocol

import brotli
import httpcore
import httpx

from botrygt_nlp.config import Settings
from botrygt_nlp.errors import BlockedURLError, PermanentFetchError
from botrygt_nlp.monitor.deadline import DeadlineBackend, deadline
from botrygt_nlp.monitor.netguard import AllowList, GuardedBackend, NetGuard, Resolver
from botrygt_nlp.monitor.robots import ROBOTS_MAX_BYTES, RobotsCache
from botrygt_nlp.news.types import FetchResult, FetchStatus

MAX_REDIRECTS = 5
_DECODE_STEP = 64 * 1024  # most decoded bytes produced per decompressor call
_MAX_RETRY_AFTER_S = 7 * 24 * 3600  # a week; larger values are server bugs
_SOFT_CODES = frozenset({404, 408, 425, 429})
_BARE_429_COOLDOWN_S = 60.0
_MAX_COOLDOWN_S = 3600.0  # longer waits are the poll schedule's business (next_poll_at), not a lock
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
_PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"


class _TooLarge(Exception):
    pass


class _Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data


class _Zlib:
    """gzip (possibly multi-member) or deflate (zlib-wrapped or raw), at most _DECODE_STEP per call."""

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._wbits = 16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS
        self._obj = zlib.decompressobj(self._wbits)
        self._first = True

    def feed(self, data: bytes) -> Iterator[bytes]:
        while True:
            try:
                out = self._obj.decompress(data, _DECODE_STEP)
            except zlib.error:
                if self._gzip or not self._first:
                    raise
                # "deflate" servers often send raw deflate without the zlib header.
                self._wbits = -zlib.MAX_WBITS
                self._obj = zlib.decompressobj(self._wbits)
                out = self._obj.decompress(data, _DECODE_STEP)
            self._first = False
            if out:
                yield out
            data = self._obj.unconsumed_tail
            if self._obj.eof and self._obj.unused_data:
                # A further gzip member follows (concatenated gzip files are legal).
                data = self._obj.unused_data
                self._obj = zlib.decompressobj(self._wbits)
                continue
            if not data and len(out) < _DECODE_STEP:
                return


class _Brotli:
    def __init__(self) -> None:
        self._obj = brotli.Decompressor()
        # brotli >= 1.2 can bound its output; older versions get small input slices instead.
        self._bounded = hasattr(self._obj, "can_accept_more_data")

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not self._bounded:
            for start in range(0, len(data), 256):
                out = self._obj.process(data[start : start + 256])
                if out:
                    yield out
            return
        out = self._obj.process(data, output_buffer_limit=_DECODE_STEP)
        if out:
            yield out
        while not self._obj.can_accept_more_data():
            out = self._obj.process(b"", output_buffer_limit=_DECODE_STEP)
            if not out:
                return
            yield out


def _decoder_chain(content_encoding: str | None) -> list[_Decoder]:
    """Decoders in the order to apply them (Content-Encoding lists them in the order they were applied)."""
    chain: list[_Decoder] = []
    for token in reversed([t.strip().lower() for t in (content_encoding or "").split(",") if t.strip()]):
        if token in ("identity", "none"):
            continue
        if token in ("gzip", "x-gzip"):
            chain.append(_Zlib(gzip=True))
        elif token == "deflate":
            chain.append(_Zlib(gzip=False))
        elif token == "br":
            chain.append(_Brotli())
        else:
            raise PermanentFetchError(f"unsupported content-encoding {token!r}")
    return chain or [_Identity()]


def _decode(chain: list[_Decoder], data: bytes) -> Iterator[bytes]:
    pieces: Iterable[bytes] = [data]
    for decoder in chain:
        pieces = _through(decoder, pieces)
    yield from pieces


def _through(decoder: _Decoder, pieces: Iterable[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        yield from decoder.feed(piece)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds from now: delta-seconds or an HTTP date; None when absent/garbage."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), _MAX_RETRY_AFTER_S))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = (when - (now or datetime.now(UTC))).total_seconds()
    return float(min(max(delta, 0.0), _MAX_RETRY_AFTER_S))


class HostThrottle:
    """At most one request in flight per host, and ``min_delay_s`` between the end of one and the next."""

    def __init__(
        self,
        min_delay_s: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._min_delay_s = min_delay_s
        self._clock = clock
        self._sleep = sleep
        self._locks: dict[str, threading.Lock] = {}
        self._last_end: dict[str, float] = {}
        self._cooldown: dict[str, float] = {}
        self._guard = threading.Lock()

    def hold(self, host: str) -> _HostSlot:
        with self._guard:
            lock = self._locks.setdefault(host.lower(), threading.Lock())
        return _HostSlot(self, host.lower(), lock)

    def _wait_turn(self, host: str) -> None:
        last = self._last_end.get(host)
        if last is not None:
            wait = last + self._min_delay_s - self._clock()
            if wait > 0:
                self._sleep(wait)

    def _done(self, host: str) -> None:
        self._last_end[host] = self._clock()

    def cool_down(self, host: str, seconds: float) -> None:
        """The host asked us to wait (429/503 + Retry-After): no request to it for ``seconds``."""
        with self._guard:
            until = self._clock() + min(seconds, _MAX_COOLDOWN_S)
            self._cooldown[host.lower()] = max(until, self._cooldown.get(host.lower(), 0.0))

    def cooling_s(self, host: str) -> float:
        """Seconds left of the host's requested pause (0 when none)."""
        with self._guard:
            left = self._cooldown.get(host.lower(), 0.0) - self._clock()
        return left if left > 0 else 0.0


@dataclass
class _HostSlot:
    throttle: HostThrottle
    host: str
    lock: threading.Lock

    def __enter__(self) -> None:
        self.lock.acquire()
        self.throttle._wait_turn(self.host)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.throttle._done(self.host)
        self.lock.release()


class GuardedTransport(httpx.HTTPTransport):
    """httpx transport whose sockets go through :class:`GuardedBackend` (resolve, check, pin)."""

    def __init__(self, guard: NetGuard, ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__(trust_env=False, retries=0)
        # httpx has no public hook for the network backend; swap the pool it built for an equal one
        # that uses ours. The assert makes an httpx upgrade that renames ``_pool`` fail loudly.
        assert isinstance(getattr(self, "_pool", None), httpcore.ConnectionPool)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(trust_env=False),
            max_connections=20,
            max_keepalive_connections=10,
            keepalive_expiry=5.0,
            http1=True,
            http2=False,
            retries=0,
            network_backend=DeadlineBackend(GuardedBackend(guard)),
        )


def _raw_chunks(response: httpx.Response) -> Iterator[bytes]:
    """Undecoded body bytes as they arrive (no re-chunking, so the deadline is checked per network read)."""
    if response.is_stream_consumed:  # an already-read response, e.g. from httpx.MockTransport
        yield response.content
        return
    yield from response.iter_raw()


_EXPECTED_ERRORS = (
    BlockedURLError,
    PermanentFetchError,
    _TooLarge,
    httpx.HTTPError,
    httpx.InvalidURL,
    zlib.error,
    brotli.error,
    ValueError,
    UnicodeError,
)


def _grade_error(exc: BaseException, cap: int) -> tuple[FetchStatus, str]:
    """Map one failed hop to (status, reason): the network's fault is soft, the URL's or size's is hard."""
    if isinstance(exc, BlockedURLError):
        return FetchStatus.BLOCKED, exc.message
    if isinstance(exc, PermanentFetchError):
        return FetchStatus.HARD_FAILURE, exc.message
    if isinstance(exc, _TooLarge):
        return FetchStatus.HARD_FAILURE, f"too large: more than {cap} decoded bytes"
    if isinstance(exc, httpx.TimeoutException):
        return FetchStatus.SOFT_FAILURE, f"timeout: {type(exc).__name__}"
    if isinstance(exc, httpx.TransportError) and not isinstance(exc, httpx.UnsupportedProtocol):
        return FetchStatus.SOFT_FAILURE, f"connection error: {type(exc).__name__}: {exc}"
    if isinstance(exc, zlib.error | brotli.error):
        return FetchStatus.SOFT_FAILURE, f"corrupt content-encoding: {exc}"
    # httpx.InvalidURL / UnsupportedProtocol / other httpx errors, bad IDNA names: the URL is unusable.
    return FetchStatus.HARD_FAILURE, f"bad URL: {type(exc).__name__}: {exc}"


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class Fetcher:
    """Thread-safe fetcher shared by the poll loop. Close it (or use ``with``) to release connections."""

    def __init__(
        self,
        *,
        user_agent: str,
        allow_hosts: AllowList | str | Iterable[str] | None = None,
        timeout_s: float = 20.0,
        connect_timeout_s: float | None = None,
        read_timeout_s: float | None = None,
        max_bytes: int = 15 * 1024 * 1024,
        min_host_delay_s: float = 1.0,
        max_redirects: int = MAX_REDIRECTS,
        resolver: Resolver | None = None,
        transport: httpx.BaseTransport | None = None,
        ssl_context: ssl.SSLContext | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.guard = NetGuard(allow_hosts, resolver=resolver)
        self.user_agent = user_agent
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self._total_timeout_s = timeout_s
        self._timeout = httpx.Timeout(
            timeout_s, connect=connect_timeout_s or min(timeout_s, 10.0), read=read_timeout_s or timeout_s
        )
        # An injected transport (httpx.MockTransport in tests) bypasses the connect-time DNS check;
        # literal-IP and scheme checks per hop still apply.
        # ssl_context: extra trust anchors (a corporate CA, a test CA); certificates are always verified.
        self._client = httpx.Client(
            transport=transport or GuardedTransport(self.guard, ssl_context),
            follow_redirects=False,
            trust_env=False,
            timeout=self._timeout,
        )
        self.throttle = HostThrottle(min_host_delay_s, sleep=sleep)
        # robots.txt is read up to its cap like Google does (the rest ignored), not refused as too large:
        # a site's 600 KiB robots.txt still says what it says in its first 512 KiB.
        self.robots = RobotsCache(
            lambda u: self._fetch(u, max_bytes=ROBOTS_MAX_BYTES, accept="text/plain", keep_head=True), user_agent
        )

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: object) -> Fetcher:
        kwargs: dict[str, object] = {
            "user_agent": settings.user_agent,
            "allow_hosts": settings.fetch_allow_hosts,
            "timeout_s": settings.fetch_timeout_s,
            "max_bytes": settings.fetch_max_bytes,
            "min_host_delay_s": settings.fetch_min_host_delay_s,
        }
        kwargs.update(overrides)
        return cls(**kwargs)  # type: ignore[arg-type]

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def fetch_feed(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, previous_sha256: str | None = None
    ) -> FetchResult:
        """Fetch a feed (no robots.txt check) with conditional GET and hash comparison."""
        return self._fetch(
            url, etag=etag, last_modified=last_modified, previous_sha256=previous_sha256, accept=_FEED_ACCEPT
        )

    def fetch_page(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, previous_sha256: str | None = None
    ) -> FetchResult:
        """Fetch an article page; robots.txt of every hop's host is honoured."""
        return self._fetch(
            url,
            etag=etag,
            last_modified=last_modified,
            previous_sha256=previous_sha256,
            accept=_PAGE_ACCEPT,
            respect_robots=True,
        )

    # -- internals -------------------------------------------------------------------------------------

    def _fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        previous_sha256: str | None = None,
        accept: str = "*/*",
        respect_robots: bool = False,
        max_bytes: int | None = None,
        keep_head: bool = False,
    ) -> FetchResult:
        started = time.monotonic()
        cap = max_bytes or self.max_bytes
        current = url

        def result(status: FetchStatus, error: str | None = None, **fields: object) -> FetchResult:
            values: dict[str, object] = {
                "http_status": None,
                "body": None,
                "content_type": None,
                "etag": None,
                "last_modified": None,
                "body_sha256": None,
            }
            values.update(fields)
            elapsed = time.monotonic() - started
            return FetchResult(url=url, final_url=current, status=status, error=error, elapsed_s=elapsed, **values)  # type: ignore[arg-type]

        headers = {"User-Agent": self.user_agent, "Accept": accept, "Accept-Encoding": "gzip, deflate, br"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _hop in range(self.max_redirects + 1):
            try:
                self.guard.check_url(current)
                host = httpx.URL(current).host
                waiting = self.throttle.cooling_s(host)
                if waiting:
                    return result(
                        FetchStatus.SOFT_FAILURE,
                        f"{host} asked us to wait (Retry-After); not requested",
                        retry_after_s=waiting,
                        deferred=True,
                    )
                if respect_robots and not self.robots.allowed(current):
                    return result(FetchStatus.BLOCKED, f"robots.txt disallows {current}")
                with self.throttle.hold(host):
                    until = time.monotonic() + self._total_timeout_s
                    with deadline(until):
                        outcome = self._one_request(current, headers, cap, until, keep_head)
            except _EXPECTED_ERRORS as exc:
                return result(*_grade_error(exc, cap))

            response, body = outcome
            code = response.status_code
            common: dict[str, object] = {
                "http_status": code,
                "content_type": response.headers.get("content-type"),
                "etag": response.headers.get("etag"),
                "last_modified": response.headers.get("last-modified"),
                "retry_after_s": parse_retry_after(response.headers.get("retry-after")),
            }
            if code in _REDIRECT_CODES:
                location = response.headers.get("location")
                if not location:
                    return result(FetchStatus.HARD_FAILURE, f"HTTP {code} without Location", **common)
                try:
                    current = str(httpx.URL(current).join(location))
                except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
                    return result(FetchStatus.HARD_FAILURE, f"bad redirect Location: {exc}", **common)
                continue
            if code == 304:
                # A 304 may omit the validators; the ones we sent are still the current ones.
                common["etag"] = common["etag"] or etag
                common["last_modified"] = common["last_modified"] or last_modified
                return result(FetchStatus.NOT_MODIFIED, None, body_sha256=previous_sha256, **common)
            if 200 <= code < 300:
                digest = _sha256(body)
                if previous_sha256 is not None and digest == previous_sha256:
                    return result(FetchStatus.NOT_MODIFIED, None, body_sha256=digest, **common)
                return result(FetchStatus.OK, None, body=body, body_sha256=digest, **common)
            if code in _SOFT_CODES or code >= 500:
                asked = common["retry_after_s"]
                if code == 429 or (code == 503 and asked is not None):
                    self.throttle.cool_down(host, asked if isinstance(asked, float) else _BARE_429_COOLDOWN_S)
                return result(FetchStatus.SOFT_FAILURE, f"HTTP {code}", **common)
            return result(FetchStatus.HARD_FAILURE, f"HTTP {code}", **common)
        return result(FetchStatus.HARD_FAILURE, f"more than {self.max_redirects} redirects")

    def _one_request(
        self, url: str, headers: dict[str, str], cap: int, deadline: float, keep_head: bool = False
    ) -> tuple[httpx.Response, bytes]:
        """One hop. A body over ``cap`` raises _TooLarge, or with ``keep_head`` ends there (first ``cap``)."""
        request = self._client.build_request("GET", url, headers=headers)
        response = self._client.send(request, stream=True)
        try:
            if response.status_code in _REDIRECT_CODES or response.status_code == 304:
                return response, b""
            declared = response.headers.get("content-length", "")
            encoding = response.headers.get("content-encoding")
            if declared.isdigit() and int(declared) > cap and not encoding and not keep_head:
                raise _TooLarge
            chain = _decoder_chain(encoding)
            parts: list[bytes] = []
            size = 0
            for raw in _raw_chunks(response):
                for piece in _decode(chain, raw):
                    size += len(piece)
                    if size > cap:
                        if not keep_head:
                            raise _TooLarge
                        parts.append(piece[: len(piece) - (size - cap)])
                        return response, b"".join(parts)
                    parts.append(piece)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("total deadline exceeded", request=request)
            return response, b"".join(parts)
        finally:
            response.close()
