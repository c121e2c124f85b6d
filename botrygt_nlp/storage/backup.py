"""Backup and restore of the whole store: every table in ``tables.metadata``, on SQLite and PostgreSQL.

Two formats, both written to a temporary file beside the target and renamed into place when complete:

* ``sqlite``: a self-contained SQLite database file. From a SQLite store it is made with SQLite's online
  backup API (``sqlite3.Connection.backup``, one step, so the copy is one consistent snapshot even while a
  monitor writes); from PostgreSQL the rows are copied into a fresh, migrated SQLite file.
* ``portable``: gzip'd JSON lines. Line 1 is a header (format, schema version = the last migration applied,
  source backend, tables and their columns); then one line per row, ``{"t": table, "r": [values]}``, tables
  in foreign-key order; the last line ``{"end": {"rows": {table: count}}}`` proves the file is complete.
  Values that JSON cannot carry exactly are tagged: ``{"$dt": iso}`` (datetimes, with their offset),
  ``{"$b64": ...}`` (bytes), ``{"$json": ...}`` (JSON objects/lists), ``{"$float": "nan"}``, ``{"$dec": ...}``,
  ``{"$date"}``, ``{"$time"}``, ``{"$td"}``, ``{"$uuid"}``. Floats are written with ``repr`` and read back bit
  for bit. It restores into either backend, so it also moves a store between SQLite and PostgreSQL.

The tables and columns come from the SQLAlchemy metadata (``schema_migrations`` aside, which each store keeps
for itself), so tables added later are backed up without touching this module.

Restore reads either format (recognised by content), refuses a store that holds any row unless ``force``,
refuses a backup from a newer schema, brings an older backup up to date with the migrations (on a
temporary SQLite copy, never on the backup itself), and writes everything in ONE transaction on the target:
a damaged or truncated file, or a row the database refuses, leaves the store exactly as it was. On
PostgreSQL the id sequences are moved past the restored ids.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import math
import os
import shutil
import sqlite3
import tempfile
import urllib.parse
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum, StrEnum
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from botrygt_nlp import __version__
from botrygt_nlp.errors import InputError, StorageError
from botrygt_nlp.storage import migrations
from botrygt_nlp.storage.engine import create_engine
from botrygt_nlp.storage.store import Store
from botrygt_nlp.storage.tables import metadata, schema_migrations

FORMAT_NAME = "botrygt-nlp-backup"
FORMAT_VERSION = 1
_BATCH = 1000
_GZIP_MAGIC = b"\x1f\x8b"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_PORTABLE_SUFFIXES = (".jsonl.gz", ".json.gz", ".gz")
_SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")


class BackupFormat(StrEnum):
    SQLITE = "sqlite"
    PORTABLE = "portable"


class BackupFileError(InputError):
    """The file is not a usable backup: unknown format, damaged, truncated, or from a newer schema."""

    code = "bad_backup"


class StoreNotEmptyError(InputError):
    """Restore would replace data that is already in the store, and ``force`` was not given."""

    code = "store_not_empty"


@dataclass(frozen=True, slots=True)
class BackupReport:
    path: Path
    format: BackupFormat
    schema_version: int
    rows: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RestoreReport:
    path: Path
    format: BackupFormat
    backup_version: int  # the schema version the backup was made with
    schema_version: int  # the store's schema version (the backup was migrated up to it)
    migrated: tuple[int, ...]  # migration steps applied to the backup on the way
    replaced: bool  # the store held data that was replaced (force)
    rows: dict[str, int] = field(default_factory=dict)


# A batch of rows of one table: (table name, column names, rows as tuples in column order).
_Batch = tuple[str, tuple[str, ...], list[tuple[Any, ...]]]


def data_tables() -> list[sa.Table]:
    """Every table a backup carries, parents before children (``schema_migrations`` excepted)."""
    return [t for t in metadata.sorted_tables if t is not schema_migrations]


def format_for(path: Path, dialect: str) -> BackupFormat:
    """The format a backup to ``path`` gets by default: by suffix, else the store's own kind."""
    name = path.name.lower()
    if name.endswith(_PORTABLE_SUFFIXES):
        return BackupFormat.PORTABLE
    if name.endswith(_SQLITE_SUFFIXES):
        return BackupFormat.SQLITE
    return BackupFormat.SQLITE if dialect == "sqlite" else BackupFormat.PORTABLE


