"""Pure parts of the monitor: backoff policy and dedup keys."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from botrygt_nlp.monitor.schedule import PollPolicy, after_fetch, backoff_delay_s
from botrygt_nlp.news.dedup import (
    KnownKeys,
    entry_keys,
    looks_like_wire,
    normalise_title,
    normalise_url,
    select_new,
)
from botrygt_nlp.news.types import FetchResult, FetchStatus, ParsedEntry
from botrygt_nlp.storage import FeedEventKind, FeedStatus
from tests.storage.helpers import T0

POLICY = PollPolicy(
    interval_s=600, backoff_step_s=600, backoff_cap_s=3600, retry_after_cap_s=86400, max_soft_failures=5
)


def _result(status: FetchStatus, http: int | None = None, retry: float | None = None) -> FetchResult:
    return FetchResult(
        "u",
        "u",
        status,
        http,
        b"x" if status is FetchStatus.OK else None,
        None,
        '"e"',
        None,
        "h" if status is FetchStatus.OK else None,
        retry_after_s=retry,
    )


def test_success_resets_failures_and_saves_validators() -> None:
    u = after_fetch(_result(FetchStatus.OK, 200), failure_count=3, now=T0, policy=POLICY, new_articles=2)
    assert (u.status, u.failure_count, u.next_poll_at, u.etag, u.body_sha256, u.success) == (
        FeedStatus.ACTIVE,
        0,
        T0 + timedelta(seconds=600),
        '"e"',
        "h",
        True,
    )
    assert u.event is FeedEventKind.OK


def test_linear_backoff_with_cap_and_retry_after() -> None:
    assert [backoff_delay_s(n, POLICY) for n in range(1, 8)] == [600, 1200, 1800, 2400, 3000, 3600, 3600]
    assert backoff_delay_s(1, POLICY, retry_after_s=7200) == 7200
    assert backoff_delay_s(1, POLICY, retry_after_s=10) == 600
    assert backoff_delay_s(1, POLICY, retry_after_s=10**9) == 86400


@given(st.integers(min_value=1, max_value=10_000))
def test_backoff_is_monotone_and_capped(n: int) -> None:
    assert backoff_delay_s(n, POLICY) <= backoff_delay_s(n + 1, POLICY) <= POLICY.backoff_cap_s


def test_a_feed_deferred_for_its_hosts_sake_waits_without_a_failure() -> None:
    """Another feed on the host got a 429 with Retry-After; this one was never asked. It waits as long, but its
    failure count stays, so it is never paused for a sibling's throttling."""
    waiting = replace(_result(FetchStatus.SOFT_FAILURE, retry=7200), deferred=True, error="h asked us to wait")
    u = after_fetch(waiting, failure_count=9, now=T0, policy=POLICY)
    assert (u.status, u.failure_count, u.next_poll_at) == (FeedStatus.ACTIVE, 9, T0 + timedelta(seconds=7200))
    assert u.pause is None and u.last_error is None and u.keep_validators
    for _ in range(20):  # however often it happens
        u = after_fetch(waiting, failure_count=u.failure_count, now=T0, policy=POLICY)
    assert u.status is FeedStatus.ACTIVE and u.failure_count == 9


def test_graded_failures() -> None:
    soft = after_fetch(_result(FetchStatus.SOFT_FAILURE, 503), failure_count=0, now=T0, policy=POLICY)
    assert soft.status is FeedStatus.ACTIVE and soft.failure_count == 1 and soft.keep_validators
    dead = after_fetch(_result(FetchStatus.SOFT_FAILURE, 404), failure_count=4, now=T0, policy=POLICY)
    assert dead.status is FeedStatus.PAUSED and dead.pause_reason == "5 soft failures in a row; last: HTTP 404"
    hard = after_fetch(_result(FetchStatus.HARD_FAILURE, 403), failure_count=0, now=T0, policy=POLICY)
    assert hard.status is FeedStatus.PAUSED and hard.pause_reason == "hard failure: HTTP 403"
    blocked = after_fetch(_result(FetchStatus.BLOCKED), failure_count=0, now=T0, policy=POLICY)
    assert blocked.status is FeedStatus.PAUSED and blocked.event is FeedEventKind.BLOCKED


def test_normalise_url() -> None:
    assert (
        normalise_url("HTTPS://Www.TV2Fyn.dk:443/nyheder/indbrud/?utm_source=rss&id=7&fbclid=x#top")
        == "https://www.tv2fyn.dk/nyheder/indbrud?id=7"
    )
    assert normalise_url("http://a.example:8080/x/") == "http://a.example:8080/x"
    assert normalise_url("http://a.example/") == "http://a.example"


@given(
    st.from_regex(
        r"https?://[a-zA-Z]{1,8}\.dk(/[a-z0-9]{1,5}){0,3}/?(\?(utm_[a-z]{1,4}|q)=[a-z0-9]{0,4})?"
        r"(#[a-z]{0,4})?",
        fullmatch=True,
    )
)
def test_normalise_url_is_idempotent(url: str) -> None:
    once = normalise_url(url)
    assert normalise_url(once) == once
    assert "utm_" not in once and "#" not in once


def test_normalise_title_and_wire() -> None:
    assert normalise_title("  Indbrud i Bolbro!  «Tyvene» kom ind – igen ") == "indbrud i bolbro tyvene kom ind igen"
    assert looks_like_wire("/ritzau/") and looks_like_wire(None, "Tekst. /Ritzau/")
    assert not looks_like_wire("Ritzaus Bureau er ikke nævnt her"[:0], "Lokal historie")


def _e(guid: str | None, url: str | None, title: str = "t") -> ParsedEntry:
    return ParsedEntry(guid, url, title, "", T0)


def test_entry_keys_distrust_repeated_guids_and_skip_unaddressable() -> None:
    keys = entry_keys(
        [
            _e("g", "https://a/1", "A"),
            _e("g", "https://a/2", "B"),
            _e("u", None, "C"),
            _e(None, None, "D"),
            _e("x", "https://a/1#again", "E"),
        ]
    )
    assert [(k.guid, k.url_norm) for k in keys] == [
        (None, "https://a/1"),
        (None, "https://a/2"),
        ("u", "guid:u"),
    ]


def test_select_new_checks_guid_url_and_title() -> None:
    keys = entry_keys(
        [
            _e("g1", "https://a/1", "Et"),
            _e("g2", "https://a/2", "To"),
            _e("g3", "https://a/3", "Tre"),
            _e("g4", "https://a/4", "Fire"),
            _e("g5", "https://a/5", "fire!"),
        ]
    )
    known = KnownKeys(frozenset({"g1"}), frozenset({"https://a/2"}), frozenset({"tre"}))
    assert [k.guid for k in select_new(keys, known)] == ["g4"]


def test_url_variants() -> None:
    from botrygt_nlp.news.dedup import url_variants

    assert set(url_variants("http://avis.example/a?id=1")) == {
        "https://avis.example/a?id=1",
        "https://www.avis.example/a?id=1",
        "http://www.avis.example/a?id=1",
    }
    assert "http://avis.example/a" in url_variants("https://www.avis.example/a")
    assert url_variants("guid:12345") == ()
