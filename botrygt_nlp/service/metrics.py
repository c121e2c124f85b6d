"""A small in-process metrics registry rendered in the Prometheus text format (0.0.4).

Hand-rolled rather than prometheus_client: four metric families, no global registry (each app owns one,
so tests do not leak counts into each other), and no extra dependency.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

Labels = tuple[tuple[str, str], ...]
Sample = tuple[str, Labels, float]  # a gauge reading: (metric name, labels, value)


def _fmt_labels(labels: Labels) -> str:
    if not labels:
        return ""
    inner = ",".join(
        f'{k}="{v.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34)).replace(chr(10), " ")}"'
        for k, v in labels
    )
    return "{" + inner + "}"


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[str, dict[Labels, float]] = defaultdict(dict)
        self._hist_counts: dict[Labels, list[int]] = {}
        self._hist_sum: dict[Labels, float] = defaultdict(float)
        self._help: dict[str, str] = {
            "botrygt_http_requests_total": "HTTP requests by method, route template and status.",
            "botrygt_assessments_total": "Texts assessed through the API and web pages.",
            "botrygt_feed_polls_total": "Feed polls run in this process, by outcome.",
        }
        self.gauges: list[Callable[[], Iterable[Sample]]] = []

    def inc(self, name: str, labels: Labels = (), by: float = 1.0) -> None:
        with self._lock:
            series = self._counters[name]
            series[labels] = series.get(labels, 0.0) + by

    def observe_latency(self, labels: Labels, seconds: float) -> None:
        with self._lock:
            counts = self._hist_counts.setdefault(labels, [0] * (len(LATENCY_BUCKETS) + 1))
            counts[bisect_left(LATENCY_BUCKETS, seconds)] += 1
            self._hist_sum[labels] += seconds

    def record_assessments(self, constructive: int, total: int) -> None:
        self.inc("botrygt_assessments_total", (("constructive", "true"),), constructive)
        self.inc("botrygt_assessments_total", (("constructive", "false"),), total - constructive)

    def record_feed_poll(self, outcome: str) -> None:
        """Hook for the poller when it runs inside the server process."""
        self.inc("botrygt_feed_polls_total", (("outcome", outcome),))

    def render(self) -> str:
        lines: list[str] = []
        with self._lock:
            for name in sorted(self._help.keys() | self._counters.keys()):
                lines.append(f"# HELP {name} {self._help.get(name, name)}")
                lines.append(f"# TYPE {name} counter")
                for labels, value in sorted(self._counters.get(name, {}).items()):
                    lines.append(f"{name}{_fmt_labels(labels)} {value:g}")
            hist = "botrygt_http_request_duration_seconds"
            lines.append(f"# HELP {hist} Request latency by route template.")
            lines.append(f"# TYPE {hist} histogram")
            for labels, counts in sorted(self._hist_counts.items()):
                cumulative = 0
                for bound, count in zip((*LATENCY_BUCKETS, float("inf")), counts, strict=True):
                    cumulative += count
                    le = "+Inf" if bound == float("inf") else f"{bound:g}"
                    lines.append(f"{hist}_bucket{_fmt_labels((*labels, ('le', le)))} {cumulative}")
                lines.append(f"{hist}_sum{_fmt_labels(labels)} {self._hist_sum[labels]:.6f}")
                lines.append(f"{hist}_count{_fmt_labels(labels)} {cumulative}")
        typed: set[str] = set()
        for gauge in self.gauges:
            try:
                samples = list(gauge())
            except Exception:  # a broken store must not break the scrape
                continue
            for name, labels, value in samples:
                if name not in typed:
                    typed.add(name)
                    lines.append(f"# TYPE {name} gauge")
                lines.append(f"{name}{_fmt_labels(labels)} {value:g}")
        return "\n".join(lines) + "\n"


class MetricsMiddleware:
    """Counts and times every HTTP request under its route *template* (bounded label cardinality)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = str(getattr(route, "path", "unmatched"))
            self.metrics.inc(
                "botrygt_http_requests_total",
                (("method", scope["method"]), ("route", template), ("status", str(status))),
            )
            self.metrics.observe_latency((("route", template),), time.perf_counter() - start)
