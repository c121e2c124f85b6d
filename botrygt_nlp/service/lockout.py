"""Failed sign-ins per client address: a burst of wrong API keys locks that address out for a while.

Each wrong key (in ``Authorization``/``X-API-Key`` or the web login form) adds one to a leaky counter for the
caller's address, drained at ``max_failures`` per ``window_s``. When it reaches ``max_failures`` the address
is locked out for ``lockout_s``: every request from it that presents a key is answered 429 with Retry-After,
*before* the key is looked at (so a guess cannot be confirmed while locked). One warning is logged per
lockout, never one per attempt. Other addresses, and requests without a key, are not affected; a correct key
does not reset the counter (an attacker holding one key could otherwise keep guessing others).

The address is the socket peer (``botrygt serve`` trusts no X-Forwarded-For). Behind a reverse proxy every
caller shares the proxy's address, so limit failed attempts at the proxy as well (README, "API keys").
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

Clock = Callable[[], float]

MAX_FAILURES = 10
WINDOW_S = 60.0
LOCKOUT_S = 60.0
_MAX_ADDRESSES = 100_000  # bound memory under address churn (IPv6)


@dataclass(slots=True)
class _Entry:
    level: float = 0.0
    updated: float = 0.0
    locked_until: float = 0.0


class AuthFailures:
    """Thread-safe per-address counter of failed authentications with lockout (an injectable clock for tests)."""

    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window_s: float = WINDOW_S,
        lockout_s: float = LOCKOUT_S,
        clock: Clock = time.monotonic,
    ) -> None:
        self.max_failures = max(1, max_failures)
        self.drain_per_s = self.max_failures / max(window_s, 1e-9)
        self.lockout_s = lockout_s
        self.clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def retry_after(self, address: str) -> int:
        """Seconds until ``address`` may try a key again; 0 when it is not locked out."""
        now = self.clock()
        with self._lock:
            entry = self._entries.get(address)
            if entry is None or entry.locked_until <= now:
                return 0
            return max(1, math.ceil(entry.locked_until - now))

    def failed(self, address: str) -> int:
        """Count a wrong key from ``address``; returns the lockout's Retry-After when this failure starts one."""
        now = self.clock()
        with self._lock:
            entry = self._entries.get(address)
            if entry is None:
                if len(self._entries) >= _MAX_ADDRESSES:
                    self._prune(now)
                entry = self._entries[address] = _Entry(updated=now)
            if entry.locked_until > now:  # a request that was already in flight when the lockout began
                return 0
            entry.level = max(0.0, entry.level - (now - entry.updated) * self.drain_per_s) + 1.0
            entry.updated = now
            # The counter drains between attempts, so ten wrong keys sent by hand within seconds add up to a
            # little under ten: within one attempt of the limit counts as reaching it (a drained full attempt,
            # some six seconds at the defaults, does not).
            if entry.level <= self.max_failures - 1:
                return 0
            entry.level = 0.0
            entry.locked_until = now + self.lockout_s
        log.warning(
            "authentication: %d failed attempts from %s; refusing keys from it for %.0f s",
            self.max_failures,
            address,
            self.lockout_s,
        )
        return max(1, math.ceil(self.lockout_s))

    def _prune(self, now: float) -> None:
        """Drop entries that are neither locked nor holding recent failures; clear all if that is not enough."""
        for address, entry in list(self._entries.items()):
            drained = entry.level - (now - entry.updated) * self.drain_per_s <= 0
            if drained and entry.locked_until <= now:
                del self._entries[address]
        if len(self._entries) >= _MAX_ADDRESSES:
            self._entries.clear()
