"""The default --threads: feeds of different hosts in parallel, a host's feeds one after another."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from botrygt_nlp.monitor.poll import DEFAULT_THREADS, Poller
from botrygt_nlp.monitor.schedule import PollPolicy
from botrygt_nlp.news.types import FetchResult
from botrygt_nlp.storage import NewFeed, Store
from tests.monitor_poll.fakes import FakeAnalyzer, FakeFetcher, page, rss_doc


@dataclass
class HostWatch(FakeFetcher):
    """Records every moment two requests to one host were in flight, and the most hosts at once."""

    host_overlaps: list[str] = field(default_factory=list)
    most_hosts: int = 0
    _hosts: dict[str, int] = field(default_factory=dict)
    _watch: threading.Lock = field(default_factory=threading.Lock)

    def _get(self, url: str, previous_sha256: str | None) -> FetchResult:
        host = urlsplit(url).hostname or ""
        with self._watch:
            if self._hosts.get(host):
                self.host_overlaps.append(url)
            self._hosts[host] = self._hosts.get(host, 0) + 1
            self.most_hosts = max(self.most_hosts, sum(1 for n in self._hosts.values() if n))
        try:
            return super()._get(url, previous_sha256)
        finally:
            with self._watch:
                self._hosts[host] -= 1


def test_threads_poll_other_hosts_never_one_host_twice(store: Store) -> None:
    fetcher = HostWatch(hold_s=0.003)
    feeds = [("https://tv2.example", f"/s{n}") for n in range(4)] + [(f"https://o{n}.example", "") for n in range(4)]
    for i, (base, section) in enumerate(feeds):
        items = [(f"{section.strip('/') or 'x'}a{j}", f"Indbrud {i}-{j}") for j in range(3)]
        fetcher.put(f"{base}{section}/rss", rss_doc(base, items), "application/rss+xml")
        for slug, title in items:
            fetcher.put(f"{base}/{slug}", page(title, "Indbrud i nat. Husk lys ved døren."))
        store.add_feed(NewFeed(f"{base}{section}/rss", f"Outlet {i}"))
    poller = Poller(store, fetcher, FakeAnalyzer(), policy=PollPolicy(interval_s=0))
    report = poller.poll_due(threads=DEFAULT_THREADS)
    assert fetcher.host_overlaps == []  # the four tv2.example feeds went one after another
    assert sorted(f.feed_id for f in report.feeds) == list(range(1, 9)) and report.new_articles == 24
    assert fetcher.most_hosts >= 2  # … while other hosts were polled beside them
