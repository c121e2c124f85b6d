"""`botrygt db backup` / `db restore`: every table survives, on SQLite, on PostgreSQL and between the two.

PostgreSQL cases run where BOTRYGT_TEST_POSTGRES_URL is set (see backends.py), SQLite always.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from botrygt_nlp.config import get_settings
from botrygt_nlp.storage import FeedEventKind, FeedStateUpdate, FeedStatus, NewFeed, Store, migrations
from botrygt_nlp.storage.backup import (
    BackupFileError,
    BackupFormat,
    StoreNotEmptyError,
    backup,
    data_tables,
    format_for,
    restore,
)
from botrygt_nlp.storage.tables import metadata, schema_migrations
from tests.storage.backends import BACKENDS, backend
from tests.storage.helpers import T0, article, assessment

# The tables fill() must put rows in; tables added later are compared too, but only where they have rows.
CORE_TABLES = {"feeds", "feed_events", "articles", "assessments", "feedback", "api_keys", "submissions"}


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[Callable[[str], Store]]:
    """Opens a store on a NEW empty database of the given backend on each call."""
    with ExitStack() as stack:
        n = 0

        def make(kind: str) -> Store:
            nonlocal n
            n += 1
            _url, factory = stack.enter_context(backend(kind, tmp_path / f"db{n}"))
            return factory()

        yield make


def fill(store: Store) -> None:
    """Feeds with poll state, a paused feed, events, feed-linked and imported articles, a wire link,
    assessments from two model versions, feedback, API keys (one revoked, one used), a submission."""
    fa = store.add_feed(NewFeed("https://a.example/rss", "Avis A", ("Ringsted",)), now=T0)
    fb = store.add_feed(NewFeed("https://b.example/rss", "Avis B"), now=T0)
    polled = T0 + timedelta(minutes=5, microseconds=123457)
    ok = FeedStateUpdate(
        status=FeedStatus.ACTIVE,
        next_poll_at=polled + timedelta(hours=1),
        polled_at=polled,
        failure_count=0,
        event=FeedEventKind.OK,
        message="2 nye",
        etag='W/"æ1"',
        last_modified="Tue, 01 Sep 2026 12:00:00 GMT",
        body_sha256="ab" * 32,
        http_status=200,
        success=True,
        title="Avis A — nyheder 🚓",
    )
    odd = dataclasses.replace(assessment(version="model-v1"), score=0.1 + 0.2)  # 0.30000000000000004
    title = "Indbrud i villa på Skovvej i Ringsted i nat"
    store.save_poll(
        fa.id,
        None,
        ok,
        [
            (article("https://a.example/1", title, outlet="Avis A", feed_id=fa.id, guid="g-1"), odd),
            (
                article("https://a.example/2", "Røveri\tmed «citat»", outlet="Avis A", feed_id=fa.id, guid="g-2"),
                assessment(version="model-v1", relevant=False),
            ),
        ],
    )
    # The same story in another outlet: stored as a wire copy linked by story_id.
    store.save_poll(
        fb.id,
        None,
        FeedStateUpdate(
            status=FeedStatus.PAUSED,
            next_poll_at=polled + timedelta(days=1),
            polled_at=polled,
            failure_count=5,
            event=FeedEventKind.HARD_FAILURE,
            message="410 Gone",
            pause_reason="feed gone (410)",
            http_status=410,
            last_error="HTTP 410",
        ),
        [(article("https://b.example/9", title, outlet="Avis B", feed_id=fb.id, guid="b-9"), assessment())],
    )
    store.insert_articles(
        [(article("https://c.example/x", "Importeret artikel", outlet="Arkiv", published=None), assessment())]
    )
    with store.engine.connect() as conn:
        ids = [int(i) for i in conn.execute(sa.text("SELECT id FROM articles ORDER BY id")).scalars()]
    later = T0 + timedelta(days=2, microseconds=1)
    store.add_assessments([(i, assessment(version="model-v2", constructive=True)) for i in ids], now=later)
    store.add_feedback(ids[0], "constructive", {"ok": [1, "æøå", None]}, who="redaktør", when=T0)
    store.add_feedback("en fri tekst uden artikel", "relevant", True)
    key_id, secret = store.create_api_key("kommune-ringsted", now=T0)
    old_id, _ = store.create_api_key("gammel", now=T0)
    store.revoke_api_key(old_id, now=later)
    assert store.verify_api_key(secret) is not None  # sets last_used_at
    store.save_submission(
        text="Husk at låse døren.", title=None, external_id="ext-1", assessment=assessment(), who="api", when=T0
    )
    if hasattr(store, "create_web_session"):  # web sign-ins (issue 10, item 2)
        store.create_web_session(key_id, lifetime_s=3600)


def contents(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every table in the metadata, row by row in primary-key order (migration history: versions only)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            cols = [table.c.version, table.c.name] if table is schema_migrations else list(table.columns)
            q = sa.select(*cols).order_by(*table.primary_key.columns)
            out[table.name] = [tuple(r) for r in conn.execute(q)]
    return out


CASES = [(src, dst, fmt) for src in BACKENDS for dst in BACKENDS for fmt in BackupFormat]


@pytest.mark.parametrize(("src", "dst", "fmt"), CASES, ids=[f"{s}-to-{d}-{f}" for s, d, f in CASES])
def test_round_trip_keeps_every_table_row_by_row(
    stores: Callable[[str], Store], tmp_path: Path, src: str, dst: str, fmt: BackupFormat
) -> None:
    source = stores(src)
    fill(source)
    before = contents(source)
    assert all(before[name] for name in CORE_TABLES), {n: len(r) for n, r in before.items()}
    assert {"model-v1", "model-v2"} <= {row[1] for row in before["assessments"]}

    report = backup(source, tmp_path / f"backup.{fmt}", fmt=fmt)
    assert report.format is fmt and report.schema_version == migrations.LATEST_VERSION
    assert report.rows == {name: len(rows) for name, rows in before.items() if name != "schema_migrations"}

    target = stores(dst)
    restored = restore(target, report.path)
    assert restored.rows == report.rows and not restored.replaced and restored.migrated == ()
    after = contents(target)
    assert set(after) == {t.name for t in metadata.sorted_tables}
    for name in before:
        assert after[name] == before[name], name

    # Ids continue after the restored ones (PostgreSQL: sequences were reset).
    feed = target.add_feed(NewFeed("https://new.example/rss", "Ny"), now=T0)
    assert feed.id > max(row[0] for row in before["feeds"])
    new = target.insert_articles([(article("https://new.example/1", "Helt ny overskrift"), assessment())])
    assert new.inserted == 1 and new.article_ids[0] > max(row[0] for row in before["articles"])


def test_restore_refuses_a_non_empty_store_without_force(stores: Callable[[str], Store], tmp_path: Path) -> None:
    source = stores("sqlite")
    fill(source)
    path = backup(source, tmp_path / "b.jsonl.gz").path
    target = stores("sqlite")
    target.add_feed(NewFeed("https://mine.example/rss", "Min avis"), now=T0)
    mine = contents(target)
    with pytest.raises(StoreNotEmptyError, match="--force"):
        restore(target, path)
    assert contents(target) == mine
    report = restore(target, path, force=True)
    assert report.replaced
    assert contents(target) == contents(source)


def _damaged_files(good_portable: Path, good_sqlite: Path, tmp: Path) -> dict[str, Path]:
    raw = good_portable.read_bytes()
    lines = gzip.decompress(raw).decode("utf-8").splitlines(keepends=True)
    mid = len(raw) // 2
    files = {
        "gzip cut in half": raw[: len(raw) // 2],
        "gzip byte flipped": raw[:mid] + bytes([raw[mid] ^ 0xFF]) + raw[mid + 1 :],
        "last lines missing": gzip.compress("".join(lines[:-3]).encode()),
        "row count mismatch": gzip.compress("".join(lines[:3] + lines[4:]).encode()),
        "row not JSON": gzip.compress("".join([*lines[:-2], '{"t": "feeds", "r": [1,\n', *lines[-1:]]).encode()),
        "no header": gzip.compress("".join(lines[1:]).encode()),
        "not a backup": b"id,title\n1,hello\n",
        "empty": b"",
        "sqlite truncated": good_sqlite.read_bytes()[: 3 * 4096],
    }
    out: dict[str, Path] = {}
    for i, (name, data) in enumerate(files.items()):
        p = tmp / f"bad{i}.bin"
        p.write_bytes(data)
        out[name] = p
    return out


@pytest.mark.parametrize("kind", BACKENDS)
def test_damaged_backup_gives_a_clear_error_and_leaves_the_store_as_it_was(
    stores: Callable[[str], Store], tmp_path: Path, kind: str
) -> None:
    source = stores("sqlite")
    fill(source)
    portable = backup(source, tmp_path / "good.jsonl.gz").path
    sqlite_file = backup(source, tmp_path / "good.sqlite3").path
    target = stores(kind)
    target.add_feed(NewFeed("https://mine.example/rss", "Min avis", ("Ringsted",)), now=T0)
    target.create_api_key("min nøgle")
    mine = contents(target)
    for name, path in _damaged_files(portable, sqlite_file, tmp_path).items():
        with pytest.raises(BackupFileError) as err:
            restore(target, path, force=True)  # force: the rows already deleted must come back too
        assert str(path) in err.value.message, (name, err.value.message)
        assert contents(target) == mine, name


def test_rows_the_database_refuses_roll_back_everything(stores: Callable[[str], Store], tmp_path: Path) -> None:
    source = stores("sqlite")
    fill(source)
    good = backup(source, tmp_path / "good.jsonl.gz").path
    lines = gzip.decompress(good.read_bytes()).decode().splitlines(keepends=True)
    dup = next(i for i, line in enumerate(lines) if json.loads(line).get("t") == "articles")
    end = json.loads(lines[-1])
    end["end"]["rows"]["articles"] += 1
    bad = tmp_path / "dup.jsonl.gz"  # the same article twice: the primary key refuses the second
    body = "".join([*lines[: dup + 1], lines[dup], *lines[dup + 1 : -1]]) + json.dumps(end) + "\n"
    bad.write_bytes(gzip.compress(body.encode()))
    target = stores("sqlite")
    target.add_feed(NewFeed("https://mine.example/rss", "Min avis"), now=T0)
    mine = contents(target)
    with pytest.raises(BackupFileError, match="do not fit"):
        restore(target, bad, force=True)
    assert contents(target) == mine


def test_newer_schema_is_refused(stores: Callable[[str], Store], tmp_path: Path) -> None:
    source = stores("sqlite")
    fill(source)
    good = backup(source, tmp_path / "good.jsonl.gz").path
    lines = gzip.decompress(good.read_bytes()).decode().splitlines(keepends=True)
    header = json.loads(lines[0])
    header["schema_version"] = migrations.LATEST_VERSION + 1
    newer = tmp_path / "newer.jsonl.gz"
    newer.write_bytes(gzip.compress((json.dumps(header) + "\n" + "".join(lines[1:])).encode()))
    target = stores("sqlite")
    with pytest.raises(BackupFileError, match="upgrade botrygt-nlp"):
        restore(target, newer)
    assert not any(rows for name, rows in contents(target).items() if name != "schema_migrations")


def _old_store(store: Store) -> None:
    """Turn a fresh store into one at schema version 2 (feeds, articles, assessments, feedback, keys)."""
    with store.engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(sa.text(f"DROP TABLE {table.name}"))
    assert migrations.migrate(store.engine, target=2) == [1, 2]
    feed = store.add_feed(NewFeed("https://a.example/rss", "Avis A", ("Ringsted",)), now=T0)
    store.insert_articles([(article("https://a.example/1", "Et indbrud", feed_id=feed.id, guid="g"), assessment())])
    store.add_assessments([(1, assessment(version="model-v2"))], now=T0)
    store.create_api_key("gammel nøgle", now=T0)


@pytest.mark.parametrize("fmt", list(BackupFormat))
def test_older_backup_is_migrated_on_restore(stores: Callable[[str], Store], tmp_path: Path, fmt: BackupFormat) -> None:
    old = stores("sqlite")
    _old_store(old)
    before = contents_present(old)
    report = backup(old, tmp_path / f"old.{fmt}", fmt=fmt)
    assert report.schema_version == 2
    target = stores("sqlite")
    restored = restore(target, report.path)
    assert restored.backup_version == 2
    assert restored.migrated == tuple(range(3, migrations.LATEST_VERSION + 1))
    after = contents(target)
    for name, rows in before.items():
        assert after[name] == rows, name
    assert after["submissions"] == []
    if fmt is BackupFormat.SQLITE:  # the backup file itself was not migrated
        with sqlite3.connect(report.path) as conn:
            assert conn.execute("SELECT max(version) FROM schema_migrations").fetchone() == (2,)


def contents_present(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.engine.connect() as conn:
        insp = sa.inspect(conn)
        for table in data_tables():
            if insp.has_table(table.name):
                q = sa.select(*table.columns).order_by(*table.primary_key.columns)
                out[table.name] = [tuple(r) for r in conn.execute(q)]
    return out


def test_sqlite_backup_while_a_monitor_writes_is_consistent(stores: Callable[[str], Store], tmp_path: Path) -> None:
    source = stores("sqlite")
    fill(source)
    writer = Store.open(str(source.engine.url))
    feed_id = writer.list_feeds()[0].id
    stop = threading.Event()
    written = [0]

    def write() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            # an article and its assessment in one transaction: a backup must never hold one without the other
            writer.insert_articles(
                [(article(f"https://a.example/w{n}", f"Skrevet {n} nu", feed_id=feed_id), assessment())]
            )
            written[0] = n

    t = threading.Thread(target=write)
    t.start()
    try:
        paths = [backup(source, tmp_path / f"live{i}.{f}", fmt=f) for i in range(3) for f in BackupFormat]
    finally:
        stop.set()
        t.join()
        writer.close()
    assert written[0] > 0
    for rep in paths:
        target = stores("sqlite")
        restore(target, rep.path)
        got = contents(target)
        assert len(got["articles"]) == rep.rows["articles"]
        with_assessment = {row[0] for row in got["assessments"]}
        assert {row[0] for row in got["articles"]} <= with_assessment


def test_backup_refuses_to_overwrite_the_database_itself(stores: Callable[[str], Store]) -> None:
    store = stores("sqlite")
    own = Path(str(store.engine.url.database))
    with pytest.raises(Exception, match="own database file"):
        backup(store, own)


def test_format_by_suffix() -> None:
    assert format_for(Path("x.jsonl.gz"), "sqlite") is BackupFormat.PORTABLE
    assert format_for(Path("x.sqlite3"), "postgresql") is BackupFormat.SQLITE
    assert format_for(Path("x.bak"), "sqlite") is BackupFormat.SQLITE
    assert format_for(Path("x.bak"), "postgresql") is BackupFormat.PORTABLE


# ---------------------------------------------------------------------- CLI
@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], str]]:
    """Points the CLI at the SQLite database named; returns the setter."""

    def use(name: str) -> str:
        url = f"sqlite:///{tmp_path / name}"
        monkeypatch.setenv("BOTRYGT_DATABASE_URL", url)
        get_settings.cache_clear()
        return url

    yield use
    get_settings.cache_clear()


def _invoke(*args: str) -> tuple[int, str, str]:
    from botrygt_nlp.cli import app

    r = CliRunner().invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_cli_backup_restore_and_exit_codes(cli_db: Callable[[str], str], tmp_path: Path) -> None:
    with Store.open(cli_db("source.sqlite3")) as source:
        fill(source)
        expected = contents(source)
    for suffix in ("sqlite3", "jsonl.gz"):
        cli_db("source.sqlite3")
        out_file = tmp_path / f"cli-backup.{suffix}"
        code, out, err = _invoke("db", "backup", str(out_file))
        assert code == 0, err
        assert str(out_file) in out

        target_url = cli_db(f"target-{suffix}.sqlite3")
        code, out, err = _invoke("db", "restore", str(out_file))
        assert code == 0, err
        assert "restored" in out
        with Store.open(target_url) as target:
            assert contents(target) == expected

        code, out, err = _invoke("db", "restore", str(out_file))  # now the store has data
        assert code == 2 and "not empty" in err and "--force" in err
        code, out, err = _invoke("db", "restore", "--force", str(out_file))
        assert code == 0, err

    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes((tmp_path / "cli-backup.jsonl.gz").read_bytes()[:200])
    code, _, err = _invoke("db", "restore", "--force", str(bad))
    assert code == 2 and "damaged or truncated" in err
    code, _, err = _invoke("db", "restore", str(tmp_path / "missing.jsonl.gz"))
    assert code == 2
    code, _, err = _invoke("db", "backup", str(tmp_path / "x.bak"), "--format", "zip")
    assert code == 2 and "--format" in err
