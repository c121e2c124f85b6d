"""The poll loop against fakes for the network and the analyzer, with the real parser and extractor."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from botrygt_nlp.monitor.poll import Poller
from botrygt_nlp.monitor.schedule import PollPolicy
from botrygt_nlp.news.types import ExtractionMethod, FetchStatus
from botrygt_nlp.storage import ArticleFilter, FeedEventKind, FeedStatus, NewFeed, Store
from tests.monitor_poll.fakes import FakeAnalyzer, FakeFetcher, page, rss_doc
from tests.storage.helpers import T0

BASE = "https://avis.example"
FEED = f"{BASE}/rss"


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def _site(fetcher: FakeFetcher, n: int, start: int = 0) -> None:
    items = [(f"a{i}", f"Indbrud nummer {i} i Odense") for i in range(start, start + n)]
    fetcher.put(FEED, rss_doc(BASE, items), "application/rss+xml")
    for slug, title in items:
        fetcher.put(f"{BASE}/{slug}", page(title, f"{title}. Husk at låse døren, når du går hjemmefra."))


def _poller(
    store: Store, fetcher: FakeFetcher, clock: Clock, analyzer: FakeAnalyzer | None = None, **policy: float
) -> Poller:
    return Poller(
        store,
        fetcher,
        analyzer or FakeAnalyzer(),
        clock=clock,
        policy=PollPolicy(**policy),  # type: ignore[arg-type]
        owner="test-worker",
    )


def test_first_poll_stores_new_articles_second_costs_nothing(store: Store) -> None:
    clock = Clock()
    fetcher = FakeFetcher()
    _site(fetcher, 5)
    store.add_feed(NewFeed(FEED, "Avis", ("Odense",)), now=T0)
    poller = _poller(store, fetcher, clock)
    report = poller.poll_due()
    assert report.new_articles == 5 and report.failed == 0
    rows, _ = store.list_articles()
    assert {r.municipality for r in rows} == {"Odense"} and {r.district for r in rows} == {"Fyns Politi"}
    assert all(r.extraction_method == ExtractionMethod.TRAFILATURA.value for r in rows)
    assert all(r.assessment is not None and r.assessment.model_version == "fake-1" for r in rows)
    assert all(r.assessment and r.assessment.constructive for r in rows)
    # Not due yet: nothing happens.
    assert poller.poll_due().feeds == []
    # Due again, same document: NOT_MODIFIED, no page fetched again.
    clock.advance(hours=1)
    before = sum(fetcher.calls.values())
    report2 = poller.poll_due()
    assert report2.feeds[0].status is FetchStatus.NOT_MODIFIED
    assert sum(fetcher.calls.values()) == before + 1
    # One new item in a changed document: only its page is fetched.
    _site(fetcher, 6)
    clock.advance(hours=1)
    report3 = poller.poll_due()
    assert report3.new_articles == 1 and report3.feeds[0].duplicates == 5
    assert fetcher.calls[f"{BASE}/a5"] == 1 and fetcher.calls[f"{BASE}/a0"] == 1
    assert store.count_articles() == 6


def test_page_failure_falls_back_to_flagged_summary(store: Store) -> None:
    fetcher = FakeFetcher()
    _site(fetcher, 2)
    fetcher.fail(f"{BASE}/a1", FetchStatus.BLOCKED, None)
    store.add_feed(NewFeed(FEED, "Avis"), now=T0)
    report = _poller(store, fetcher, Clock()).poll_due()
    assert report.new_articles == 2 and report.feeds[0].from_summary == 1
    rows = {r.url: r for r in store.list_articles()[0]}
    assert rows[f"{BASE}/a1"].from_feed_summary
    assert rows[f"{BASE}/a1"].extraction_method == ExtractionMethod.FEED_SUMMARY.value
    assert "Resumé" in rows[f"{BASE}/a1"].text
    assert not rows[f"{BASE}/a0"].from_feed_summary


def test_soft_failures_back_off_then_pause_with_reason(store: Store) -> None:
    clock = Clock()
    fetcher = FakeFetcher()
    fetcher.fail(FEED, FetchStatus.SOFT_FAILURE, 503)
    feed = store.add_feed(NewFeed(FEED, "Avis"), now=T0)
    poller = _poller(store, fetcher, clock, interval_s=100, backoff_step_s=100, backoff_cap_s=250, max_soft_failures=4)
    delays = []
    for _ in range(4):
        poller.poll_due()
        f = store.get_feed(feed.id)
        delays.append((f.next_poll_at - clock.now).total_seconds())
        clock.now = f.next_poll_at
    f = store.get_feed(feed.id)
    assert delays[:3] == [100, 200, 250]
    assert f.status is FeedStatus.PAUSED and f.failure_count == 4
    assert f.pause_reason is not None and "4 soft failures" in f.pause_reason and "503" in f.pause_reason
    assert FeedEventKind.PAUSED in [e.kind for e in store.feed_events(feed.id)]
    clock.advance(days=30)
    assert poller.poll_due().feeds == []  # paused feeds are not polled, but stay listed
    assert [x.id for x in store.list_feeds()] == [feed.id]


def test_retry_after_is_honoured(store: Store) -> None:
    clock = Clock()
    fetcher = FakeFetcher()
    fetcher.fail(FEED, FetchStatus.SOFT_FAILURE, 429, retry_after_s=7200)
    feed = store.add_feed(NewFeed(FEED, "Avis"), now=T0)
    _poller(store, fetcher, clock, interval_s=60).poll_due()
    assert store.get_feed(feed.id).next_poll_at == T0 + timedelta(seconds=7200)


def test_hard_failure_pauses_at_once(store: Store) -> None:
    fetcher = FakeFetcher()
    fetcher.fail(FEED, FetchStatus.HARD_FAILURE, 410)
    feed = store.add_feed(NewFeed(FEED, "Avis"), now=T0)
    report = _poller(store, fetcher, Clock()).poll_due()
    assert report.paused == 1
    f = store.get_feed(feed.id)
    assert f.status is FeedStatus.PAUSED and f.pause_reason == "hard failure: HTTP 410"


def test_not_a_feed_is_a_soft_failure(store: Store) -> None:
    fetcher = FakeFetcher()
    fetcher.put(FEED, "<html><body>Fejl 500 – prøv igen</body></html>")
    feed = store.add_feed(NewFeed(FEED, "Avis"), now=T0)
    report = _poller(store, fetcher, Clock()).poll_due()
    assert report.failed == 1
    f = store.get_feed(feed.id)
    assert f.status is FeedStatus.ACTIVE and f.failure_count == 1 and f.body_sha256 is None


def test_one_bad_article_is_reported_and_the_rest_stored(store: Store) -> None:
    fetcher = FakeFetcher()
    _site(fetcher, 3)
    fetcher.put(f"{BASE}/a1", page("x", "GIFTIG tekst"))
    feed = store.add_feed(NewFeed(FEED, "Avis"), now=T0)
    report = _poller(store, fetcher, Clock(), analyzer=FakeAnalyzer(fail_on="GIFTIG")).poll_due()
    assert report.new_articles == 2
    assert [(e.url, e.error.split(":")[0]) for e in report.entry_errors] == [(f"{BASE}/a1", "EmptyTextError")]
    assert FeedEventKind.ENTRY_ERROR in [e.kind for e in store.feed_events(feed.id)]


def test_repeated_guid_is_not_trusted(store: Store) -> None:
    fetcher = FakeFetcher()
    items = [(f"a{i}", f"Indbrud nummer {i}") for i in range(3)]
    fetcher.put(FEED, rss_doc(BASE, items, guid="same-guid-for-all"), "application/rss+xml")
    for slug, title in items:
        fetcher.put(f"{BASE}/{slug}", page(title, "Indbrud. Husk at låse."))
    store.add_feed(NewFeed(FEED, "Avis"), now=T0)
    assert _poller(store, fetcher, Clock()).poll_due().new_articles == 3
    assert {r.guid for r in store.list_articles()[0]} == {None}


def test_stop_finishes_cleanly_and_the_rest_comes_next_pass(store: Store) -> None:
    fetcher = FakeFetcher()
    _site(fetcher, 4)
    feed = store.add_feed(NewFeed(FEED, "Avis"), now=T0)
    stop = threading.Event()
    analyzer = FakeAnalyzer()
    original = analyzer.assess

    def assess_then_stop(text: str, *, title: str | None = None):  # type: ignore[no-untyped-def]
        if analyzer.calls == 1:
            stop.set()  # SIGTERM arrives while the second article is being processed
        return original(text, title=title)

    analyzer.assess = assess_then_stop  # type: ignore[method-assign]
    poller = _poller(store, fetcher, Clock(), analyzer=analyzer)
    report = poller.poll_due(stop=stop)
    assert report.feeds[0].interrupted and report.new_articles == 2
    f = store.get_feed(feed.id)
    assert f.body_sha256 is None and f.next_poll_at == T0  # validators not saved: the rest is still due
    report2 = poller.poll_due()
    assert report2.new_articles == 2 and store.count_articles() == 4


def test_regional_feed_assigns_the_municipality_named(store: Store) -> None:
    fetcher = FakeFetcher()
    fetcher.put(
        FEED,
        rss_doc(BASE, [("a", "Indbrud i Glostrup"), ("b", "Indbrud i Ballerup"), ("c", "Indbrud")]),
        "application/rss+xml",
    )
    for slug in "abc":
        fetcher.put(f"{BASE}/{slug}", page("t", "Tyve var på spil i nat."))
    store.add_feed(NewFeed(FEED, "Vestegnen", ("Albertslund", "Glostrup", "Ballerup")), now=T0)
    _poller(store, fetcher, Clock()).poll_due()
    by_url = {r.url.rsplit("/", 1)[1]: (r.municipality, r.district) for r in store.list_articles()[0]}
    assert by_url == {
        "a": ("Glostrup", "Københavns Vestegns Politi"),
        "b": ("Ballerup", "Københavns Vestegns Politi"),
        "c": (None, "Københavns Vestegns Politi"),
    }


def test_several_workers_never_poll_one_feed_at_once(store_factory: Callable[[], Store]) -> None:
    setup = store_factory()
    fetcher = FakeFetcher(hold_s=0.002)
    for n in range(8):
        base = f"https://o{n}.example"
        items = [(f"a{i}", f"Indbrud {n}-{i}") for i in range(3)]
        fetcher.put(f"{base}/rss", rss_doc(base, items), "application/rss+xml")
        for slug, title in items:
            fetcher.put(f"{base}/{slug}", page(title, "Indbrud. Husk lys ved døren."))
        setup.add_feed(NewFeed(f"{base}/rss", f"O{n}"), now=T0)
    clock = Clock(T0 + timedelta(minutes=1))
    pollers = [Poller(store_factory(), fetcher, FakeAnalyzer(), clock=clock, owner=f"w{i}") for i in range(3)]
    threads = [threading.Thread(target=p.poll_due) for p in pollers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert fetcher.overlaps == []
    assert all(fetcher.calls[f"https://o{n}.example/rss"] == 1 for n in range(8))
    assert setup.count_articles() == 24
    assert len(store_factory().list_articles(ArticleFilter(), limit=100)[0]) == 24


def test_run_forever_survives_a_database_outage(store: Store) -> None:
    from botrygt_nlp.errors import StorageError

    stop = threading.Event()
    seen: list[str] = []
    poller = _poller(store, FakeFetcher(), Clock())
    calls = {"n": 0}
    original = poller.poll_due

    def flaky(**kw: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise StorageError("connection refused")
        stop.set()
        return original()

    poller.poll_due = flaky  # type: ignore[assignment,method-assign]
    poller.run_forever(
        interval_s=0,
        stop=stop,
        on_pass=lambda r: seen.append("pass"),
        on_error=lambda e: seen.append(e.message),
    )
    assert seen == ["connection refused", "pass"]


def test_a_feed_removed_during_its_poll_says_so_and_counts_what_was_stored(store: Store) -> None:
    """`feeds remove` (or the Kilder page) while a pass runs: the articles stored before stay and are counted,
    and the message is plain, without the database's SQL and row values."""
    clock = Clock()
    fetcher = FakeFetcher()
    _site(fetcher, 12)
    feed_id = store.add_feed(NewFeed(FEED, "Avis", ("Odense",)), now=T0).id
    inner = fetcher.fetch_page
    seen = [0]

    def removing_page(url: str) -> object:
        seen[0] += 1
        if seen[0] == 8:  # after the first commit of five, the feed goes
            store.remove_feed(feed_id)
        return inner(url)

    fetcher.fetch_page = removing_page  # type: ignore[method-assign]
    report = _poller(store, fetcher, clock, commit_every=5).poll_due()
    (result,) = report.feeds
    stored = store.count_articles()
    assert stored == 5 and result.new_articles == stored
    assert result.error is not None and "removed during the poll" in result.error
    assert "SQL" not in result.error and "INSERT" not in result.error