# ---------------------------------------------------------------------- backup
def backup(store: Store, path: Path | str, *, fmt: BackupFormat | None = None) -> BackupReport:
    """Write a consistent backup of every table to ``path`` (replaced atomically when complete)."""
    path = Path(path)
    fmt = fmt or format_for(path, store.dialect)
    if path.is_dir():
        raise InputError(f"{path} is a directory")
    own = _sqlite_file(store)
    if own is not None and path.exists() and path.resolve() == own.resolve():
        raise InputError(f"{path} is the store's own database file; write the backup somewhere else")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        if fmt is BackupFormat.SQLITE:
            version, rows = _backup_sqlite_file(store, partial)
        else:
            with _snapshot(store, path.parent) as conn:
                version = _version(conn)
                rows = _write_portable(conn, partial, version, store.dialect)
        _fsync(partial)
        os.replace(partial, path)
        _fsync_dir(path.parent)
    except (sa.exc.SQLAlchemyError, sqlite3.Error) as exc:
        raise StorageError(f"backup failed: {_reason(exc)}") from exc
    except OSError as exc:
        raise StorageError(f"cannot write the backup {path}: {exc}") from exc
    finally:
        for leftover in (partial, *(partial.with_name(partial.name + s) for s in ("-wal", "-shm", "-journal"))):
            leftover.unlink(missing_ok=True)
    return BackupReport(path=path, format=fmt, schema_version=version, rows=rows)


def _backup_sqlite_file(store: Store, dest: Path) -> tuple[int, dict[str, int]]:
    if store.dialect == "sqlite":
        _sqlite_online_backup(store, dest)
    else:
        with _snapshot(store, dest.parent) as conn:
            version = _version(conn)
            engine = create_engine(f"sqlite:///{dest}")
            try:
                migrations.migrate(engine, target=version)
                with engine.begin() as out:
                    _insert_batches(out, _db_batches(conn), lenient=True)
            finally:
                engine.dispose()
        _make_self_contained(dest)
    engine = _sqlite_ro_engine(dest)
    try:
        with engine.connect() as conn:
            return _version(conn), _counts(conn)
    finally:
        engine.dispose()


def _sqlite_online_backup(store: Store, dest: Path) -> None:
    """SQLite's online backup API in one step: a consistent snapshot; WAL writers carry on meanwhile."""
    raw = store.engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        target = sqlite3.connect(dest)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        raw.close()
    _make_self_contained(dest)


