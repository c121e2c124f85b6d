"""A storage failure is recognised as one (and a full disk as a full disk), whatever layer raised it."""

from __future__ import annotations

import errno
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from botrygt_nlp.errors import EmptyTextError, StorageError, StorageFullError
from botrygt_nlp.monitor.archive import import_jsonl
from botrygt_nlp.storage import Store
from botrygt_nlp.storage.failures import is_disk_full, storage_failure
from tests.monitor_poll.fakes import FakeAnalyzer
from tests.storage.diskfull import disk_full, full_sqlite_error
from tests.storage.helpers import article, assessment


@pytest.mark.parametrize(
    "make",
    [
        lambda: sqlite3.OperationalError("database or disk is full"),
        lambda: OSError(errno.ENOSPC, "No space left on device"),
        full_sqlite_error,
        lambda: StorageError("database error: (sqlite3.OperationalError) database or disk is full"),
    ],
    ids=["sqlite3", "ENOSPC", "sqlalchemy", "StorageError"],
)
def test_a_full_disk_is_recognised_at_every_layer(make: Callable[[], BaseException]) -> None:
    exc = make()
    assert is_disk_full(exc)
    failure = storage_failure(exc)
    assert isinstance(failure, StorageFullError) and "disk holding the database is full" in failure.message
    wrapped = RuntimeError("while saving")
    wrapped.__cause__ = exc
    assert isinstance(storage_failure(wrapped), StorageFullError)


def test_other_failures_are_storage_errors_and_bugs_are_not() -> None:
    locked = sa.exc.OperationalError("UPDATE feeds …", {}, sqlite3.OperationalError("database is locked"))
    failure = storage_failure(locked)
    assert type(failure) is StorageError and "database is locked" in failure.message
    assert "UPDATE" not in failure.message  # the driver's first line, not the statement
    for not_storage in (
        ValueError("bug"),
        ConnectionResetError(errno.ECONNRESET, "reset by peer"),  # a feed's server, not our disk
        EmptyTextError("empty"),
        sa.exc.IntegrityError("INSERT …", {}, sqlite3.IntegrityError("UNIQUE constraint failed")),
    ):
        assert storage_failure(not_storage) is None, not_storage


def test_a_real_sqlite_disk_full_becomes_storage_full_with_words(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'full.sqlite3'}")
    try:
        disk_full(store)
        with pytest.raises(StorageFullError) as caught:
            store.insert_articles(
                [(article(f"https://a.example/{i}", f"Indbrud {i}", text="x" * 5000), assessment()) for i in range(40)]
            )
        assert caught.value.message.startswith("the disk holding the database is full")
        assert "INSERT" not in caught.value.message and "[SQL" not in caught.value.message
    finally:
        store.close()


def test_import_stops_at_once_on_a_full_disk(tmp_path: Path) -> None:
    """No line is at fault when the disk is full: no line-by-line retry blaming each line, the import stops."""
    store = Store.open(f"sqlite:///{tmp_path / 'full.sqlite3'}")
    try:
        disk_full(store)
        lines = [
            json.dumps({"id": i, "url": f"https://a.example/{i}", "outlet": "A", "title": f"T{i}", "text": "x" * 5000})
            for i in range(40)
        ]
        with pytest.raises(StorageFullError):
            import_jsonl(lines, store, FakeAnalyzer())
    finally:
        store.close()
