"""Address fetches for the web audit page ("Gennemgå materiale"), apart from the threads that serve requests.

A page that does not answer holds its thread for the fetcher's whole timeout. Run in the pool that also serves
the synchronous API routes, key checks and sessions, a few dozen such addresses froze the whole service. Here
they get threads of their own, a limit on how many audits fetch at once, and one deadline per audit: what has
not arrived by then is reported as not answering in time, and its fetch goes on in the background until its own
timeout without holding anyone up.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


class AddressFetches:
    def __init__(self, threads: int, concurrent_audits: int) -> None:
        self._executor = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="botrygt-address")
        self._audits = threading.BoundedSemaphore(max(1, concurrent_audits))

    @contextmanager
    def audit_slot(self) -> Iterator[bool]:
        """One audit's turn to fetch: True when taken, False when as many audits are fetching as allowed."""
        taken = self._audits.acquire(blocking=False)
        try:
            yield taken
        finally:
            if taken:
                self._audits.release()

    async def run_all(self, jobs: Sequence[Callable[[], T]], deadline_s: float) -> list[T | None]:
        """Each job's result, or None for a job not finished within ``deadline_s`` of the start (a job not yet
        started by then is dropped; a running one finishes in the background and its result is thrown away)."""
        if not jobs:
            return []
        loop = asyncio.get_running_loop()
        futures = [loop.run_in_executor(self._executor, job) for job in jobs]
        done, pending = await asyncio.wait(futures, timeout=deadline_s)
        for f in pending:
            f.cancel()
        return [f.result() if f in done else None for f in futures]
