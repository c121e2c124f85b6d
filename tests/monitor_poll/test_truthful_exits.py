"""Exit codes and statuses that tell the truth: a full disk is no feed's fault, refused lines fail an import."""

from __future__ import annotations

import csv
import errno
import json
import sqlite3
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from botrygt_nlp.config import get_settings
from botrygt_nlp.errors import StorageError, StorageFullError
from botrygt_nlp.monitor.poll import Poller
from botrygt_nlp.monitor.schedule import PollPolicy
from botrygt_nlp.storage import FeedEventKind, FeedStatus, NewFeed, Store
from tests.monitor_poll.fakes import FakeAnalyzer, FakeFetcher, page, rss_doc
from tests.storage.diskfull import disk_full, full_sqlite_error
from tests.storage.helpers import T0

LONG = "Husk at låse døren, når du går hjemmefra, og at tænde lys i vinduerne om aftenen. " * 120


def _sites(fetcher: FakeFetcher, n_feeds: int, per_feed: int = 5) -> list[str]:
    urls = []
    for f in range(n_feeds):
        base = f"https://avis{f}.example"
        items = [(f"a{i}", f"Indbrud nummer {i} hos avis {f}") for i in range(per_feed)]
        fetcher.put(f"{base}/rss", rss_doc(base, items), "application/rss+xml")
        for slug, title in items:
            fetcher.put(f"{base}/{slug}", page(title, f"{title}. {LONG}"))
        urls.append(f"{base}/rss")
    return urls


def _poller(store: Any, fetcher: FakeFetcher, **policy: Any) -> Poller:
    return Poller(store, fetcher, FakeAnalyzer(), clock=lambda: T0, policy=PollPolicy(**policy), owner="w1")


def _assert_no_feed_blamed(store: Store) -> None:
    for feed in store.list_feeds():
        assert (feed.status, feed.failure_count, feed.last_error, feed.pause_reason) == (
            FeedStatus.ACTIVE,
            0,
            None,
            None,
        ), feed
        kinds = {e.kind for e in store.feed_events(feed.id)}
        assert FeedEventKind.SOFT_FAILURE not in kinds and FeedEventKind.HARD_FAILURE not in kinds, kinds


def test_a_full_disk_stops_the_poll_and_blames_no_feed(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'full.sqlite3'}")
    try:
        fetcher = FakeFetcher()
        urls = _sites(fetcher, 3)
        for i, url in enumerate(urls):
            store.add_feed(NewFeed(url, f"Avis {i}", ("Odense",)), now=T0)
        disk_full(store)  # the real driver error: SQLITE_FULL "database or disk is full"
        report = _poller(store, fetcher, max_soft_failures=1).poll_due()
        assert isinstance(report.storage_error, StorageFullError)
        assert "disk holding the database is full" in report.storage_error.message
        assert report.failed == 0 and report.paused == 0  # nothing recorded as a feed failure
        assert sum(fetcher.calls[u] for u in urls) == 1  # the pass stopped: no other feed fetched and blamed
        _assert_no_feed_blamed(store)
        assert store.count_articles() == 0
    finally:
        store.close()


class _BrokenWrites:
    """The store, except that every write raises ``error`` (as a driver or the OS would)."""

    def __init__(self, inner: Store, error: Callable[[], BaseException]) -> None:
        self._inner, self._error = inner, error

    def save_poll(self, *_a: Any, **_k: Any) -> Any:
        raise self._error()

    def save_articles(self, *_a: Any, **_k: Any) -> Any:
        raise self._error()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@pytest.mark.parametrize(
    "error",
    [
        lambda: OSError(errno.ENOSPC, "No space left on device"),
        lambda: sqlite3.OperationalError("database or disk is full"),
        full_sqlite_error,
        lambda: StorageError("database error: (psycopg.OperationalError) connection refused"),
    ],
    ids=["ENOSPC", "sqlite3", "sqlalchemy", "db-unavailable"],
)
def test_storage_errors_of_every_kind_end_the_pass(store: Store, error: Callable[[], BaseException]) -> None:
    fetcher = FakeFetcher()
    urls = _sites(fetcher, 3, per_feed=2)
    for i, url in enumerate(urls):
        store.add_feed(NewFeed(url, f"Avis {i}", ()), now=T0)
    report = _poller(_BrokenWrites(store, error), fetcher, max_soft_failures=1).poll_due()
    assert isinstance(report.storage_error, StorageError)
    assert report.feeds == [] and sum(fetcher.calls[u] for u in urls) == 1
    _assert_no_feed_blamed(store)


def test_monitor_run_reports_a_storage_failure_and_goes_on(store: Store) -> None:
    fetcher = FakeFetcher()
    _sites(fetcher, 1, per_feed=1)
    store.add_feed(NewFeed("https://avis0.example/rss", "Avis 0", ()), now=T0)
    poller = _poller(_BrokenWrites(store, full_sqlite_error), fetcher)
    stop = threading.Event()
    seen: list[str] = []

    def on_error(exc: StorageError) -> None:
        seen.append(type(exc).__name__)
        stop.set()

    def on_pass(_report: object) -> None:
        seen.append("pass")
        if len(seen) > 3:  # never reported: end the loop anyway, the assertion below fails
            stop.set()

    poller.run_forever(interval_s=0, stop=stop, on_pass=on_pass, on_error=on_error)
    assert seen == ["pass", "StorageFullError"]


