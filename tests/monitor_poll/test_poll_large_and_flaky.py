"""Big first polls, flaky article pages and impossible dates: the poll loop against fakes."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

import pytest
import sqlalchemy as sa

from botrygt_nlp.domain import Assessment
from botrygt_nlp.monitor.poll import Poller
from botrygt_nlp.monitor.schedule import PollPolicy
from botrygt_nlp.news.types import FetchStatus
from botrygt_nlp.storage import NewFeed, Store
from botrygt_nlp.storage.tables import feeds
from tests.monitor_poll.fakes import FakeAnalyzer, FakeFetcher, page, rss_doc
from tests.monitor_poll.test_poll import BASE, FEED, Clock, _site
from tests.storage.helpers import T0


class Crash(BaseException):
    """Stands in for kill -9: nothing after it runs, no handler catches it."""


def test_a_huge_first_poll_is_spread_over_passes(store: Store) -> None:
    fetcher = FakeFetcher()
    _site(fetcher, 7)
    feed = store.add_feed(NewFeed(FEED, "Avis"), now=T0)
    poller = Poller(
        store, fetcher, FakeAnalyzer(), clock=Clock(), owner="w", policy=PollPolicy(max_new_per_poll=3, commit_every=2)
    )
    first = poller.poll_due()
    assert first.new_articles == 3 and first.feeds[0].backlog == 4
    f = store.get_feed(feed.id)
    assert f.body_sha256 is None and f.next_poll_at == T0  # still due, the document is read again
    assert f.failure_count == 0 and f.last_success_at == T0
    assert poller.poll_due().new_articles == 3
    last = poller.poll_due()
    assert last.new_articles == 1 and last.feeds[0].backlog == 0
    assert store.get_feed(feed.id).body_sha256 is not None  # all done: now the validators are saved
    assert store.count_articles() == 7
    assert all(fetcher.calls[f"{BASE}/a{i}"] == 1 for i in range(7))  # no page fetched twice


def test_a_crash_mid_feed_keeps_the_committed_chunks(store: Store) -> None:
    fetcher = FakeFetcher()
    _site(fetcher, 6)
    feed = store.add_feed(NewFeed(FEED, "Avis"), now=T0)

    class Dies(FakeAnalyzer):
        def assess(self, text: str, *, title: str | None = None) -> Assessment:
            if "nummer 4" in text:
                raise Crash
            return super().assess(text, title=title)

    clock = Clock()
    crashing = Poller(store, fetcher, Dies(), clock=clock, owner="w1", policy=PollPolicy(commit_every=2))
    with pytest.raises(Crash):
        crashing.poll_due()
    assert store.count_articles() == 4  # two chunks of two were committed before the crash
    assert store.get_feed(feed.id).body_sha256 is None
    clock.advance(minutes=11)  # the dead worker's lease expires
    done = Poller(store, fetcher, FakeAnalyzer(), clock=clock, owner="w2").poll_due()
    assert done.new_articles == 2 and done.feeds[0].duplicates == 4
    assert store.count_articles() == 6 and store.get_feed(feed.id).body_sha256 is not None
    assert all(fetcher.calls[f"{BASE}/a{i}"] == 1 for i in range(4))  # committed pages not fetched again


def test_a_worker_that_lost_its_lease_stops(store: Store) -> None:
    fetcher = FakeFetcher()
    _site(fetcher, 6)
    feed = store.add_feed(NewFeed(FEED, "Avis"), now=T0)

    class TakenOver(FakeAnalyzer):
        def assess(self, text: str, *, title: str | None = None) -> Assessment:
            if self.calls == 1:  # while the second article is assessed, another worker takes the feed
                with store.engine.begin() as conn:
                    conn.execute(sa.update(feeds).values(lease_owner="other-worker"))
            return super().assess(text, title=title)

    report = Poller(store, fetcher, TakenOver(), clock=Clock(), owner="w", policy=PollPolicy(commit_every=2)).poll_due()
    result = report.feeds[0]
    assert result.interrupted and result.new_articles == 2  # the committed chunk; then it stopped
    assert fetcher.calls[f"{BASE}/a5"] == 0
    with store.engine.connect() as conn:
        owner = conn.execute(sa.select(feeds.c.lease_owner).where(feeds.c.id == feed.id)).scalar()
    assert owner == "other-worker"  # the new owner's state is not clobbered


def test_a_busy_article_page_is_retried_not_replaced_by_the_summary(store: Store) -> None:
    fetcher = FakeFetcher()
    _site(fetcher, 2)
    fetcher.fail(f"{BASE}/a1", FetchStatus.SOFT_FAILURE, 503)
    feed = store.add_feed(NewFeed(FEED, "Avis"), now=T0)
    clock = Clock()
    poller = Poller(store, fetcher, FakeAnalyzer(), clock=clock, owner="w")
    first = poller.poll_due()
    assert first.new_articles == 1 and first.feeds[0].deferred == 1 and first.feeds[0].from_summary == 0
    assert store.get_feed(feed.id).body_sha256 is None  # the document must be read again
    _site(fetcher, 2)  # the site is back
    clock.advance(hours=1)
    second = poller.poll_due()
    assert second.new_articles == 1 and second.feeds[0].deferred == 0
    rows = {r.url: r for r in store.list_articles()[0]}
    assert not rows[f"{BASE}/a1"].from_feed_summary
    assert store.get_feed(feed.id).body_sha256 is not None


def test_an_old_entry_whose_page_stays_busy_falls_back_to_the_summary(store: Store) -> None:
    fetcher = FakeFetcher()
    _site(fetcher, 1)
    fetcher.fail(f"{BASE}/a0", FetchStatus.SOFT_FAILURE, 503)
    store.add_feed(NewFeed(FEED, "Avis"), now=T0)
    report = Poller(store, fetcher, FakeAnalyzer(), clock=Clock(T0 + timedelta(days=2)), owner="w").poll_due()
    assert report.new_articles == 1 and report.feeds[0].from_summary == 1


def test_a_publication_date_in_the_future_is_no_date(store: Store) -> None:
    fetcher = FakeFetcher()
    body = rss_doc(BASE, [("a0", "Indbrud i Odense"), ("a1", "Tyveri i Odense")]).replace(
        format_datetime(T0), format_datetime(T0.replace(year=2099)), 1
    )
    fetcher.put(FEED, body, "application/rss+xml")
    for slug in ("a0", "a1"):
        fetcher.put(f"{BASE}/{slug}", page("Indbrud", "Tyve i nat. Husk at låse."))
    store.add_feed(NewFeed(FEED, "Avis"), now=T0)
    Poller(store, fetcher, FakeAnalyzer(), clock=Clock(), owner="w").poll_due()
    published = {r.url: r.published for r in store.list_articles()[0]}
    assert published == {f"{BASE}/a0": None, f"{BASE}/a1": T0}


def test_a_site_that_moves_to_https_and_www_is_not_stored_again(store: Store) -> None:
    fetcher = FakeFetcher()
    items = [(f"a{i}", f"Indbrud nummer {i} i Odense") for i in range(3)]
    fetcher.put(FEED, rss_doc("http://avis.example", items), "application/rss+xml")
    for slug, title in items:
        fetcher.put(f"http://avis.example/{slug}", page(title, "Tyve i nat. Husk at låse."))
    store.add_feed(NewFeed(FEED, "Avis"), now=T0)
    clock = Clock()
    poller = Poller(store, fetcher, FakeAnalyzer(), clock=clock, owner="w")
    assert poller.poll_due().new_articles == 3
    moved = rss_doc("https://www.avis.example", [*items, ("a3", "Cykeltyveri ved stationen")])
    fetcher.put(FEED, moved, "application/rss+xml")
    fetcher.put("https://www.avis.example/a3", page("Cykeltyveri", "Tyve stjal to cykler."))
    clock.advance(days=10)  # long after the title window: only the URL can tell
    report = poller.poll_due()
    assert report.new_articles == 1 and report.feeds[0].duplicates == 3
    assert store.count_articles() == 4