def _make_self_contained(path: Path) -> None:
    """Rollback-journal mode: the backup is one file that opens read-only anywhere (no -wal/-shm)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=DELETE").fetchall()
    finally:
        conn.close()


@contextmanager
def _snapshot(store: Store, workdir: Path) -> Iterator[Connection]:
    """A connection that sees one consistent state of the store for as long as it is open."""
    if store.dialect == "sqlite":
        # A backup-API copy (in ``workdir``, beside the backup, which needs that room anyway) rather than a
        # read transaction held open on the live database for the whole dump, which would keep WAL
        # checkpoints from completing while the monitor writes.
        with tempfile.TemporaryDirectory(prefix=".botrygt-backup-", dir=workdir) as tmp:
            copy = Path(tmp) / "snapshot.sqlite3"
            _sqlite_online_backup(store, copy)
            engine = _sqlite_ro_engine(copy)
            try:
                with engine.connect() as conn:
                    yield conn
            finally:
                engine.dispose()
        return
    with store.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            yield conn


def _write_portable(conn: Connection, dest: Path, version: int, dialect: str) -> dict[str, int]:
    tables = _present_tables(conn)
    header = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "schema_version": version,
        "source": dialect,
        "written_by": f"botrygt-nlp {__version__}",
        "created_at": datetime.now(UTC).isoformat(),
        "tables": [{"name": t.name, "columns": [c.name for c in cols]} for t, cols in tables],
    }
    counts: dict[str, int] = {t.name: 0 for t, _ in tables}
    with open(dest, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as gz:
        out = io.TextIOWrapper(gz, encoding="utf-8", newline="\n")
        out.write(_dumps(header) + "\n")
        for name, _cols, rows in _db_batches(conn, tables):
            for row in rows:
                out.write(_dumps({"t": name, "r": [_encode(v) for v in row]}) + "\n")
            counts[name] += len(rows)
        out.write(_dumps({"end": {"rows": counts}}) + "\n")
        out.flush()
        out.detach()
    return counts


# ---------------------------------------------------------------------- restore
def restore(store: Store, path: Path | str, *, force: bool = False) -> RestoreReport:
    """Replace the store's contents with the backup at ``path``, in one transaction (see module doc)."""
    path = Path(path)
    own = _sqlite_file(store)
    if own is not None and path.resolve() == own.resolve():
        raise InputError(f"{path} is the store's own database file")
    target_version = migrations.current_version(store.engine)
    if target_version != migrations.LATEST_VERSION:
        raise StorageError(
            f"the store is at schema version {target_version}, not {migrations.LATEST_VERSION}: open it once "
            "to migrate it before restoring"
        )
    fmt = _sniff(path)
    try:
        with tempfile.TemporaryDirectory(prefix="botrygt-restore-") as tmp:
            if fmt is BackupFormat.SQLITE:
                source = _sqlite_source(path, Path(tmp))
            else:
                source = _portable_source(path, Path(tmp))
            with source as (backup_version, migrated, batches):
                replaced, rows = _load(store, path, batches, force=force)
    except BackupFileError:
        raise
    except StoreNotEmptyError:
        raise
    except (OSError, EOFError, zlib.error, ValueError, sqlite3.DatabaseError) as exc:
        raise BackupFileError(f"{path} is damaged or truncated: {_reason(exc)}") from exc
    except sa.exc.SQLAlchemyError as exc:
        raise StorageError(f"restore failed, the store is unchanged: {_reason(exc)}") from exc
    return RestoreReport(
        path=path,
        format=fmt,
        backup_version=backup_version,
        schema_version=target_version,
        migrated=tuple(migrated),
        replaced=replaced,
        rows=rows,
    )


def _sniff(path: Path) -> BackupFormat:
    try:
        with open(path, "rb") as f:
            head = f.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise BackupFileError(f"cannot read {path}: {exc}") from exc
    if head.startswith(_GZIP_MAGIC):
        return BackupFormat.PORTABLE
    if head == _SQLITE_MAGIC:
        return BackupFormat.SQLITE
    raise BackupFileError(f"{path} is not a botrygt-nlp backup (neither a SQLite database nor a gzip'd portable dump)")


def _load(store: Store, path: Path, batches: Iterator[_Batch], *, force: bool) -> tuple[bool, dict[str, int]]:
    tables = {t.name: t for t in data_tables()}
    counts: dict[str, int] = {name: 0 for name in tables}
    with store.engine.begin() as conn:
        filled = [
            t.name for t in data_tables() if conn.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first()
        ]
        if filled and not force:
            raise StoreNotEmptyError(
                f"the store is not empty (rows in {', '.join(filled)}); a restore replaces everything in it: "
                "pass --force to overwrite it"
            )
        for table in reversed(data_tables()):
            conn.execute(table.delete())
        try:
            for name, n in _insert_batches(conn, batches, lenient=False).items():
                counts[name] += n
        except sa.exc.StatementError as exc:
            # Refused rows (constraints, types) or values the column types cannot take: the file's fault.
            # Other driver errors (locked, disk full, connection lost) are the database's: re-raised.
            if isinstance(exc, sa.exc.DBAPIError) and not isinstance(exc, sa.exc.IntegrityError | sa.exc.DataError):
                raise
            raise BackupFileError(f"{path}: the backup's rows do not fit the database: {_reason(exc)}") from exc
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn)
    return bool(filled), counts


