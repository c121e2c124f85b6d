"""What every route and page reaches through ``request.app.state.services``: analyzer, store, limits, metrics.

Built once by ``botrygt_nlp.asgi.create_app``; the analyzer and the store open lazily so the app starts fast and a store
problem surfaces as a 503 problem on the endpoints that need it, not as a crash at start-up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from fastapi import Request

from botrygt_nlp.config import Settings
from botrygt_nlp.service.address_fetches import AddressFetches
from botrygt_nlp.service.analysis_pool import AnalysisPool, ReadsFirst
from botrygt_nlp.service.limits import RateLimiter
from botrygt_nlp.service.lockout import AuthFailures
from botrygt_nlp.service.metrics import Metrics, Sample
from botrygt_nlp.service.options import ApiOptions
from botrygt_nlp.service.ports import AnalyzerPort
from botrygt_nlp.storage import FeedStatus, Store

if TYPE_CHECKING:
    from botrygt_nlp.monitor.fetch import Fetcher


class Services:
    def __init__(
        self,
        settings: Settings,
        options: ApiOptions,
        analyzer: AnalyzerPort | None,
        store: Store | None,
        limiter: RateLimiter | None = None,
        fetcher_factory: Callable[[], Fetcher] | None = None,
        auth_failures: AuthFailures | None = None,
    ) -> None:
        self.settings = settings
        self.options = options
        self.metrics = Metrics()
        self.limiter = limiter or RateLimiter(options.rate_limit_per_minute, options.rate_limit_burst)
        # Texts are assessed here, never on the event loop nor in the pool the database reads use.
        self.analysis = AnalysisPool(
            options.analysis_workers, options.analysis_queue, ReadsFirst(options.analysis_defer_s)
        )
        # The audit page's address fetches: threads of their own, so slow pages never hold up other requests.
        self.address_fetches = AddressFetches(options.audit_fetch_threads, options.audit_concurrency)
        # Wrong API keys per client address (API header and web login): a burst locks the address out.
        self.auth_failures = auth_failures or AuthFailures()
        self._analyzer = analyzer
        self._store = store
        self._fetcher_factory = fetcher_factory
        self.metrics.gauges.append(self.feed_gauges)
        self._lock = threading.Lock()

    @property
    def analyzer(self) -> AnalyzerPort:
        if self._analyzer is None:
            with self._lock:
                if self._analyzer is None:
                    from botrygt_nlp import get_analyzer

                    self._analyzer = get_analyzer()
        return self._analyzer

    @property
    def store(self) -> Store:
        """The Store; opened on first use (SQLite under data_dir by default) and migrated."""
        if self._store is None:
            with self._lock:
                if self._store is None:
                    self._store = _open_default_store(self.settings)
        return self._store

    def feed_gauges(self) -> list[Sample]:
        """Feeds by health for /metrics, read at scrape time (the poller may run in another process)."""
        feeds = self.store.list_feeds()
        failing = sum(1 for f in feeds if f.failure_count > 0)
        out: list[Sample] = [
            ("botrygt_feeds", (("status", status.value),), float(sum(f.status is status for f in feeds)))
            for status in FeedStatus
        ]
        out.append(("botrygt_feeds_failing", (), float(failing)))
        return out

    def fetcher(self) -> Fetcher:
        """A fresh SSRF-guarded fetcher (close it after use); tests inject a factory with a mock transport."""
        if self._fetcher_factory is not None:
            return self._fetcher_factory()
        from botrygt_nlp.monitor.fetch import Fetcher

        return Fetcher.from_settings(self.settings)

    def verify_key(self, raw: str) -> str | None:
        """The key's name when ``raw`` is a live API key (the store compares SHA-256 hashes)."""
        if not raw:
            return None
        info = self.store.verify_api_key(raw)
        return info.name if info is not None else None


def _open_default_store(settings: Settings) -> Store:
    if settings.database_url is None:  # the embedded SQLite default lives under data_dir
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Store.from_settings(settings)


async def get_services(request: Request) -> Services:
    # async: a plain attribute read must not cost a thread-pool hop on every request
    services: Services = request.app.state.services
    return services
