"""A full disk without filling one: SQLite refuses to grow the database past its present size.

``PRAGMA max_page_count`` set to the current page count makes every write that needs a new page fail
with the driver's own ``SQLITE_FULL`` ("database or disk is full"), exactly as a full disk does.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import sqlalchemy as sa

from botrygt_nlp.storage import Store


def disk_full(store: Store) -> None:
    """From now on the store's SQLite database cannot grow (every new connection is limited too)."""
    engine = store.engine
    with engine.connect() as conn:
        pages = int(conn.exec_driver_sql("PRAGMA page_count").scalar_one())

    @sa.event.listens_for(engine, "connect")
    def _limit(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    engine.dispose()  # connections opened before now get the limit when they are opened again


def full_sqlite_error() -> sa.exc.OperationalError:
    """What SQLAlchemy raises on SQLite when the disk is full."""
    return sa.exc.OperationalError(
        "INSERT INTO articles (title) VALUES (?)", ("x",), sqlite3.OperationalError("database or disk is full")
    )