def _insert_batches(conn: Connection, batches: Iterator[_Batch], *, lenient: bool) -> dict[str, int]:
    """Insert each batch. ``lenient`` (a staging copy at an older schema) takes tables and columns as they
    come; otherwise they must all exist in the current metadata (nothing in a backup is dropped silently)."""
    counts: dict[str, int] = {}
    for name, cols, rows in batches:
        if not rows:
            continue
        table = metadata.tables.get(name)
        if table is None or table is schema_migrations:
            if not lenient:
                raise BackupFileError(f"the backup has a table this version does not know: {name!r}")
            target: sa.TableClause = sa.table(name, *(sa.column(c) for c in cols))
        else:
            unknown = [c for c in cols if c not in table.c]
            if unknown and not lenient:
                raise BackupFileError(f"the backup has columns this version does not know: {name}.{unknown}")
            target = sa.table(
                name, *(sa.column(c, table.c[c].type if c in table.c else sa.types.NULLTYPE) for c in cols)
            )
        conn.execute(sa.insert(target), [dict(zip(cols, r, strict=True)) for r in rows])
        counts[name] = counts.get(name, 0) + len(rows)
    return counts


def _reset_sequences(conn: Connection) -> None:
    """After explicit ids, PostgreSQL's sequences must start past the largest one, or the next insert fails."""
    for table in data_tables():
        col = table.autoincrement_column
        if col is None:
            continue
        highest = sa.select(sa.func.max(col)).scalar_subquery()
        conn.execute(
            sa.select(
                sa.func.setval(
                    sa.func.pg_get_serial_sequence(table.name, col.name),
                    sa.func.coalesce(highest, 0) + 1,
                    False,
                )
            )
        )


@contextmanager
def _sqlite_source(path: Path, tmp: Path) -> Iterator[tuple[int, list[int], Iterator[_Batch]]]:
    """Rows of a SQLite backup file, migrated to the current schema on a temporary copy when older."""
    engine = _sqlite_ro_engine(path)
    try:
        with engine.connect() as conn:
            try:
                check = conn.exec_driver_sql("PRAGMA integrity_check").scalars().all()
                is_store = sa.inspect(conn).has_table(schema_migrations.name)
                version = _version(conn) if is_store else 0
            except sa.exc.DBAPIError as exc:
                raise BackupFileError(f"{path} is damaged or truncated: {_reason(exc)}") from exc
            if check != ["ok"]:
                raise BackupFileError(f"{path} is damaged: {'; '.join(map(str, check[:5]))}")
            if not is_store:
                raise BackupFileError(f"{path} is a SQLite database but not a botrygt-nlp store")
            _check_version(path, version)
            if version == migrations.LATEST_VERSION:
                yield version, [], _source_rows(path, _db_batches(conn))
                return
    finally:
        engine.dispose()
    copy = tmp / "upgrade.sqlite3"
    shutil.copyfile(path, copy)
    staged = create_engine(f"sqlite:///{copy}")
    try:
        try:
            applied = migrations.migrate(staged)
        except sa.exc.SQLAlchemyError as exc:
            raise BackupFileError(f"{path} cannot be migrated to the current schema: {_reason(exc)}") from exc
        with staged.connect() as conn:
            yield version, applied, _source_rows(path, _db_batches(conn))
    finally:
        staged.dispose()


def _source_rows(path: Path, batches: Iterator[_Batch]) -> Iterator[_Batch]:
    """Reading the backup's rows failed: the backup's fault, not the target store's."""
    try:
        yield from batches
    except sa.exc.DBAPIError as exc:
        raise BackupFileError(f"{path} is damaged or truncated: {_reason(exc)}") from exc


