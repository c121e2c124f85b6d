"""A key's "last used" time is bookkeeping: written at most once a minute, and never the reason a valid key is
turned away (a full disk made every keyed read fail)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from botrygt_nlp.errors import StorageFullError
from botrygt_nlp.storage import Store
from botrygt_nlp.storage.tables import api_keys


def _last_used(store: Store, key_id: str) -> datetime | None:
    with store._engine.connect() as conn:
        value = conn.execute(sa.select(api_keys.c.last_used_at).where(api_keys.c.key_id == key_id)).scalar_one()
    assert value is None or isinstance(value, datetime)
    return value


def test_a_key_is_touched_at_most_once_a_minute(store: Store) -> None:
    key_id, secret = store.create_api_key("redaktion")
    assert store.verify_api_key(secret) is not None
    first = _last_used(store, key_id)
    assert first is not None
    assert store.verify_api_key(secret) is not None
    assert _last_used(store, key_id) == first  # the second check within the minute writes nothing
    with store._tx() as conn:  # a minute and more ago
        conn.execute(
            sa.update(api_keys)
            .where(api_keys.c.key_id == key_id)
            .values(last_used_at=datetime.now(UTC) - timedelta(minutes=2))
        )
    assert store.verify_api_key(secret) is not None
    later = _last_used(store, key_id)
    assert later is not None and later.replace(tzinfo=UTC) > datetime.now(UTC) - timedelta(minutes=1)


def test_a_full_disk_does_not_turn_a_valid_key_away(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    key_id, secret = store.create_api_key("redaktion")

    @contextmanager
    def full() -> Iterator[sa.engine.Connection]:
        raise StorageFullError("database or disk is full")
        yield  # pragma: no cover

    monkeypatch.setattr(store, "_tx", full)
    info = store.verify_api_key(secret)
    assert info is not None and info.key_id == key_id
    assert store.verify_api_key("bt_wrong") is None
