"""Engine construction: SQLite (WAL, real transactions) as the embedded default, PostgreSQL by URL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url

_SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_WRITE = "botrygt_write"  # execution option marking a connection opened by engine.begin() (a write)


def create_engine(url: str, *, pg_schema: str | None = None) -> Engine:
    """An engine for ``url``. ``pg_schema`` pins PostgreSQL's search_path (tests isolate runs with it)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if parsed.get_backend_name() == "postgresql":
        connect_args: dict[str, Any] = {}
        if pg_schema is not None:
            if not _SCHEMA_RE.match(pg_schema):
                raise ValueError(f"unsafe schema name {pg_schema!r}")
            connect_args["options"] = f"-csearch_path={pg_schema}"
            _ensure_schema(url, pg_schema)
        return sa.create_engine(url, connect_args=connect_args, pool_pre_ping=True)
    raise ValueError(f"unsupported database URL {parsed.render_as_string(hide_password=True)}")


def _ensure_schema(url: str, schema: str) -> None:
    bootstrap = sa.create_engine(url)
    try:
        with bootstrap.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    finally:
        bootstrap.dispose()


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": 30})

    # pysqlite's own transaction handling skips BEGIN for DDL and upgrades read locks lazily, which makes
    # concurrent writers fail with "database is locked" instead of waiting. Take control: autocommit at
    # the driver level, and an explicit BEGIN IMMEDIATE (write lock up front, waits on busy_timeout) for
    # every write transaction (engine.begin(), which the Store's writes use). A read (engine.connect(),
    # autobegun) starts a plain deferred BEGIN: a snapshot that neither waits for nor blocks anyone under
    # WAL. Reads used to take the write lock too, so they ran one at a time and the waiting ones slept in
    # SQLite's busy-handler back-off: seconds of read latency under load (issue 10, point 8).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across process crashes
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")

    @contextmanager
    def begin_write() -> Iterator[Connection]:
        with engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})  # in place, for this Connection only
            with conn.begin():
                yield conn

    engine.begin = begin_write  # type: ignore[method-assign]
    return engine
