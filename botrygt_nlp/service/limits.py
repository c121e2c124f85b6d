"""Request-size, request-time and request-rate limits.

The body limit counts bytes as they stream in and never trusts Content-Length (which a client can omit or
lie about). The body must also arrive in time: a client trickling a byte a second is answered 408 and the
connection closed. A body over its limit is read on and thrown away (up to a bound) before the 413 goes
out, so a client that writes its whole body before it reads (urllib, some proxies) gets the answer rather
than a connection reset. The rate limiter is a token bucket per caller with an injectable clock, so tests
advance time instead of sleeping.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import anyio
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from botrygt_nlp.errors import CATALOGUE
from botrygt_nlp.service.problems import PROBLEM_MEDIA_TYPE, HtmlRenderer, Problem, wants_html

Clock = Callable[[], float]


class BodyLimitMiddleware:
    """Buffers the request body up to a per-path limit and answers 413 problem+json beyond it.

    Buffering (rather than wrapping ``receive``) lets the 413 be sent before the application has started a
    response, and the limits are small enough (a few MiB) that holding the body in memory is fine.

    ``body_timeout_s`` bounds the time to receive the body: the deadline is that many seconds after the
    request reached the application, plus one second for every ``body_min_rate`` bytes received (so a big
    upload on a slow line still arrives). Past it the answer is 408 with ``Connection: close``. After the
    limit is exceeded, up to ``discard_limit`` more bytes are read and dropped before the 413 (then the
    connection is closed); a client sending more than that sees the connection close early.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        default_limit: int,
        upload_limit: int,
        upload_prefixes: tuple[str, ...] = (),
        html_renderer: HtmlRenderer | None = None,
        body_timeout_s: float | None = None,
        body_min_rate: int = 0,
        discard_limit: int = 0,
    ) -> None:
        self.app = app
        self.default_limit = default_limit
        self.upload_limit = upload_limit
        self.upload_prefixes = upload_prefixes
        self.html_renderer = html_renderer  # a browser on a web page gets the Danish error page, not JSON
        self.body_timeout_s = body_timeout_s
        self.body_min_rate = body_min_rate
        self.discard_limit = discard_limit

    def _remaining(self, started: float, size: int) -> float:
        if self.body_timeout_s is None:
            return math.inf
        allowance = self.body_timeout_s + (size / self.body_min_rate if self.body_min_rate > 0 else 0.0)
        return started + allowance - time.monotonic()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = self.upload_limit if path.startswith(self.upload_prefixes) else self.default_limit
        framing = _framing(scope)
        if framing.conflicting:
            # Both Content-Length and Transfer-Encoding: a proxy in front may read the body by the one while the
            # server reads it by the other, and the rest would run as a second request (request smuggling).
            # RFC 9112 §6.1: refuse it and close the connection.
            await send_problem(
                send,
                400,
                "bad_input",
                "Conflicting message framing",
                "Forespørgslen er tvetydig",
                "The request has both Content-Length and Transfer-Encoding; send one of them.",
                path,
            )
            return
        declared = framing.content_length
        if (
            declared is not None
            and declared > limit
            and (framing.expects_continue or declared > limit + self.discard_limit)
        ):
            # Too large by its own account: answered before any of it is read (no "100 Continue" that invites
            # the upload, no wait for a body that would only be thrown away).
            await self._refuse(scope, receive, send, 413, limit)
            return
        chunks: list[bytes] = []
        size = 0
        started = time.monotonic()
        while True:
            message: Message | None = None
            with anyio.move_on_after(self._remaining(started, size)):
                message = await receive()
            if message is None:
                await self._refuse(scope, receive, send, 408, limit)
                return
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            more = bool(message.get("more_body", False))
            if size > limit:
                if more:
                    await self._discard(receive, started, size, limit)
                await self._refuse(scope, receive, send, 413, limit)
                return
            chunks.append(body)
            if not more:
                break
        buffered = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": buffered, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _discard(self, receive: Receive, started: float, size: int, limit: int) -> None:
        """Read and drop the rest of a body that is already too large, within ``discard_limit`` and in time."""
        while size <= limit + self.discard_limit:
            message: Message | None = None
            with anyio.move_on_after(self._remaining(started, size)):
                message = await receive()
            if message is None or message["type"] != "http.request":
                return
            size += len(message.get("body", b""))
            if not message.get("more_body", False):
                return

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, status: int, limit: int) -> None:
        path: str = scope["path"]
        request = Request(scope)
        if self.html_renderer is not None and wants_html(request):
            if status == 413:
                detail = f"Det sendte fylder mere end {_size_da(limit)}. Send færre eller mindre filer ad gangen."
                problem = _page_problem("too_large", detail)
            else:
                detail = "Det sendte kom for langsomt frem. Prøv igen."
                problem = _page_problem("request_timeout", detail)
            page = self.html_renderer(request, problem)
            page.headers["Connection"] = "close"
            await page(scope, receive, send)
            return
        if status == 413:
            await _send_too_large(send, path, limit)
        else:
            await _send_timeout(send, path)


