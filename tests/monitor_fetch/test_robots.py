"""robots.txt: obeyed for article pages, cached per host, graded by status."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from botrygt_nlp.monitor.fetch import Fetcher
from botrygt_nlp.monitor.robots import RobotsCache, robots_url
from botrygt_nlp.news.types import FetchResult, FetchStatus
from tests.monitor_fetch.localserver import LocalServer, Reply

UA = "botrygt-nlp/0.1 (+https://botrygt.dk; test)"
PAGE = b"<html><body><article><p>Politiet efterlyser vidner til et indbrud.</p></article></body></html>"


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(
        user_agent=UA,
        allow_hosts="127.0.0.1",
        min_host_delay_s=0.0,
        timeout_s=5.0,
        resolver=lambda host, port: ["127.0.0.1"],
    ) as f:
        yield f


def test_disallowed_page_is_blocked_and_robots_is_cached(server: LocalServer, fetcher: Fetcher) -> None:
    server.add(
        "/robots.txt",
        Reply(200, b"User-agent: *\nDisallow: /privat/\n\nUser-agent: botrygt-nlp\nDisallow: /kun-mennesker/\n"),
    )
    server.add("/artikel/1", Reply(200, PAGE))
    server.add("/artikel/2", Reply(200, PAGE))
    assert fetcher.fetch_page(server.url("/artikel/1")).status is FetchStatus.OK
    assert fetcher.fetch_page(server.url("/artikel/2")).status is FetchStatus.OK
    blocked = fetcher.fetch_page(server.url("/kun-mennesker/x"))
    assert blocked.status is FetchStatus.BLOCKED and "robots.txt" in (blocked.error or "")
    assert server.paths().count("/robots.txt") == 1
    assert "/kun-mennesker/x" not in server.paths()


def test_feeds_do_not_consult_robots(server: LocalServer, fetcher: Fetcher) -> None:
    server.add("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /\n"))
    server.add("/feed.xml", Reply(200, b"<rss/>"))
    assert fetcher.fetch_feed(server.url("/feed.xml")).status is FetchStatus.OK
    assert fetcher.fetch_page(server.url("/feed.xml")).status is FetchStatus.BLOCKED


def test_missing_robots_allows(server: LocalServer, fetcher: Fetcher) -> None:
    server.add("/artikel/1", Reply(200, PAGE))  # /robots.txt is a 404
    assert fetcher.fetch_page(server.url("/artikel/1")).status is FetchStatus.OK


def test_robots_server_error_disallows(server: LocalServer, fetcher: Fetcher) -> None:
    server.add("/robots.txt", Reply(503, b"nede"))
    server.add("/artikel/1", Reply(200, PAGE))
    assert fetcher.fetch_page(server.url("/artikel/1")).status is FetchStatus.BLOCKED


def _result(status: FetchStatus, code: int | None, body: bytes | None = None) -> FetchResult:
    return FetchResult(
        url="u",
        final_url="u",
        status=status,
        http_status=code,
        body=body,
        content_type=None,
        etag=None,
        last_modified=None,
        body_sha256=None,
    )


def test_verdicts_by_status_and_expiry() -> None:
    now = [0.0]
    answers = {
        "https://a.example.dk/robots.txt": _result(FetchStatus.SOFT_FAILURE, None),  # unreachable
        "https://b.example.dk/robots.txt": _result(FetchStatus.HARD_FAILURE, 403),
        "https://c.example.dk/robots.txt": _result(FetchStatus.SOFT_FAILURE, 500),
    }
    calls: list[str] = []

    def fetch(url: str) -> FetchResult:
        calls.append(url)
        return answers[url]

    cache = RobotsCache(fetch, UA, server_error_ttl_s=60, clock=lambda: now[0])
    assert cache.allowed("https://a.example.dk/x")
    assert cache.allowed("https://b.example.dk/x")
    assert not cache.allowed("https://c.example.dk/x")
    answers["https://c.example.dk/robots.txt"] = _result(FetchStatus.OK, 200, b"User-agent: *\nAllow: /\n")
    assert not cache.allowed("https://c.example.dk/y")  # still inside the back-off window
    now[0] = 61.0
    assert cache.allowed("https://c.example.dk/y")
    assert calls.count("https://c.example.dk/robots.txt") == 2


def test_robots_url() -> None:
    assert robots_url("https://nyheder.example.dk:8443/a/b?c=1#d") == "https://nyheder.example.dk:8443/robots.txt"


def test_a_huge_robots_txt_is_read_up_to_its_cap(server: LocalServer, fetcher: Fetcher) -> None:
    rules = b"User-agent: *\nDisallow: /privat/\n" + b"# fyld, fyld og atter fyld\n" * 30_000  # ~800 KiB
    server.add("/robots.txt", Reply(200, rules))
    server.add("/artikel/1", Reply(200, PAGE))
    assert fetcher.fetch_page(server.url("/privat/1")).status is FetchStatus.BLOCKED  # not "too large: allow"
    assert fetcher.fetch_page(server.url("/artikel/1")).status is FetchStatus.OK


def test_a_binary_robots_txt_has_no_rules(server: LocalServer, fetcher: Fetcher) -> None:
    server.add("/robots.txt", Reply(200, bytes(range(256)) * 50 + b"\x00\xff\xfe" * 1000))
    server.add("/artikel/1", Reply(200, PAGE))
    assert fetcher.fetch_page(server.url("/artikel/1")).status is FetchStatus.OK