@contextmanager
def _portable_source(path: Path, tmp: Path) -> Iterator[tuple[int, list[int], Iterator[_Batch]]]:
    """Rows of a portable dump; an older one is loaded into a temporary SQLite store at its own schema
    version, migrated there, and read back from it."""
    with gzip.open(path, "rt", encoding="utf-8", newline="\n") as f:
        header = _read_header(path, f)
        version = int(header["schema_version"])
        _check_version(path, version)
        if version == migrations.LATEST_VERSION:
            yield version, [], _portable_batches(path, f, header)
            return
        staged = create_engine(f"sqlite:///{tmp / 'upgrade.sqlite3'}")
        try:
            migrations.migrate(staged, target=version)
            with staged.begin() as conn:
                _insert_batches(conn, _portable_batches(path, f, header), lenient=True)
            applied = migrations.migrate(staged)
            with staged.connect() as conn:
                yield version, applied, _db_batches(conn)
        finally:
            staged.dispose()


def _read_header(path: Path, f: IO[str]) -> dict[str, Any]:
    line = f.readline()
    try:
        header = json.loads(line)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise BackupFileError(f"{path} is not a botrygt-nlp portable backup (no header line)")
    if header.get("format_version") != FORMAT_VERSION:
        raise BackupFileError(
            f"{path} uses backup format {header.get('format_version')!r}; this version reads {FORMAT_VERSION}"
        )
    if not isinstance(header.get("schema_version"), int) or not isinstance(header.get("tables"), list):
        raise BackupFileError(f"{path} has a malformed header")
    return header


def _portable_batches(path: Path, f: IO[str], header: dict[str, Any]) -> Iterator[_Batch]:
    columns: dict[str, tuple[str, ...]] = {}
    for t in header["tables"]:
        if not isinstance(t, dict) or not isinstance(t.get("name"), str) or not isinstance(t.get("columns"), list):
            raise BackupFileError(f"{path} has a malformed header")
        columns[t["name"]] = tuple(str(c) for c in t["columns"])
    seen = dict.fromkeys(columns, 0)
    current: str | None = None
    batch: list[tuple[Any, ...]] = []
    end: Any = None
    lineno = 1
    for lineno, line in enumerate(f, start=2):
        if end is not None:
            raise BackupFileError(f"{path}:{lineno}: data after the end marker")
        if not line.endswith("\n"):
            raise BackupFileError(f"{path}:{lineno}: truncated line")
        try:
            rec = json.loads(line)
        except ValueError as exc:
            raise BackupFileError(f"{path}:{lineno}: not JSON ({exc})") from exc
        if not isinstance(rec, dict):
            raise BackupFileError(f"{path}:{lineno}: not a row")
        if "end" in rec:
            end = rec["end"]
            continue
        name, values = rec.get("t"), rec.get("r")
        if not isinstance(name, str) or name not in columns or not isinstance(values, list):
            raise BackupFileError(f"{path}:{lineno}: not a row of a table named in the header")
        if len(values) != len(columns[name]):
            raise BackupFileError(f"{path}:{lineno}: {len(values)} values for {len(columns[name])} columns")
        if name != current or len(batch) >= _BATCH:
            if current is not None and batch:
                yield current, columns[current], batch
            current, batch = name, []
        try:
            batch.append(tuple(_decode(v) for v in values))
        except (ValueError, TypeError) as exc:
            raise BackupFileError(f"{path}:{lineno}: bad value ({exc})") from exc
        seen[name] += 1
    if current is not None and batch:
        yield current, columns[current], batch
    if end is None:
        raise BackupFileError(f"{path} is truncated: the end marker is missing after line {lineno}")
    expected = end.get("rows") if isinstance(end, dict) else None
    if expected != seen:
        raise BackupFileError(f"{path} is incomplete: row counts {seen} do not match the end marker {expected}")