def test_an_item_without_a_web_address_is_stored_without_one_and_soft_hyphens_do_not_split_titles(
    store: Store,
) -> None:
    """A GUID keys an item whose link is missing or unsafe, but it is no address; and a CMS's soft hyphens and
    zero-width spaces neither stay in the archive nor make the same title a new one."""
    clock = Clock()
    fetcher = FakeFetcher()
    doc = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Avis</title>'
        f"<link>{BASE}/</link><description>d</description>"
        "<item><title>Indbrud i villa i Kol\u00adding</title><link>javascript:alert(1)</link><guid>js0</guid>"
        "<description>Natten til tirsdag var der ind\u00adbrud i en villa.\u200b Husk at låse.</description></item>"
        f"<item><title>Indbrud i villa i Kolding</title><link>{BASE}/b</link><guid>g-b</guid>"
        "<description>Samme sag.</description></item>"
        "</channel></rss>"
    )
    fetcher.put(FEED, doc, "application/rss+xml")
    fetcher.put(f"{BASE}/b", page("Indbrud i villa i Kolding", "Samme sag."))
    store.add_feed(NewFeed(FEED, "Avis", ("Kolding",)), now=T0)
    report = _poller(store, fetcher, clock).poll_due()
    assert report.new_articles == 1  # the second item has the same title: known
    (row,), _ = store.list_articles()
    assert row.url == ""
    assert row.title == "Indbrud i villa i Kolding" and "\u00ad" not in row.text and "\u200b" not in row.text


