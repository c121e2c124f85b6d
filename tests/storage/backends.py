"""Storage backends for tests: SQLite always, PostgreSQL where BOTRYGT_TEST_POSTGRES_URL is set (CI).

Each PostgreSQL test gets its own schema (dropped afterwards), so parallel runs never collide.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from botrygt_nlp.storage import Store
from tests.conftest import require_or_skip

BACKENDS = ("sqlite", "postgresql")
PG_ENV = "BOTRYGT_TEST_POSTGRES_URL"


def pg_url() -> str:
    url = os.environ.get(PG_ENV, "")
    require_or_skip(
        "BOTRYGT_REQUIRE_POSTGRES", bool(url), f"{PG_ENV} not set: the PostgreSQL backend is not tested here"
    )
    return url


@contextmanager
def backend(kind: str, tmp_path: Path) -> Iterator[tuple[str, Callable[[], Store]]]:
    """Yields (database URL, factory opening a new Store on one fresh database)."""
    opened: list[Store] = []
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.sqlite3'}"

        def factory() -> Store:
            s = Store.open(url)
            opened.append(s)
            return s

        try:
            yield url, factory
        finally:
            for s in opened:
                s.close()
        return
    url = pg_url()
    schema = "t_" + uuid.uuid4().hex[:12]

    def pg_factory() -> Store:
        s = Store.open(url, pg_schema=schema)
        opened.append(s)
        return s

    try:
        yield url + f"#schema={schema}", pg_factory
    finally:
        for s in opened:
            s.close()
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