@dataclass(frozen=True, slots=True)
class _Framing:
    content_length: int | None  # as declared; None when absent or not a number
    conflicting: bool  # Content-Length and Transfer-Encoding both present
    expects_continue: bool  # "Expect: 100-continue": the client waits for a go-ahead before the body


def _framing(scope: Scope) -> _Framing:
    length: int | None = None
    has_length = has_encoding = expects = False
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            has_length = True
            text = value.strip()
            length = int(text) if text.isdigit() else None
        elif name == b"transfer-encoding":
            has_encoding = True
        elif name == b"expect" and value.strip().lower() == b"100-continue":
            expects = True
    return _Framing(length, has_length and has_encoding, expects)


def _page_problem(code: str, detail: str) -> Problem:
    info = CATALOGUE[code]
    return Problem(info.status, code, info.title, info.title_da, detail)


def _size_da(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MiB"
    return f"{max(1, round(n / 1024))} KiB"


async def _send_too_large(send: Send, path: str, limit: int) -> None:
    await send_problem(
        send,
        413,
        "too_large",
        "Request body too large",
        "Forespørgslen er for stor",
        f"The request body exceeds {limit} bytes.",
        path,
    )


async def _send_timeout(send: Send, path: str) -> None:
    await send_problem(
        send,
        408,
        "request_timeout",
        "Request body not received in time",
        "Forespørgslen kom ikke frem i tide",
        "The request body arrived too slowly; the connection is closed.",
        path,
        retryable=True,
    )


def problem_bytes(
    status: int, code: str, title: str, title_da: str, detail: str, instance: str, *, retryable: bool = False
) -> bytes:
    """A problem+json body built without the application (the edge answers before or outside it)."""
    return json.dumps(
        {
            "type": f"https://botrygt.dk/problems/{code}",
            "title": title,
            "title_da": title_da,
            "status": status,
            "detail": detail,
            "code": code,
            "retryable": retryable,
            "instance": instance,
        }
    ).encode()


async def send_problem(
    send: Send,
    status: int,
    code: str,
    title: str,
    title_da: str,
    detail: str,
    path: str,
    *,
    retryable: bool = False,
    headers: tuple[tuple[bytes, bytes], ...] = (),
) -> None:
    """Answer with a problem+json and ``Connection: close`` (the server then closes the connection)."""
    body = problem_bytes(status, code, title, title_da, detail, path, retryable=retryable)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    retry_after_s: int = 0


class RateLimiter:
    """Token bucket: ``per_minute`` tokens refill continuously, at most ``burst`` saved up."""

    def __init__(self, per_minute: int, burst: int, clock: Clock = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(max(burst, 1))
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()  # sync routes run in a thread pool

    def check(self, who: str) -> RateDecision:
        if self.rate <= 0:
            return RateDecision(True)
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get(who)
            if bucket is None:
                bucket = self._buckets[who] = _Bucket(self.burst, now)
                if len(self._buckets) > 100_000:  # bound memory under address churn
                    self._buckets.clear()
                    self._buckets[who] = bucket
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return RateDecision(True)
            return RateDecision(False, max(1, math.ceil((1.0 - bucket.tokens) / self.rate)))