def test_a_page_with_only_its_headline_gives_way_to_the_feeds_own_text(store: Store) -> None:
    clock = Clock()
    fetcher = FakeFetcher()
    summary = "Brandvæsenet rykkede ud til en kolonihave, hvor et skur brændte. Ingen kom til skade."
    doc = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Avis</title>'
        f"<link>{BASE}/</link><description>d</description>"
        f"<item><title>Brand i kolonihave i nat</title><link>{BASE}/k</link><guid>g-k</guid>"
        f"<description>{summary}</description></item></channel></rss>"
    )
    fetcher.put(FEED, doc, "application/rss+xml")
    fetcher.put(f"{BASE}/k", "<html><body><h1>Brand i kolonihave i nat</h1></body></html>")
    store.add_feed(NewFeed(FEED, "Avis", ("Odense",)), now=T0)
    assert _poller(store, fetcher, clock).poll_due().new_articles == 1
    (row,), _ = store.list_articles()
    assert summary in row.text and row.from_feed_summary


def test_links_that_redirect_to_one_page_make_one_article_under_its_own_address(store: Store) -> None:
    clock = Clock()
    fetcher = FakeFetcher()
    items = [("r/1", "Ny nærbetjent i Odense"), ("r/2", "Nærbetjent tiltræder"), ("r/3", "Artiklen er flyttet")]
    fetcher.put(FEED, rss_doc(BASE, items), "application/rss+xml")
    fetcher.put(f"{BASE}/nyheder/naerbetjent", page("Ny nærbetjent", "Indbrud i Odense. Husk at låse døren."))
    inner = fetcher.fetch_page

    def redirecting(url: str) -> object:  # every /r/… link ends on the one article page
        result = inner(f"{BASE}/nyheder/naerbetjent" if "/r/" in url else url)
        return replace(result, url=url)

    fetcher.fetch_page = redirecting  # type: ignore[method-assign]
    store.add_feed(NewFeed(FEED, "Avis", ("Odense",)), now=T0)
    report = _poller(store, fetcher, clock).poll_due()
    assert report.new_articles == 1 and report.feeds[0].duplicates == 2
    (row,), _ = store.list_articles()
    assert row.url == f"{BASE}/nyheder/naerbetjent"
