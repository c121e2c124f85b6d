"""One polling pass: claim due feeds, fetch, parse, dedupe, fetch+extract pages, assess, store.

Every collaborator is injected (fetcher, analyzer, parse/extract functions, clock), so tests run with
fakes or a loopback server and the CLI wires the real ones. The article rows and the feed's new
ETag/hash are written in one transaction (Store.save_poll): a crash at any point loses nothing and
duplicates nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit

from botrygt_nlp.domain import Assessment, Assessor
from botrygt_nlp.errors import StorageError
from botrygt_nlp.monitor import schedule
from botrygt_nlp.monitor.report import EntryError, FeedPollResult, PollReport, stage_shares
from botrygt_nlp.monitor.schedule import PollPolicy
from botrygt_nlp.news import dedup
from botrygt_nlp.news.types import (
    ExtractedArticle,
    ExtractionMethod,
    FetchResult,
    FetchStatus,
    ParsedEntry,
    ParsedFeed,
)
from botrygt_nlp.reference import normalise_place_name, resolve_municipality
from botrygt_nlp.storage import (
    FeedEventKind,
    FeedRecord,
    FeedStateUpdate,
    FeedStatus,
    InsertOutcome,
    NewArticle,
    UnknownFeedError,
    worker_id,
)
from botrygt_nlp.storage.failures import storage_failure
from botrygt_nlp.storage.ports import FeedStore
from botrygt_nlp.visible import visible_text

# Feeds polled in parallel by default: enough for every host of a regional or national feed list to be
# polled at once (one request in flight per host, whatever the count), few enough to be idle threads.
DEFAULT_THREADS = 16


class FeedFetcher(Protocol):
    """What the poll loop needs from monitor.fetch.Fetcher (robots.txt is the fetcher's job)."""

    def fetch_feed(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        previous_sha256: str | None = None,
    ) -> FetchResult: ...

    def fetch_page(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        previous_sha256: str | None = None,
    ) -> FetchResult: ...


ParseFn = Callable[[bytes, str, str | None], ParsedFeed]
ExtractFn = Callable[[bytes, str, ParsedEntry | None], ExtractedArticle]
SummaryFn = Callable[[ParsedEntry], ExtractedArticle]


def _default_parse() -> ParseFn:
    from botrygt_nlp.monitor.parse import parse_feed

    return parse_feed


def _default_extract() -> tuple[ExtractFn, SummaryFn]:
    from botrygt_nlp.monitor.extract import article_from_feed_summary, extract_article

    return extract_article, article_from_feed_summary


class Poller:
    def __init__(
        self,
        store: FeedStore,
        fetcher: FeedFetcher,
        analyzer: Assessor,
        *,
        policy: PollPolicy | None = None,
        parse: ParseFn | None = None,
        extract: ExtractFn | None = None,
        from_summary: SummaryFn | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        owner: str | None = None,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.analyzer = analyzer
        self.policy = policy or PollPolicy()
        self._parse = parse
        self._extract = extract
        self._from_summary = from_summary
        self.clock = clock
        self.owner = owner or worker_id()
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ passes
    def poll_due(self, *, stop: threading.Event | None = None, threads: int = 1) -> PollReport:
        """Poll every feed that is due now, once each; returns when none is left (or ``stop`` is set)."""
        stop = stop or threading.Event()
        report = PollReport()
        self.store.release_dead_local_leases()
        done: set[int] = set()  # never poll a feed twice in one pass, even with a zero interval
        halt = threading.Event()  # the storage failed: no worker claims another feed in this pass
        # With threads, a feed whose host is being polled is left for the thread on that host: threads go to
        # other hosts instead of queueing on one host's slot (where their leases would run out waiting).
        hosts = {f.id: _host(f.url) for f in self.store.list_feeds(status=FeedStatus.ACTIVE)} if threads > 1 else {}
        busy: dict[str, int] = {}

        def worker() -> None:
            try:
                while not (stop.is_set() or halt.is_set()):
                    with self._lock:
                        skip = done | {fid for fid, host in hosts.items() if host in busy}
                        feed = self.store.claim_due_feed(
                            self.owner, now=self.clock(), lease_s=self.policy.lease_s, exclude=sorted(skip)
                        )
                        if feed is None:
                            return
                        done.add(feed.id)
                        host = hosts.get(feed.id) or _host(feed.url)
                        busy[host] = busy.get(host, 0) + 1
                    try:
                        result = self.poll_feed(feed, report=report, stop=stop)
                    finally:
                        with self._lock:
                            busy[host] -= 1
                            if not busy[host]:
                                del busy[host]
                    with self._lock:
                        report.feeds.append(result)
            except Exception as exc:
                failure = storage_failure(exc)
                if failure is None:
                    raise
                # Every further feed would fail the same way and be blamed for it: stop the pass here.
                with self._lock:
                    report.storage_error = report.storage_error or failure
                halt.set()

        if threads <= 1:
            worker()
        else:
            pool = [threading.Thread(target=worker, name=f"poll-{i}") for i in range(threads)]
            for t in pool:
                t.start()
            for t in pool:
                t.join()
        return report

    def run_forever(
        self,
        *,
        interval_s: float,
        stop: threading.Event,
        on_pass: Callable[[PollReport], None] | None = None,
        on_error: Callable[[StorageError], None] | None = None,
        threads: int = 1,
    ) -> None:
        """Poll due feeds, sleep ``interval_s`` (wakes at once on stop), repeat until stopped.

        A database outage or a full disk (StorageError, retryable) ends the pass instead of the worker.
        """
        while not stop.is_set():
            try:
                report = self.poll_due(stop=stop, threads=threads)
            except StorageError as exc:
                if on_error is not None:
                    on_error(exc)
            else:
                if on_pass is not None:
                    on_pass(report)
                if report.storage_error is not None and on_error is not None:
                    on_error(report.storage_error)
            stop.wait(interval_s)

    # ------------------------------------------------------------------ one feed
    def poll_feed(
        self, feed: FeedRecord, *, report: PollReport | None = None, stop: threading.Event | None = None
    ) -> FeedPollResult:
        """Poll one (already claimed) feed. Problems end up in the result and feed health, except one that
        is not the feed's: the storage failing (a full disk, the database gone) raises a StorageError and
        leaves the feed as it was (no failure counted, no pause; its lease runs out or is released when
        this process is gone)."""
        report = report or PollReport()
        result = FeedPollResult(feed.id, feed.outlet, None)
        try:
            return self._poll_feed(feed, report, stop or threading.Event(), result)
        except Exception as exc:  # a bug must not kill `monitor run`; it shows on the feed
            failure = storage_failure(exc)
            if failure is exc:
                raise
            if failure is not None:
                raise failure from exc
            if not self._still_there(feed.id):
                # Removed (`feeds remove`, the Kilder page) while this pass ran: its next articles had no feed to
                # belong to. What was stored before stays, and the result counts it.
                result.error = f"the feed was removed during the poll; {result.new_articles} articles stored before"
                result.backlog = result.deferred = 0  # there is no next pass for it
                return result
            # The first line only: a database error's text goes on with the SQL and the row's values.
            detail = str(exc).splitlines()[0] if str(exc) else ""
            result.error = f"internal error: {type(exc).__name__}: {detail}"[:300]
            try:
                update = schedule.after_parse_error(
                    result.error, failure_count=feed.failure_count, now=self.clock(), policy=self.policy
                )
                self.store.save_poll(feed.id, self.owner, update)
                result.paused = update.status is FeedStatus.PAUSED
            except Exception as mark_exc:  # database gone: the lease simply expires, and the pass says so
                failure = storage_failure(mark_exc)
                if failure is not None:
                    raise failure from mark_exc
            return result

    def _still_there(self, feed_id: int) -> bool:
        try:
            self.store.get_feed(feed_id)
        except UnknownFeedError:
            return False
        except Exception:  # the store itself failing is not a removal; the caller reports the original error
            return True
        return True

    def _young(self, published: datetime | None, now: datetime) -> bool:
        return published is not None and now - published < timedelta(hours=self.policy.page_retry_hours)

    @contextmanager
    def _timed(self, report: PollReport, stage: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            dt = time.perf_counter() - t0
            with self._lock:
                report.stage_s[stage] = report.stage_s.get(stage, 0.0) + dt

    def _poll_feed(
        self, feed: FeedRecord, report: PollReport, stop: threading.Event, result: FeedPollResult
    ) -> FeedPollResult:
        with self._timed(report, "fetch_feed"):
            fetched = self.fetcher.fetch_feed(
                feed.url, etag=feed.etag, last_modified=feed.last_modified, previous_sha256=feed.body_sha256
            )
        result.status = fetched.status
        now = self.clock()
        if fetched.status is not FetchStatus.OK or fetched.body is None:
            if fetched.status is FetchStatus.OK:  # 200 without a body: treat like a parse failure
                update = schedule.after_parse_error(
                    "empty body", failure_count=feed.failure_count, now=now, policy=self.policy
                )
            else:
                update = schedule.after_fetch(fetched, failure_count=feed.failure_count, now=now, policy=self.policy)
            with self._timed(report, "store"):
                self.store.save_poll(feed.id, self.owner, update)
            result.error = update.last_error
            result.paused = update.status is FeedStatus.PAUSED
            result.waiting = fetched.error if fetched.deferred else None
            return result

        parse = self._parse or _default_parse()
        with self._timed(report, "parse"):
            parsed = parse(fetched.body, fetched.final_url or feed.url, fetched.content_type)
        if not parsed.entries and (parsed.bozo or not parsed.version):  # an HTML error page is no feed
            update = schedule.after_parse_error(
                parsed.bozo_reason or "not a feed",
                failure_count=feed.failure_count,
                now=now,
                policy=self.policy,
            )
            with self._timed(report, "store"):
                self.store.save_poll(feed.id, self.owner, update)
            result.error = update.last_error
            result.paused = update.status is FeedStatus.PAUSED
            return result

        with self._timed(report, "dedup"):
            keys = dedup.entry_keys(parsed.entries)
            known = self.store.known_keys(
                feed.id,
                feed.outlet,
                guids=[k.guid for k in keys if k.guid],
                url_norms=[k.url_norm for k in keys],
                title_norms=[k.title_norm for k in keys],
                title_since=now - timedelta(days=self.policy.title_window_days),
            )
            fresh = dedup.select_new(keys, known)
        result.duplicates = len(keys) - len(fresh)

        todo = fresh[: max(1, self.policy.max_new_per_poll)]
        result.backlog = len(fresh) - len(todo)
        chunk = _Chunk(self, feed, result, report)
        for i, key in enumerate(todo):
            if stop.is_set() or not chunk.lease_ok:  # finish cleanly: keep what is done, the rest next pass
                result.interrupted = True
                why = "interrupted" if stop.is_set() else "lease lost to another worker"
                update = FeedStateUpdate(
                    status=FeedStatus.ACTIVE,
                    next_poll_at=now,
                    polled_at=now,
                    failure_count=feed.failure_count,
                    event=FeedEventKind.OK,
                    message=f"{why} after {i} of {len(fresh)} new entries",
                    keep_validators=True,
                )
                chunk.finish(update)
                return result
            try:
                item = self._article(feed, key, report, now)
            except Exception as exc:  # one bad article is an entry in the report, not the end of the feed
                if storage_failure(exc) is not None:
                    raise  # a full disk is not this article's fault either
                result.entry_errors.append(EntryError(feed.id, key.url, f"{type(exc).__name__}: {exc}"[:500]))
                continue
            if item is None:
                result.deferred += 1
                continue
            result.from_summary += item[0].from_feed_summary
            chunk.add(item)

        update = schedule.after_fetch(
            fetched,
            failure_count=feed.failure_count,
            now=now,
            policy=self.policy,
            new_articles=chunk.total,
            title=parsed.title or None,
        )
        if result.backlog or result.deferred:
            # Some entries are still to do: the validators stay as they were, so the next poll reads this
            # document again instead of calling it unchanged. A backlog is due again at once.
            left = f"{result.backlog} left for the next pass" if result.backlog else ""
            retry = f"{result.deferred} pages to retry" if result.deferred else ""
            update = replace(
                update,
                keep_validators=True,
                next_poll_at=now if result.backlog else update.next_poll_at,
                message=f"{update.message}; " + ", ".join(x for x in (left, retry) if x),
            )
        chunk.finish(update)
        for err in result.entry_errors:
            self.store.log_feed_event(feed.id, FeedEventKind.ENTRY_ERROR, f"{err.url}: {err.error}", now=now)
        return result

    def _article(
        self, feed: FeedRecord, key: dedup.EntryKeys, report: PollReport, now: datetime
    ) -> tuple[NewArticle, Assessment] | None:
        """The entry as an article with its assessment, or None to try its page again next poll."""
        entry = key.entry
        extract, from_summary = (self._extract, self._from_summary)
        if extract is None or from_summary is None:
            d_extract, d_summary = _default_extract()
            extract, from_summary = extract or d_extract, from_summary or d_summary
        article: ExtractedArticle | None = None
        url = key.url if _is_web_address(key.url) else ""
        url_norm = key.url_norm
        if entry.url and _is_web_address(entry.url):
            with self._timed(report, "fetch_page"):
                page = self.fetcher.fetch_page(entry.url)
            if page.status is FetchStatus.OK and page.body:
                with self._timed(report, "extract"):
                    article = extract(page.body, page.final_url or entry.url, entry)
                if not article.text.strip() or _thinner_than_feed(article, entry):
                    article = None
                elif _redirected_within_site(entry.url, page.final_url) and not article.paywalled:
                    # A link that redirects on its own site ("/r/123" → the article) is the article at its final
                    # address: stored under it, several links to one page make one article (one per address).
                    # Not across sites, nor for a wall: a consent or login page would make every article one.
                    url, url_norm = page.final_url, dedup.normalise_url(page.final_url)
            elif page.status is FetchStatus.SOFT_FAILURE and self._young(entry.published, now):
                return None  # the site is busy or down for now: the page, not the summary, next time
        if article is None:  # page blocked, gone or empty: the feed's own summary, flagged as such
            article = from_summary(entry)
        # Stored and scored as a reader sees them: soft hyphens and zero-width characters from a CMS would
        # otherwise stay in the archive and in every export.
        title = visible_text(entry.title or article.title or "").text
        text = visible_text(article.text.strip() or entry.summary.strip() or title).text
        with self._timed(report, "assess"):
            assessment = self.analyzer.assess(text, title=title or None)
        municipality = _municipality_for(feed, f"{title}\n{text}")
        district = resolve_municipality(municipality).district if municipality else feed.district
        new = NewArticle(
            outlet=feed.outlet,
            # An entry without a usable web address is keyed by its GUID ("guid:…" in url_norm), but that GUID
            # is no address: the article has none to show or export.
            url=url,
            url_norm=url_norm,
            title=title,
            title_norm=key.title_norm,
            text=text,
            published=_plausible(entry.published, now) or _plausible(article.published, now),
            fetched_at=now,
            extraction_method=article.method,
            feed_id=feed.id,
            guid=key.guid,
            from_feed_summary=article.method is ExtractionMethod.FEED_SUMMARY,
            paywalled=article.paywalled,
            wire=dedup.looks_like_wire(entry.author, title, text),
            municipality=municipality,
            district=district,
        )
        return new, assessment


class _Chunk:
    """The articles of one feed's pass, committed every ``commit_every`` (renewing the lease) and at the end
    together with the feed's new state."""

    def __init__(self, poller: Poller, feed: FeedRecord, result: FeedPollResult, report: PollReport) -> None:
        self._poller, self._feed, self._result, self._report = poller, feed, result, report
        self._items: list[tuple[NewArticle, Assessment]] = []
        self.total = 0  # articles prepared in this pass
        self.lease_ok = True

    def add(self, item: tuple[NewArticle, Assessment]) -> None:
        self._items.append(item)
        self.total += 1
        if len(self._items) >= max(1, self._poller.policy.commit_every):
            p = self._poller
            until = p.clock() + timedelta(seconds=p.policy.lease_s)
            with p._timed(self._report, "store"):
                outcome, self.lease_ok = p.store.save_articles(
                    self._feed.id, p.owner, self._items, lease_until=until, title_window_days=p.policy.title_window_days
                )
            self._count(outcome)
            self._items = []

    def finish(self, update: FeedStateUpdate) -> None:
        p = self._poller
        with p._timed(self._report, "store"):
            outcome = p.store.save_poll(
                self._feed.id, p.owner, update, self._items, title_window_days=p.policy.title_window_days
            )
        self._count(outcome)
        self._items = []

    def _count(self, outcome: InsertOutcome) -> None:
        self._result.new_articles += outcome.inserted
        self._result.duplicates += outcome.duplicates


def _thinner_than_feed(article: ExtractedArticle, entry: ParsedEntry) -> bool:
    """A page that gave only its headline, or a paywall teaser, where the feed's own text says more: the feed's
    text is the better record of the article (stored flagged as from the feed summary)."""
    body = article.text.strip()
    summary = (entry.summary or "").strip()
    if not summary or len(summary) <= len(body):
        return False
    headline_only = dedup.normalise_title(body) in {
        dedup.normalise_title(entry.title or ""),
        dedup.normalise_title(article.title or ""),
    }
    return headline_only or article.paywalled


def _is_web_address(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def _redirected_within_site(asked: str, final: str | None) -> bool:
    if not final or dedup.normalise_url(final) == dedup.normalise_url(asked):
        return False
    return _host(final).removeprefix("www.") == _host(asked).removeprefix("www.")


def _host(url: str) -> str:
    return (urlsplit(url).hostname or url).lower()


def _plausible(published: datetime | None, now: datetime) -> datetime | None:
    """A publication time more than a day in the future is a CMS bug (or a year typo), not a date: it
    would put the article into a trend period that has not happened yet."""
    return published if published is not None and published <= now + timedelta(days=1) else None


def _municipality_for(feed: FeedRecord, text: str) -> str | None:
    """A single-municipality feed gives its municipality; a regional one the first of its municipalities
    the article names (None when it names none: better unknown than wrong)."""
    if len(feed.municipalities) == 1:
        return feed.municipalities[0]
    if not feed.municipalities:
        return None
    folded = f" {normalise_place_name(text)} "
    hits = [(folded.find(f" {normalise_place_name(m)}"), m) for m in feed.municipalities]
    found = sorted((pos, m) for pos, m in hits if pos >= 0)
    return found[0][1] if found else None


__all__ = ["Assessor", "EntryError", "FeedFetcher", "FeedPollResult", "PollReport", "Poller", "stage_shares"]