# ---------------------------------------------------------------------- shared
def _present_tables(conn: Connection) -> list[tuple[sa.Table, list[sa.Column[Any]]]]:
    """The metadata's tables (FK order) and columns that exist in this database (an older one has fewer)."""
    insp = sa.inspect(conn)
    found: list[tuple[sa.Table, list[sa.Column[Any]]]] = []
    for table in data_tables():
        if not insp.has_table(table.name):
            continue
        have = {c["name"] for c in insp.get_columns(table.name)}
        found.append((table, [c for c in table.columns if c.name in have]))
    return found


def _db_batches(
    conn: Connection, tables: list[tuple[sa.Table, list[sa.Column[Any]]]] | None = None
) -> Iterator[_Batch]:
    for table, cols in tables if tables is not None else _present_tables(conn):
        names = tuple(c.name for c in cols)
        order = list(table.primary_key.columns) or cols
        result = conn.execute(sa.select(*cols).order_by(*order).execution_options(yield_per=_BATCH))
        for part in result.partitions():
            yield table.name, names, [tuple(r) for r in part]


def _counts(conn: Connection) -> dict[str, int]:
    return {
        t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
        for t, _ in _present_tables(conn)
    }


def _version(conn: Connection) -> int:
    if not sa.inspect(conn).has_table(schema_migrations.name):
        return 0
    return int(conn.execute(sa.select(sa.func.max(schema_migrations.c.version))).scalar() or 0)


def _check_version(path: Path, version: int) -> None:
    if version > migrations.LATEST_VERSION:
        raise BackupFileError(
            f"{path} was made with schema version {version}, newer than this botrygt-nlp's "
            f"{migrations.LATEST_VERSION}: upgrade botrygt-nlp before restoring it"
        )
    if version < 1:
        raise BackupFileError(f"{path} has no schema version")


def _sqlite_file(store: Store) -> Path | None:
    if store.dialect != "sqlite":
        return None
    db = store.engine.url.database
    return Path(db) if db and db != ":memory:" else None


def _sqlite_ro_engine(path: Path) -> Engine:
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?mode=ro"
    return sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=NullPool)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _encode(v: Any) -> Any:
    if v is None or isinstance(v, bool | int | str):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else {"$float": repr(v)}
    if isinstance(v, datetime):
        return {"$dt": v.isoformat()}
    if isinstance(v, date):
        return {"$date": v.isoformat()}
    if isinstance(v, time):
        return {"$time": v.isoformat()}
    if isinstance(v, timedelta):
        return {"$td": [v.days, v.seconds, v.microseconds]}
    if isinstance(v, bytes | bytearray | memoryview):
        return {"$b64": base64.b64encode(bytes(v)).decode("ascii")}
    if isinstance(v, Decimal):
        return {"$dec": str(v)}
    if isinstance(v, uuid.UUID):
        return {"$uuid": str(v)}
    if isinstance(v, Enum):
        return _encode(v.value)
    if isinstance(v, dict | list):
        return {"$json": v}
    raise StorageError(f"cannot back up a value of type {type(v).__name__}")


def _decode(v: Any) -> Any:
    if not isinstance(v, dict):
        if isinstance(v, list):
            raise ValueError("untagged list")
        return v
    if len(v) != 1:
        raise ValueError(f"unknown value {v!r:.80}")
    ((tag, x),) = v.items()
    if tag == "$json":
        return x
    if not isinstance(x, str) and tag != "$td":
        raise ValueError(f"bad {tag} value")
    match tag:
        case "$dt":
            return datetime.fromisoformat(x)
        case "$date":
            return date.fromisoformat(x)
        case "$time":
            return time.fromisoformat(x)
        case "$td":
            days, seconds, micros = x
            return timedelta(days=days, seconds=seconds, microseconds=micros)
        case "$b64":
            return base64.b64decode(x, validate=True)
        case "$float":
            return float(x)
        case "$dec":
            return Decimal(x)
        case "$uuid":
            return uuid.UUID(x)
    raise ValueError(f"unknown tag {tag}")
