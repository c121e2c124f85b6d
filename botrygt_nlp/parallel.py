"""Every core of one machine: an ordered process pool in which each worker loads the analyzer once.

``AnalyzerPool(workers, factory).map(fn, items)`` yields ``fn(analyzer, item)`` for every item, *in input
order*, whatever order the workers finish in. With ``workers == 1`` nothing is started: ``fn`` runs in this
process on the same items, so one worker and N workers give the same results by construction (the output
formatting happens in ``fn``, identically on both paths).

* Each worker process calls ``factory()`` once (the pool's initializer) and keeps the analyzer for its life.
* Items travel in chunks, and only a bounded window of chunks is in flight: an archive of millions of lines
  is streamed, never held in memory.
* The caller's process keeps everything that must be single: reading the input, writing the output, and
  every storage write (SQLite is never contended by the workers).
* Ctrl-C: :func:`stop_on_interrupt` turns SIGINT/SIGTERM into a flag; ``map`` stops handing out work,
  returns after the results it has yielded, and the pool is shut down. Workers ignore SIGINT themselves,
  so the terminal shows one clean message instead of a traceback per process.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import stat
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from enum import StrEnum
from itertools import chain, islice
from typing import Any, Generic, TextIO, TypeVar

T = TypeVar("T")
R = TypeVar("R")
A = TypeVar("A")


class Engine(StrEnum):
    """Where the work runs: this machine's cores, or a Dask cluster (``pip install 'botrygt-nlp[dask]'``)."""

    LOCAL = "local"
    DASK = "dask"


INTERRUPTED_EXIT = 130  # the shell's code for "stopped by Ctrl-C"
DEFAULT_CHUNK = 8  # items per task: small enough for even load, large enough to amortise pickling
SMALL_INPUT = 2 * DEFAULT_CHUNK  # fewer items than this are done in this process, with no pool started
WINDOW_PER_WORKER = 4  # chunks in flight per worker: keeps every worker busy, bounds memory

_WORKER_ANALYZER: Any = None  # set once per worker process by _init_worker
_WORKER_ERROR: Exception | None = None


def usable_cores() -> int:
    """The cores this process may run on (a container's or taskset's limit, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _init_worker(factory: Callable[[], Any]) -> None:
    global _WORKER_ANALYZER, _WORKER_ERROR
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides how to stop
    try:
        _WORKER_ANALYZER = factory()
    except Exception as exc:  # a missing model: said by the first task, instead of a broken pool
        _WORKER_ERROR = exc


def _run_chunk(fn: Callable[[Any, Any], Any], chunk: list[Any]) -> list[Any]:
    if _WORKER_ERROR is not None:
        raise _WORKER_ERROR
    analyzer = _WORKER_ANALYZER
    return [fn(analyzer, item) for item in chunk]


def worker_rss_mib() -> float:
    """Peak RSS of the calling process in MiB (run inside a worker to measure that worker)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_probe(_analyzer: Any, _item: object) -> tuple[int, float]:
    return os.getpid(), worker_rss_mib()


def _context() -> Any:
    # fork starts a worker in milliseconds and needs nothing pickled but the work; spawn elsewhere.
    return mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")


