"""Archives in parts: a folder of JSONL or Parquet files, each read as one partition of records.

A Parquet part has the JSONL columns ``id``, ``text`` and optionally ``title``; its records are numbered by
row (1-based), the way JSONL records are numbered by line, so a bad row is reported where it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from botrygt_nlp.errors import InputError, MalformedRecordError
from botrygt_nlp.inputs import InputRecord, iter_jsonl

PART_SUFFIXES = (".jsonl", ".parquet")
_BATCH_ROWS = 1024


def part_files(folder: Path) -> list[Path]:
    """The ``*.jsonl`` and ``*.parquet`` files directly in ``folder``, in name order."""
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder of JSONL or Parquet parts")
    parts = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in PART_SUFFIXES)
    if not parts:
        raise InputError(f"{folder} has no *.jsonl or *.parquet parts")
    return parts


def iter_part(path: Path, encoding: str | None = None) -> Iterator[InputRecord]:
    if path.suffix.lower() == ".parquet":
        yield from iter_parquet(path)
        return
    with path.open("rb") as fh:
        yield from iter_jsonl(iter(fh), str(path), encoding)


def iter_parquet(path: Path) -> Iterator[InputRecord]:
    import pyarrow.parquet as pq

    try:
        source = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises its own error types for every kind of broken file
        raise InputError(f"{path} is not a readable Parquet file: {exc}") from exc
    names = set(source.schema_arrow.names)
    if "text" not in names:
        raise InputError(f'{path} has no "text" column (columns: {", ".join(sorted(names))})')
    columns = [c for c in ("id", "text", "title") if c in names]
    row = 0
    for batch in source.iter_batches(batch_size=_BATCH_ROWS, columns=columns):
        for rec in batch.to_pylist():
            row += 1
            yield _record(rec, str(path), row)


def _record(rec: dict[str, Any], source: str, row: int) -> InputRecord:
    rid = rec.get("id")
    rid = rid if isinstance(rid, str | int) and not isinstance(rid, bool) else (None if rid is None else str(rid))
    text, title = rec.get("text"), rec.get("title")
    if not isinstance(text, str):
        error = MalformedRecordError(f'{source} row {row}: field "text" is missing or not a string.')
        return InputRecord(rid, None, line=row, error=error)
    return InputRecord(rid, text, title if isinstance(title, str) else None, line=row)
