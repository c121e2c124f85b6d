"""A small, bounded pool for CPU-bound analysis, apart from the reads.

Assessing a text is pure-Python work under the GIL (about 9 ms for 2,000 characters on the 2-core machine).
Run on the event loop it held up every other request, health checks included; run in Starlette's shared
thread pool (40 threads) it competed with the database reads, and under a mixed load the reads waited
seconds behind a crowd of assessments (issue 10, point 8). Here analysis runs on ``workers`` threads of
its own (one by default: more threads add no throughput under the GIL, only contention), at most
``queue`` more wait for one, and beyond that a request is refused at once with a 503 and ``Retry-After``
instead of queueing without bound. The reads keep Starlette's pool and the event loop to themselves.

Reads come first: the process has one GIL, so an assessment running while a read is served halves the
read's speed. :class:`ReadsFirst` counts the GET/HEAD requests in progress, and the worker waits for
them to finish (at most ``defer_s``, so analysis never starves) before it starts the next text.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from starlette.types import ASGIApp, Receive, Scope, Send

from botrygt_nlp.service.problems import ProblemError

T = TypeVar("T")
SAFE_METHODS = ("GET", "HEAD")


class ReadsFirst:
    """Reads in progress, and a bounded wait for them to finish before analysis takes the CPU."""

    def __init__(self, defer_s: float = 0.05) -> None:
        self.defer_s = defer_s
        self._reads = 0
        self._idle = threading.Condition()

    @property
    def reads(self) -> int:
        return self._reads

    def enter(self) -> None:
        with self._idle:
            self._reads += 1

    def leave(self) -> None:
        with self._idle:
            self._reads -= 1
            if self._reads <= 0:
                self._idle.notify_all()

    def wait_turn(self) -> None:
        """Block (on a worker thread) until no read is in progress, or ``defer_s`` has passed."""
        if self.defer_s <= 0:
            return
        with self._idle:
            self._idle.wait_for(lambda: self._reads <= 0, timeout=self.defer_s)


class ReadsFirstMiddleware:
    """Counts GET/HEAD requests (until their response, streamed or not, has been sent) for ReadsFirst."""

    def __init__(self, app: ASGIApp, gate: ReadsFirst) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        self.gate.enter()
        try:
            await self.app(scope, receive, send)
        finally:
            self.gate.leave()


class AnalysisPool:
    def __init__(self, workers: int = 1, queue: int = 32, gate: ReadsFirst | None = None) -> None:
        self.workers = max(1, workers)
        self.capacity = self.workers + max(0, queue)
        self.gate = gate or ReadsFirst()
        self._executor: ThreadPoolExecutor | None = None
        self._admitted = 0
        self._lock = threading.Lock()

    @property
    def admitted(self) -> int:
        """Jobs running or waiting (for metrics and tests)."""
        return self._admitted

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="botrygt-analysis")
            return self._executor

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """``fn(*args)`` on the pool; a 503 ``busy`` problem when ``capacity`` jobs are already in."""
        with self._lock:
            if self._admitted >= self.capacity:
                raise ProblemError(
                    503,
                    "busy",
                    "The server is busy assessing other texts; try again in a moment.",
                    headers={"Retry-After": "1"},
                )
            self._admitted += 1
        try:
            future: Future[T] = self._pool().submit(self._job, fn, *args)
        except BaseException:
            self._release(None)
            raise
        # Released when the job really ends, not when the awaiting request goes away: a client that
        # disconnects must not free a slot while its text is still being assessed.
        future.add_done_callback(self._release)
        return await asyncio.wrap_future(future)

    def _job(self, fn: Callable[..., T], *args: object) -> T:
        self.gate.wait_turn()
        return fn(*args)

    def _release(self, _future: object) -> None:
        with self._lock:
            self._admitted -= 1

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
