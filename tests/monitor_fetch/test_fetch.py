"""Fetcher against a real HTTP server on 127.0.0.1: statuses, caps, encodings, redirects, SSRF, timeouts."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import socket
import threading
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import brotli
import httpx
import pytest

from botrygt_nlp.config import Settings
from botrygt_nlp.monitor.fetch import Fetcher, HostThrottle, parse_retry_after
from botrygt_nlp.news.types import FetchResult, FetchStatus
from tests.monitor_fetch.localserver import DATA, LocalServer, Reply, Seen, drip

UA = "botrygt-nlp/0.1 (+https://botrygt.dk; test)"
FEED = (DATA / "rss_politi.xml").read_bytes()
FAKE_PUBLIC = "nyheder.example.dk"


def offline_resolver(host: str, port: int) -> list[str]:
    """Resolve without DNS traffic: only localhost and numeric forms such as "2130706433"."""
    if host == "localhost":
        return ["127.0.0.1"]
    try:
        return [socket.inet_ntoa(socket.inet_aton(host))]
    except OSError as exc:
        raise OSError(f"offline test resolver: {host} is not resolvable") from exc


def fake_resolver(host: str, port: int) -> list[str]:
    """Make a public-looking name point at the local test server."""
    return ["127.0.0.1"] if host == FAKE_PUBLIC else offline_resolver(host, port)


@pytest.fixture
def make_fetcher() -> Iterator[Callable[..., Fetcher]]:
    made: list[Fetcher] = []

    def make(**overrides: object) -> Fetcher:
        kwargs: dict[str, object] = {
            "user_agent": UA,
            "allow_hosts": "127.0.0.1",
            "timeout_s": 5.0,
            "min_host_delay_s": 0.0,
            "max_bytes": 1024 * 1024,
            "resolver": offline_resolver,
        }
        kwargs.update(overrides)
        fetcher = Fetcher(**kwargs)  # type: ignore[arg-type]
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        fetcher.close()


def test_ok_feed_with_headers_and_hash(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    headers = {
        "Content-Type": "application/rss+xml; charset=utf-8",
        "ETag": '"v1"',
        "Last-Modified": "Tue, 12 Mar 2024 14:05:00 GMT",
    }
    server.add("/feed.xml", Reply(200, FEED, headers))
    result = make_fetcher().fetch_feed(server.url("/feed.xml"))
    assert result.status is FetchStatus.OK
    assert result.http_status == 200
    assert result.body == FEED
    assert result.body_sha256 == hashlib.sha256(FEED).hexdigest()
    assert result.etag == '"v1"' and result.last_modified == "Tue, 12 Mar 2024 14:05:00 GMT"
    assert result.content_type is not None and result.content_type.startswith("application/rss+xml")
    assert server.seen[0].headers["user-agent"] == UA
    assert "gzip" in server.seen[0].headers["accept-encoding"]


def test_conditional_get_304(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    def route(seen: Seen) -> Reply:
        if seen.headers.get("if-none-match") == '"v1"':
            return Reply(304, b"", {"ETag": '"v1"'})
        return Reply(200, FEED, {"ETag": '"v1"'})

    server.add("/feed.xml", route)
    fetcher = make_fetcher()
    first = fetcher.fetch_feed(server.url("/feed.xml"))
    second = fetcher.fetch_feed(
        server.url("/feed.xml"),
        etag=first.etag,
        last_modified="Tue, 12 Mar 2024",
        previous_sha256=first.body_sha256,
    )
    assert second.status is FetchStatus.NOT_MODIFIED
    assert second.http_status == 304 and second.body is None
    assert second.etag == '"v1"' and second.body_sha256 == first.body_sha256
    assert server.seen[1].headers["if-modified-since"] == "Tue, 12 Mar 2024"


def test_lying_etag_unchanged_hash_is_not_modified(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    counter = iter(range(100))
    server.add("/feed.xml", lambda seen: Reply(200, FEED, {"ETag": f'"fresh-{next(counter)}"'}))
    fetcher = make_fetcher()
    first = fetcher.fetch_feed(server.url("/feed.xml"))
    second = fetcher.fetch_feed(server.url("/feed.xml"), etag=first.etag, previous_sha256=first.body_sha256)
    assert second.status is FetchStatus.NOT_MODIFIED
    assert second.etag == '"fresh-1"'  # the new validator is still returned for storage
    changed = fetcher.fetch_feed(server.url("/feed.xml"), previous_sha256="0" * 64)
    assert changed.status is FetchStatus.OK


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (404, FetchStatus.SOFT_FAILURE),
        (500, FetchStatus.SOFT_FAILURE),
        (502, FetchStatus.SOFT_FAILURE),
        (403, FetchStatus.HARD_FAILURE),
        (410, FetchStatus.HARD_FAILURE),
        (401, FetchStatus.HARD_FAILURE),
    ],
)
def test_http_errors_are_graded(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], code: int, status: FetchStatus
) -> None:
    server.add("/x", Reply(code, b"fejl"))
    result = make_fetcher().fetch_feed(server.url("/x"))
    assert result.status is status
    assert result.http_status == code and result.error == f"HTTP {code}"


def test_429_with_retry_after_seconds(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    server.add("/feed.xml", Reply(429, b"for mange", {"Retry-After": "120"}))
    result = make_fetcher().fetch_feed(server.url("/feed.xml"))
    assert result.status is FetchStatus.SOFT_FAILURE
    assert result.retry_after_s == 120.0


def test_503_with_retry_after_date(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    server.add("/feed.xml", Reply(503, b"", {"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}))
    result = make_fetcher().fetch_feed(server.url("/feed.xml"))
    assert result.status is FetchStatus.SOFT_FAILURE
    assert result.retry_after_s is not None and result.retry_after_s > 0


def test_parse_retry_after_forms() -> None:
    now = datetime(2024, 3, 12, 12, 0, tzinfo=UTC)
    assert parse_retry_after("30", now) == 30.0
    assert parse_retry_after("Tue, 12 Mar 2024 12:02:00 GMT", now) == 120.0
    assert parse_retry_after("Tue, 12 Mar 2024 11:00:00 GMT", now) == 0.0  # in the past
    assert parse_retry_after("i morgen", now) is None
    assert parse_retry_after(None, now) is None
    assert parse_retry_after("99999999999", now) == 7 * 24 * 3600


def test_a_host_that_asks_to_wait_is_left_alone(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    server.add("/side/1", Reply(429, b"for mange", {"Retry-After": "120"}))
    server.add("/side/2", Reply(200, b"ok"))
    fetcher = make_fetcher()
    first = fetcher.fetch_page(server.url("/side/1"))
    assert first.status is FetchStatus.SOFT_FAILURE and not first.deferred  # asked, and told to wait
    second = fetcher.fetch_page(server.url("/side/2"))
    assert second.status is FetchStatus.SOFT_FAILURE and "Retry-After" in (second.error or "")
    assert second.retry_after_s is not None and 0 < second.retry_after_s <= 120
    assert "/side/2" not in server.paths()  # not asked at all while the host said wait
    assert second.deferred and fetcher.fetch_page(server.url("/side/1")).deferred is not False
    # Another host name (the same test server under another name) is not affected.
    assert fetcher.fetch_page(server.url("/side/2", host="localhost")).status is FetchStatus.OK


# -- decoding and size caps ------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "deflate-raw", "br"])
def test_compressed_bodies_are_decoded(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], encoding: str
) -> None:
    packers: dict[str, Callable[[bytes], bytes]] = {
        "gzip": gzip.compress,
        "deflate": zlib.compress,
        "deflate-raw": lambda b: zlib.compress(b)[2:-4],
        "br": brotli.compress,
    }
    packed = packers[encoding](FEED)
    header = "deflate" if encoding.startswith("deflate") else encoding
    server.add("/feed.xml", Reply(200, packed, {"Content-Encoding": header}))
    result = make_fetcher().fetch_feed(server.url("/feed.xml"))
    assert result.status is FetchStatus.OK
    assert result.body == FEED
    assert result.body_sha256 == hashlib.sha256(FEED).hexdigest()


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_compression_bomb_stops_at_cap_with_bounded_memory(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], encoding: str
) -> None:
    zeros = bytes(10 * 1024 * 1024)
    bomb = gzip.compress(zeros) if encoding == "gzip" else brotli.compress(zeros)
    assert len(bomb) < 64 * 1024
    server.add("/bomb.xml", Reply(200, bomb, {"Content-Encoding": encoding}))
    fetcher = make_fetcher(max_bytes=1024 * 1024)
    tracemalloc.start()
    try:
        result = fetcher.fetch_feed(server.url("/bomb.xml"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.status is FetchStatus.HARD_FAILURE
    assert result.error is not None and "too large" in result.error
    assert result.body is None
    assert peak < 4 * 1024 * 1024  # cap (1 MiB) + one decode step, never the 10 MiB


def test_plain_body_over_cap_is_too_large(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    server.add("/big", Reply(200, b"a" * 2048))
    result = make_fetcher(max_bytes=1000).fetch_feed(server.url("/big"))
    assert result.status is FetchStatus.HARD_FAILURE and "too large" in (result.error or "")


def test_corrupt_gzip_is_soft(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    server.add("/bad", Reply(200, b"\x1f\x8b\x08\x00garbage-not-gzip", {"Content-Encoding": "gzip"}))
    result = make_fetcher().fetch_feed(server.url("/bad"))
    assert result.status is FetchStatus.SOFT_FAILURE


def test_unknown_content_encoding_is_hard(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    server.add("/z", Reply(200, b"????", {"Content-Encoding": "zstd"}))
    assert make_fetcher().fetch_feed(server.url("/z")).status is FetchStatus.HARD_FAILURE


# -- redirects and the SSRF guard ------------------------------------------------------------------------


def test_redirect_chain_is_followed(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    server.add("/a", Reply(301, b"", {"Location": "/b"}))
    server.add("/b", Reply(302, b"", {"Location": server.url("/c")}))
    server.add("/c", Reply(307, b"", {"Location": "d"}))
    server.add("/d", Reply(200, FEED))
    result = make_fetcher().fetch_feed(server.url("/a"))
    assert result.status is FetchStatus.OK
    assert result.url == server.url("/a") and result.final_url == server.url("/d")
    assert server.paths() == ["/a", "/b", "/c", "/d"]


def test_redirect_loop_is_hard(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    server.add("/loop", Reply(302, b"", {"Location": "/loop"}))
    result = make_fetcher().fetch_feed(server.url("/loop"))
    assert result.status is FetchStatus.HARD_FAILURE and "redirects" in (result.error or "")
    assert len(server.seen) == 6  # the first request + 5 redirects, then stop


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:10.0.0.1]/",
        "http://100.64.0.7/",
        "http://localhost:{port}/secret",
        "http://2130706433:{port}/secret",
    ],
)
def test_redirect_to_private_address_is_blocked(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], target: str
) -> None:
    server.add("/feed.xml", Reply(302, b"", {"Location": target.format(port=server.port)}))
    server.add("/secret", Reply(200, b"hemmelig"))
    # The start host is a "public" name, allowed by name; the loopback address itself is NOT allowed.
    fetcher = make_fetcher(allow_hosts=FAKE_PUBLIC, resolver=fake_resolver)
    result = fetcher.fetch_feed(server.url("/feed.xml", host=FAKE_PUBLIC))
    assert result.status is FetchStatus.BLOCKED, result
    assert "/secret" not in server.paths()  # refused before connecting, not after


def test_redirect_to_file_scheme_is_hard(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    server.add("/feed.xml", Reply(302, b"", {"Location": "file:///etc/passwd"}))
    result = make_fetcher().fetch_feed(server.url("/feed.xml"))
    assert result.status is FetchStatus.HARD_FAILURE and "scheme" in (result.error or "")


def test_loopback_is_blocked_without_allow_list(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    server.add("/feed.xml", Reply(200, FEED))
    for url in (server.url("/feed.xml"), server.url("/feed.xml", host="localhost")):
        result = make_fetcher(allow_hosts="").fetch_feed(url)
        assert result.status is FetchStatus.BLOCKED
    assert server.seen == []


def test_name_resolving_to_mixed_addresses_is_blocked(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    fetcher = make_fetcher(allow_hosts="127.0.0.1", resolver=lambda host, port: ["127.0.0.1", "10.0.0.1"])
    result = fetcher.fetch_feed(server.url("/feed.xml", host="blandet.example.dk"))
    assert result.status is FetchStatus.BLOCKED and "10.0.0.1" in (result.error or "")
    assert server.seen == []


def test_socket_goes_to_the_checked_address(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    # The name is only ever resolved by our resolver, so the connection reaches 127.0.0.1 even though
    # the OS cannot resolve it: proof that the checked address is the one connected to.
    server.add("/feed.xml", Reply(200, FEED))
    fetcher = make_fetcher(allow_hosts="127.0.0.1", resolver=lambda host, port: ["127.0.0.1"])
    result = fetcher.fetch_feed(server.url("/feed.xml", host="findes-ikke.invalid"))
    assert result.status is FetchStatus.OK
    assert server.seen[0].headers["host"].startswith("findes-ikke.invalid")


# -- timeouts and connection errors ----------------------------------------------------------------------


def test_never_answering_server_is_a_soft_timeout(silent_port: int, make_fetcher: Callable[..., Fetcher]) -> None:
    fetcher = make_fetcher(timeout_s=0.3, read_timeout_s=0.3, connect_timeout_s=0.3)
    result = fetcher.fetch_feed(f"http://127.0.0.1:{silent_port}/feed.xml")
    assert result.status is FetchStatus.SOFT_FAILURE
    assert result.error is not None and result.error.startswith("timeout")


def test_slow_drip_hits_the_total_deadline(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    server.add("/drip", Reply(200, b"", stream=drip(0.02)))
    result = make_fetcher(timeout_s=0.4, read_timeout_s=1.0).fetch_feed(server.url("/drip"))
    assert result.status is FetchStatus.SOFT_FAILURE and "timeout" in (result.error or "")


class _RawServer:
    """A TCP server on 127.0.0.1 that answers every connection with ``handler(sock)`` (malformed HTTP)."""

    def __init__(self, handler: Callable[[socket.socket], None]) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self.port = self._sock.getsockname()[1]
        self._handler = handler
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        # OSError: the client hung up, which is what the tests want.
        with conn, contextlib.suppress(OSError):
            conn.recv(65536)
            self._handler(conn)

    def close(self) -> None:
        self._sock.close()


@pytest.mark.parametrize("part", ["status line", "headers"])
def test_slowloris_status_line_and_headers_hit_the_total_deadline(
    make_fetcher: Callable[..., Fetcher], part: str
) -> None:
    # httpx's read timeout is per read, and the response only reaches our body loop once every header has
    # arrived: a server dripping the head one line at a time must still be cut off at the hop deadline.
    sent: list[int] = []
    stop = threading.Event()

    def drip_head(conn: socket.socket) -> None:
        if part == "headers":
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
        for n in range(5_000):
            if stop.wait(0.02):
                return
            conn.sendall(b"H" if part == "status line" else b"X-Fyld-%d: ja\r\n" % n)
            sent.append(n)

    raw = _RawServer(drip_head)
    try:
        result = make_fetcher(timeout_s=0.3, read_timeout_s=5.0).fetch_feed(f"http://127.0.0.1:{raw.port}/feed.xml")
    finally:
        stop.set()
        raw.close()
    assert result.status is FetchStatus.SOFT_FAILURE
    assert (result.error or "").startswith("timeout")
    assert len(sent) < 1_000  # cut off near the deadline, not after the server gave up


def test_connection_refused_is_soft(make_fetcher: Callable[..., Fetcher]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = make_fetcher().fetch_feed(f"http://127.0.0.1:{port}/")
    assert result.status is FetchStatus.SOFT_FAILURE and "connection" in (result.error or "")


# -- politeness ------------------------------------------------------------------------------------------


def test_one_request_in_flight_per_host(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    hold = threading.Event()

    def slow_route(seen: Seen) -> Reply:
        hold.wait(0.05)  # keep the request open a little so overlaps would show
        return Reply(200, b"ok")

    server.add("/slow", slow_route)
    fetcher = make_fetcher()
    results: list[FetchResult] = []
    threads = [
        threading.Thread(target=lambda: results.append(fetcher.fetch_feed(server.url("/slow")))) for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status for r in results] == [FetchStatus.OK] * 6
    assert server.max_in_flight == 1


def test_min_delay_between_requests_to_a_host() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    throttle = HostThrottle(2.0, clock=lambda: now[0], sleep=sleep)
    with throttle.hold("nyheder.example.dk"):
        pass
    now[0] += 0.5
    with throttle.hold("NYHEDER.example.dk"):
        pass
    with throttle.hold("andet.example.dk"):
        pass
    assert slept == [1.5]  # the same host waited out the rest of 2 s; another host did not wait


def test_from_settings_uses_the_settings(server: LocalServer) -> None:
    server.add("/feed.xml", Reply(200, FEED))
    settings = Settings(fetch_allow_hosts="127.0.0.1", fetch_min_host_delay_s=0.0, fetch_timeout_s=5.0)
    with Fetcher.from_settings(settings) as fetcher:
        assert fetcher.fetch_feed(server.url("/feed.xml")).status is FetchStatus.OK
    assert server.seen[0].headers["user-agent"] == settings.user_agent


def test_mock_transport_can_be_injected() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=FEED))
    with Fetcher(user_agent=UA, transport=transport, min_host_delay_s=0) as fetcher:
        result = fetcher.fetch_feed("https://nyheder.example.dk/feed.xml")
    assert result.status is FetchStatus.OK and result.body == FEED


def test_feed_to_article_end_to_end(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    """The whole edge as the poll loop will drive it: fetch feed, parse, fetch page, extract."""
    from botrygt_nlp.monitor.extract import extract_article
    from botrygt_nlp.monitor.parse import parse_feed

    feed_body = FEED.replace(
        b"https://nyheder.example.dk/krimi/indbrud-kolonihaver",
        server.url("/krimi/indbrud-kolonihaver").encode(),
    )
    server.add(
        "/feed.xml",
        Reply(200, gzip.compress(feed_body), {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}),
    )
    server.add(
        "/krimi/indbrud-kolonihaver",
        Reply(200, (DATA / "article_full.html").read_bytes(), {"Content-Type": "text/html; charset=utf-8"}),
    )
    server.add("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /admin/\n"))
    fetcher = make_fetcher()
    fetched = fetcher.fetch_feed(server.url("/feed.xml"))
    assert fetched.status is FetchStatus.OK and fetched.body is not None
    feed = parse_feed(fetched.body, fetched.final_url, fetched.content_type)
    entry = feed.entries[0]
    assert entry.url == server.url("/krimi/indbrud-kolonihaver")
    page = fetcher.fetch_page(entry.url)
    assert page.status is FetchStatus.OK and page.body is not None
    article = extract_article(page.body, page.final_url, entry)
    assert article.title == entry.title
    assert "godkendt hængelås" in article.text and "Kommentar fra læser" not in article.text


def test_304_without_validators_keeps_the_sent_ones(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    server.add("/feed.xml", Reply(304, b""))
    result = make_fetcher().fetch_feed(
        server.url("/feed.xml"), etag='"v7"', last_modified="Mon, 11 Mar 2024", previous_sha256="ab" * 32
    )
    assert result.status is FetchStatus.NOT_MODIFIED
    assert (result.etag, result.last_modified, result.body_sha256) == ('"v7"', "Mon, 11 Mar 2024", "ab" * 32)


@pytest.mark.parametrize("location", ["http://exa mple.dk:99999/x", "http://[::1/", "http://xn--/"])
def test_garbage_redirect_location_is_hard(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], location: str
) -> None:
    server.add("/feed.xml", Reply(302, b"", {"Location": location}))
    assert make_fetcher().fetch_feed(server.url("/feed.xml")).status in (
        FetchStatus.HARD_FAILURE,
        FetchStatus.BLOCKED,
        FetchStatus.SOFT_FAILURE,
    )


def test_garbage_urls_never_raise(make_fetcher: Callable[..., Fetcher]) -> None:
    fetcher = make_fetcher()
    for url in ("", "nyheder.example.dk/feed", "http://", "http://[::1", "https://exa mple.dk/", "\x00"):
        assert fetcher.fetch_feed(url).status in (
            FetchStatus.HARD_FAILURE,
            FetchStatus.BLOCKED,
            FetchStatus.SOFT_FAILURE,
        )


def test_article_link_redirecting_to_a_consent_wall(server: LocalServer, make_fetcher: Callable[..., Fetcher]) -> None:
    from botrygt_nlp.monitor.extract import extract_article
    from botrygt_nlp.news.types import ParsedEntry

    server.add("/krimi/indbrud", Reply(302, b"", {"Location": "/samtykke?continue=%2Fkrimi%2Findbrud"}))
    server.add(
        "/samtykke",
        Reply(200, b"<html><body><h1>Cookies</h1><p>Vi bruger cookies. Accepter alle?</p></body></html>"),
    )
    page = make_fetcher().fetch_page(server.url("/krimi/indbrud"))
    assert page.status is FetchStatus.OK and page.final_url.startswith(server.url("/samtykke"))
    assert page.body is not None
    entry = ParsedEntry("g", server.url("/krimi/indbrud"), "Indbrud i Valby", "Tyve i nat.", None)
    article = extract_article(page.body, page.final_url, entry)
    assert article.text == "" and article.title == "Indbrud i Valby"
