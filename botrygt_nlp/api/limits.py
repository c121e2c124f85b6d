"""Request-size and request-rate limits.

The body limit counts bytes as they stream in and never trusts Content-Length (which a client can omit or
lie about). The rate limiter is a token bucket per caller with an injectable clock, so tests advance time
instead of sleeping.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from botrygt_nlp.api.problems import PROBLEM_MEDIA_TYPE, HtmlRenderer, Problem, wants_html

Clock = Callable[[], float]


class BodyLimitMiddleware:
    """Buffers the request body up to a per-path limit and answers 413 problem+json beyond it.

    Buffering (rather than wrapping ``receive``) lets the 413 be sent before the application has started a
    response, and the limits are small enough (a few MiB) that holding the body in memory is fine.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        default_limit: int,
        upload_limit: int,
        upload_prefixes: tuple[str, ...] = (),
        html_renderer: HtmlRenderer | None = None,
    ) -> None:
        self.app = app
        self.default_limit = default_limit
        self.upload_limit = upload_limit
        self.upload_prefixes = upload_prefixes
        self.html_renderer = html_renderer  # a browser on a web page gets the Danish error page, not JSON

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = self.upload_limit if path.startswith(self.upload_prefixes) else self.default_limit
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                request = Request(scope)
                if self.html_renderer is not None and wants_html(request):
                    detail = f"Det sendte fylder mere end {_size_da(limit)}. Send færre eller mindre filer ad gangen."
                    page = self.html_renderer(request, Problem(413, "too_large", "Too large", "For stor", detail))
                    page.headers["Connection"] = "close"
                    await page(scope, receive, send)
                    return
                await _send_too_large(send, path, limit)
                return
            chunks.append(body)
            if not message.get("more_body", False):
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


def _size_da(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MiB"
    return f"{max(1, round(n / 1024))} KiB"


async def _send_too_large(send: Send, path: str, limit: int) -> None:
    body = json.dumps(
        {
            "type": "https://botrygt.dk/problems/too_large",
            "title": "Request body too large",
            "title_da": "Forespørgslen er for stor",
            "status": 413,
            "detail": f"The request body exceeds {limit} bytes.",
            "code": "too_large",
            "retryable": False,
            "instance": path,
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
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
