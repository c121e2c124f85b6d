"""Reading user input safely: files, stdin and JSONL records, with clear errors that name the problem.

Nothing here guesses silently: bytes that are not UTF-8 are refused with the offset and a hint (pass an
explicit encoding), binary files are refused, and size limits are checked before reading.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from botrygt_nlp.errors import BinaryInputError, EncodingError, InputError, MalformedRecordError, TextTooLargeError

TEXT_SUFFIXES = (".txt", ".md")
# Recovers the id of a line that is not valid JSON, so its error object can still name it.
_ID_RE = re.compile(r'"id"\s*:\s*(?:"((?:[^"\\]|\\.)*)"|(-?\d+))')


def _salvage_id(line: str) -> str | int | None:
    m = _ID_RE.search(line)
    if not m:
        return None
    return m.group(1) if m.group(1) is not None else int(m.group(2))


@dataclass(frozen=True, slots=True)
class InputRecord:
    """One text to score. ``error`` is set instead of ``text`` when the record itself was unusable."""

    id: str | int | None
    text: str | None
    title: str | None = None
    line: int | None = None
    error: InputError | None = None


def looks_binary(data: bytes) -> bool:
    """NUL bytes, or many control characters in the first 8 KiB, mean this is not a text file."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    if not head:
        return False
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return control / len(head) > 0.05


def decode_text(data: bytes, source: str, encoding: str | None = None) -> str:
    if looks_binary(data):
        raise BinaryInputError(f"{source} looks like a binary file (NUL or control bytes), not text.")
    if encoding:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise EncodingError(f"{source} cannot be decoded as {encoding}: {exc}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint = ""
        try:
            data.decode("cp1252")
            hint = " It decodes as Windows-1252/Latin-1: convert it to UTF-8 or pass --encoding cp1252."
        except UnicodeDecodeError:
            pass
        raise EncodingError(
            f"{source} is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}).{hint}"
        ) from exc


def read_limited(stream: BinaryIO, limit: int, source: str) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise TextTooLargeError(f"{source} is larger than the limit of {limit:,} bytes.")
    return data


def read_text_file(path: Path, max_bytes: int, encoding: str | None = None) -> str:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    if size > max_bytes:
        raise TextTooLargeError(f"{path} has {size:,} bytes; the limit is {max_bytes:,}. Split it first.")
    try:
        with path.open("rb") as fh:
            data = read_limited(fh, max_bytes, str(path))
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    return decode_text(data, str(path), encoding)


def iter_directory(directory: Path) -> Iterator[Path]:
    """Every ``*.txt`` / ``*.md`` file below ``directory``, in a stable order."""
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES:
            yield path


def iter_jsonl(lines: Iterator[bytes], source: str, encoding: str | None = None) -> Iterator[InputRecord]:
    """One record per non-blank line; a bad line becomes a record with ``error`` and the rest go on."""
    for lineno, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            line = decode_text(raw, f"{source} line {lineno}", encoding)
        except InputError as exc:
            yield InputRecord(None, None, line=lineno, error=exc)
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputRecord(
                _salvage_id(line),
                None,
                line=lineno,
                error=MalformedRecordError(
                    f"{source} line {lineno}: not valid JSON ({exc.msg} at column {exc.colno})."
                ),
            )
            continue
        if not isinstance(obj, dict):
            yield InputRecord(
                None,
                None,
                line=lineno,
                error=MalformedRecordError(f'{source} line {lineno}: expected a JSON object with "id" and "text".'),
            )
            continue
        rid = obj.get("id")
        rid = rid if isinstance(rid, str | int) and not isinstance(rid, bool) else (None if rid is None else str(rid))
        text = obj.get("text")
        title = obj.get("title")
        if not isinstance(text, str):
            yield InputRecord(
                rid,
                None,
                line=lineno,
                error=MalformedRecordError(f'{source} line {lineno}: field "text" is missing or not a string.'),
            )
            continue
        yield InputRecord(rid, text, title if isinstance(title, str) else None, line=lineno)
