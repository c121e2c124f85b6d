"""Which exceptions are the storage failing, and the words for them.

A full disk, a locked or unreachable database or a damaged database file is nobody's input and no feed's
fault. The poll loop must not blame a feed for it (no "unparseable feed", no step toward the auto-pause),
the CLI must end with a non-zero status, and the API answers 503 in words instead of the driver's message.
Exceptions are recognised through their chain (``raise … from``) and SQLAlchemy's ``.orig``, so a
``StorageError`` from the Store, a raw ``sqlalchemy.exc.OperationalError`` from a read, a
``sqlite3.OperationalError`` or an ``OSError(ENOSPC)`` all count.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator

import sqlalchemy as sa

from botrygt_nlp.errors import StorageError, StorageFullError

FULL_MESSAGE = "the disk holding the database is full: nothing more can be saved until space is freed"
UNAVAILABLE_MESSAGE = "the database is unavailable"

_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_BROKEN_ERRNOS = frozenset({errno.EROFS, errno.EIO})
_FULL_SQLSTATES = frozenset({"53100"})  # PostgreSQL disk_full
_FULL_TEXT = ("database or disk is full", "no space left on device", "disk quota exceeded", "could not extend file")
_UNAVAILABLE_TYPES: tuple[type[BaseException], ...] = (
    sa.exc.OperationalError,
    sa.exc.InterfaceError,
    sa.exc.TimeoutError,  # the connection pool is exhausted
    sqlite3.OperationalError,
    sqlite3.InterfaceError,
)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, what it was raised from, and the DB-API exception inside a SQLAlchemy one."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo and len(seen) < 16:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        orig = getattr(e, "orig", None)
        if isinstance(orig, BaseException):
            todo.append(orig)
        if e.__cause__ is not None:
            todo.append(e.__cause__)


def driver_reason(exc: BaseException) -> str:
    """The driver's own first line (no SQL, no parameters, no link), for logs and the CLI."""
    inner = getattr(exc, "orig", None)
    text = str(inner if isinstance(inner, BaseException) else exc).strip()
    return (text.splitlines() or [type(exc).__name__])[0][:200]


def is_disk_full(exc: BaseException) -> bool:
    for e in _chain(exc):
        if isinstance(e, StorageFullError):
            return True
        if isinstance(e, OSError) and e.errno in _FULL_ERRNOS:
            return True
        if getattr(e, "sqlstate", None) in _FULL_SQLSTATES or getattr(e, "pgcode", None) in _FULL_SQLSTATES:
            return True
        if isinstance(e, sqlite3.Error | sa.exc.DBAPIError | StorageError) and any(
            t in str(e).lower() for t in _FULL_TEXT
        ):
            return True
    return False


def storage_failure(exc: BaseException) -> StorageError | None:
    """The :class:`StorageError` that ``exc`` amounts to, or None when ``exc`` is not the storage failing
    (a bug, bad input, a constraint violation are not)."""
    if is_disk_full(exc):
        if isinstance(exc, StorageFullError):
            return exc
        return StorageFullError(f"{FULL_MESSAGE} ({driver_reason(exc)})")
    for e in _chain(exc):
        if isinstance(e, StorageError):
            return e
        if isinstance(e, _UNAVAILABLE_TYPES) or type(e) is sqlite3.DatabaseError:  # e.g. a damaged file
            return StorageError(f"{UNAVAILABLE_MESSAGE} ({driver_reason(e)})")
        if isinstance(e, OSError) and e.errno in _BROKEN_ERRNOS:
            return StorageError(f"{UNAVAILABLE_MESSAGE} ({driver_reason(e)})")
    return None


def as_storage_error(exc: BaseException) -> StorageError:
    """A database error from the Store as a :class:`StorageError` with a short, readable message."""
    return storage_failure(exc) or StorageError(f"database error: {driver_reason(exc)}")