# ---------------------------------------------------------------------------------------------- CLI
@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("BOTRYGT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("BOTRYGT_DATABASE_URL", raising=False)
    monkeypatch.setattr("botrygt_nlp.get_analyzer", FakeAnalyzer)  # the commands assess with a fake
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def _invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    from botrygt_nlp.cli import app

    r = runner.invoke(app, list(args))
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r.exit_code, r.stdout, r.stderr


def _cli_store() -> Store:
    return Store.from_settings(get_settings())


def test_monitor_poll_exits_non_zero_on_a_full_disk(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    fetcher = FakeFetcher()
    urls = _sites(fetcher, 2)
    with _cli_store() as store:
        for i, url in enumerate(urls):
            store.add_feed(NewFeed(url, f"Avis {i}", ()), now=T0)

    fetcher.close = lambda: None  # type: ignore[attr-defined]  # the CLI closes its fetcher

    def build(settings: object, store: Store) -> Poller:
        disk_full(store)
        return _poller(store, fetcher)

    monkeypatch.setattr("botrygt_nlp.cli.monitor_cmds.build_poller", build)
    code, out, err = _invoke(cli, "monitor", "poll", "--once")
    assert code == 1, (out, err)
    assert "the poll stopped because the storage failed" in err and "disk holding the database is full" in err
    assert "No feed was marked as failing" in err
    with _cli_store() as store:
        _assert_no_feed_blamed(store)


def _rec(i: int, **kw: object) -> str:
    rec: dict[str, object] = {
        "id": f"r{i}",
        "url": f"https://arkiv.example/{i}",
        "outlet": "Arkiv",
        "published": "2025-03-02",
        "title": f"Indbrud nr. {i}",
        "text": f"Indbrud nr. {i} i nat. Husk at låse døren.",
    }
    rec.update(kw)
    return json.dumps(rec)


def test_import_with_one_bad_line_in_a_thousand_exits_non_zero(cli: CliRunner, tmp_path: Path) -> None:
    archive = tmp_path / "arkiv.jsonl"
    lines = [_rec(i) for i in range(1, 1001)]
    lines[499] = "{not json"
    archive.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = _invoke(cli, "import", str(archive))
    assert code == 1
    assert "read 1000 lines: 999 imported, 0 duplicates, 1 refused" in out
    assert f"{archive}:500: malformed_record" in err
    code, out, _ = _invoke(cli, "import", str(archive))  # again: duplicates are no failure, the bad line is
    assert code == 1 and "0 imported, 999 duplicates, 1 refused" in out


def test_import_of_a_clean_archive_exits_zero(cli: CliRunner, tmp_path: Path) -> None:
    archive = tmp_path / "arkiv.jsonl"
    archive.write_text("\n".join(_rec(i) for i in range(1, 4)) + "\n", encoding="utf-8")
    code, out, _ = _invoke(cli, "import", str(archive))
    assert code == 0 and "3 imported, 0 duplicates, 0 refused" in out


def test_import_refuses_binary_files_and_docx_as_a_whole(cli: CliRunner, tmp_path: Path) -> None:
    docx = tmp_path / "arkiv.docx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/document.xml", "<w:document>" + _rec(1) + "</w:document>")
    binary = tmp_path / "arkiv.jsonl"
    binary.write_bytes(b"\x00\x01\x02\xff" * 100 + b"\n" + _rec(1).encode() + b"\n")
    for path, words in ((docx, "zip file"), (binary, "binary file")):
        code, out, err = _invoke(cli, "import", str(path))
        assert code == 2, (path, out, err)
        assert words in err and "nothing was imported" in err
    with _cli_store() as store:
        assert store.count_articles() == 0


def test_cli_csv_export_imports_back_exactly(cli: CliRunner, tmp_path: Path) -> None:
    hostile = ['=HYPERLINK("http://evil.example")', "+4512345678", "-1", "@SUM(A1)", " =1", "'=1", "'hverdag"]
    archive = tmp_path / "arkiv.jsonl"
    archive.write_text(
        "\n".join(_rec(i, title=f"{t} nr. {i}", text=f"{t}\r\nIndbrud. Husk at låse.") for i, t in enumerate(hostile))
        + "\n",
        encoding="utf-8",
    )
    assert _invoke(cli, "import", str(archive))[0] == 0
    out_csv = tmp_path / "artikler.csv"
    code, _, _ = _invoke(cli, "export", "--format", "csv", "--output", str(out_csv))
    assert code == 0
    with out_csv.open(encoding="utf-8", newline="") as fh:
        titles = {r["title"] for r in csv.DictReader(fh)}
    assert {'\'=HYPERLINK("http://evil.example") nr. 0', "'+4512345678 nr. 1", "'=1 nr. 4", "''=1 nr. 5"} < titles

    monkey_data = tmp_path / "other"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BOTRYGT_DATA_DIR", str(monkey_data))
        get_settings.cache_clear()
        code, out, err = _invoke(cli, "import", str(out_csv))
        assert code == 0, (out, err)
        with _cli_store() as fresh:
            back = {(a.title, a.text) for a in fresh.iter_articles()}
    get_settings.cache_clear()
    with _cli_store() as store:
        original = {(a.title, a.text) for a in store.iter_articles()}
    assert back == original and len(back) == len(hostile)