class AnalyzerPool(Generic[A]):
    """``workers`` processes, each with ``factory()``'s analyzer; ``workers == 1`` runs in this process.

    Use as a context manager; one pool can serve many ``map`` calls (a rescore's pages, say).
    ``fn`` must be a module-level function (it is sent to the workers by name) and so must ``factory``.
    """

    def __init__(
        self,
        workers: int,
        factory: Callable[[], A],
        *,
        chunk: int = DEFAULT_CHUNK,
        stop: threading.Event | None = None,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self.factory = factory
        self.chunk = max(1, chunk)
        self.stop = stop or threading.Event()
        self._local: A | None = None
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> AnalyzerPool[A]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    @property
    def stopped(self) -> bool:
        return self.stop.is_set()

    def local_analyzer(self) -> A:
        if self._local is None:
            self._local = self.factory()
        return self._local

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=_context(),
                initializer=_init_worker,
                initargs=(self.factory,),
            )
        return self._executor

    def map(self, fn: Callable[[A, T], R], items: Iterable[T]) -> Iterator[R]:
        """``fn(analyzer, item)`` for each item, in input order; ends early (cleanly) once ``stop`` is set."""
        it = iter(items)
        head: list[T] = []
        if self.workers > 1 and self._executor is None:
            # A pool pays for itself only beyond a few chunks: one text (a file, stdin) is scored right here.
            head = list(islice(it, SMALL_INPUT))
            if len(head) == SMALL_INPUT:
                yield from self._map_pool(fn, chain(head, it))
                return
            it = iter(head)
        elif self.workers > 1:
            yield from self._map_pool(fn, it)
            return
        analyzer = self.local_analyzer()
        for item in it:
            if self.stop.is_set():
                return
            yield fn(analyzer, item)

    def _map_pool(self, fn: Callable[[A, T], R], items: Iterator[T]) -> Iterator[R]:
        pool = self._pool()
        window: deque[Future[list[R]]] = deque()
        limit = self.workers * WINDOW_PER_WORKER

        def submit() -> bool:
            chunk = list(islice(items, self.chunk))
            if not chunk:
                return False
            window.append(pool.submit(_run_chunk, fn, chunk))
            return True

        more = True
        try:
            while more and len(window) < limit and not self.stop.is_set():
                more = submit()
            while window:
                head = window.popleft()
                results = head.result()
                if self.stop.is_set():
                    return
                if more:
                    more = submit()
                yield from results
        finally:
            for f in window:
                f.cancel()

    def worker_rss(self) -> dict[int, float]:
        """Peak RSS (MiB) of each worker process that answered a probe (this process when ``workers == 1``)."""
        if self.workers == 1:
            self.local_analyzer()
            return {os.getpid(): worker_rss_mib()}
        pool = self._pool()
        seen: dict[int, float] = {}
        for _ in range(4 * self.workers):  # bounded: enough probes that every worker answers at least once
            futures = [pool.submit(_run_chunk, _rss_probe, [None]) for _ in range(self.workers)]
            for f in futures:
                pid, rss = f.result()[0]
                seen[pid] = max(rss, seen.get(pid, 0.0))
            if len(seen) >= self.workers:
                break
        return seen


@contextmanager
def stop_on_interrupt(stream: TextIO | None = None, *, in_hand: str = "the texts in hand") -> Iterator[threading.Event]:
    """SIGINT/SIGTERM set the returned flag (the work in hand is finished and written whole); a second one
    raises KeyboardInterrupt as usual. Only the main thread can own signals; elsewhere the flag is inert."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    err = stream or sys.stderr

    def handler(signum: int, _frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        err.write(f"\nbotrygt: {signal.Signals(signum).name}: finishing {in_hand}, then stopping …\n")
        err.flush()
        stop.set()

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


class Progress:
    """A one-line progress bar on stderr: texts done, texts/s and time left (when the total is known).

    Drawn only when ``enabled`` (see :func:`progress_wanted`), at most every ``every_s`` seconds; ``clear``
    takes the line away (before output to the same terminal, and at the end)."""

    def __init__(
        self,
        total: int | None,
        *,
        enabled: bool,
        stream: TextIO | None = None,
        every_s: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.every_s = every_s
        self.clock = clock
        self.done = 0
        self._t0 = clock()
        self._last = -1.0e9
        self._shown = False

    def advance(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = self.clock()
        if now - self._last >= self.every_s:
            self._last = now
            self._draw(now)

    def line(self, now: float | None = None) -> str:
        elapsed = max((now if now is not None else self.clock()) - self._t0, 1e-9)
        rate = self.done / elapsed
        if self.total:
            share = min(self.done / self.total, 1.0)
            filled = int(share * 24)
            bar = "#" * filled + "-" * (24 - filled)
            left = max(self.total - self.done, 0) / rate if rate > 0 else 0.0
            return f"[{bar}] {self.done:,}/{self.total:,} texts · {rate:,.0f}/s · {_duration(left)} left"
        return f"{self.done:,} texts · {rate:,.0f}/s · {_duration(elapsed)}"

    def _draw(self, now: float) -> None:
        self.stream.write("\r\x1b[K" + self.line(now))
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False


def progress_wanted(quiet: bool, *, stderr: TextIO | None = None, stdout: TextIO | None = None) -> bool:
    """A bar only for a person watching: stderr on a terminal, the output not piped into another program
    (a terminal or a file is fine) and no ``--quiet``."""
    if quiet:
        return False
    return _isatty(stderr or sys.stderr) and not _is_pipe(stdout or sys.stdout)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _is_pipe(stream: TextIO) -> bool:
    try:
        return stat.S_ISFIFO(os.fstat(stream.fileno()).st_mode)
    except (AttributeError, ValueError, OSError):  # no real file behind it (a test's buffer): not a terminal
        return True


def _duration(seconds: float) -> str:
    s = int(seconds + 0.5)
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
