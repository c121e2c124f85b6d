"""The one CSV writer of botrygt-nlp: every CSV the project produces goes through here.

``botrygt export --format csv``, ``GET /v1/export``, ``botrygt trends --format csv`` and the audit page's
download all open in spreadsheets, and their cells hold text from the open web (feed titles, article
text). A cell that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``, also after leading
spaces or quotes, or a cell starting with a tab or CR) is written with a ``'`` in front, the usual
"show as text" prefix. Numbers and booleans are written as they are: they carry no formula.

The prefix is reversible: :func:`restore` takes it off again (``botrygt import`` of a CSV export), so an
export → import round trip gives back every string exactly. That holds because a string that starts
with ``'`` and then needs the guard needs the guard itself (the ``'`` is among the characters skipped
before the formula character), so it is written with a second ``'`` and read back with one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import IO, Any

__all__ = ["CsvWriter", "defuse", "needs_guard", "restore", "rows_to_csv"]

GUARD = "'"
_FORMULA = ("=", "+", "-", "@")
# Skipped before the first character that decides. Both sets hold the guard itself: that keeps restore()
# the exact inverse of defuse().
_LEAD = " \"'"
_LEAD_WIDE = " \"'\t\r\n\u00a0"


def needs_guard(text: str) -> bool:
    """Would a spreadsheet read ``text`` as a formula (or as a cell that starts with a control character)?"""
    if text.lstrip(_LEAD)[:1] in (*_FORMULA, "\t", "\r"):
        return True
    return text.lstrip(_LEAD_WIDE)[:1] in _FORMULA


def defuse(value: object) -> str:
    """One cell as written: None is empty, numbers and booleans as they are, text guarded if needed."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return str(value)
    text = str(value)
    return GUARD + text if needs_guard(text) else text


def restore(cell: str) -> str:
    """The text :func:`defuse` was given (for a cell it wrote): the guard taken off again."""
    if cell.startswith(GUARD) and needs_guard(cell[1:]):
        return cell[1:]
    return cell


class CsvWriter:
    """``csv.writer`` (LF line ends, minimal quoting) whose every cell goes through :func:`defuse`.

    Rows are formatted with a CRLF terminator and written with LF: with a bare ``"\n"`` terminator the csv
    module leaves a cell holding a lone CR unquoted, and every reader then splits the record there."""

    def __init__(self, fh: IO[str]) -> None:
        self._fh = fh
        self._buf = io.StringIO()
        self._w = csv.writer(self._buf, lineterminator="\r\n")

    def row(self, values: Iterable[Any]) -> None:
        self._w.writerow([defuse(v) for v in values])
        line = self._buf.getvalue()
        self._buf.seek(0)
        self._buf.truncate()
        self._fh.write(line.removesuffix("\r\n") + "\n")

    def rows(self, rows: Iterable[Iterable[Any]]) -> None:
        for r in rows:
            self.row(r)


def rows_to_csv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    """A whole (small) CSV document as a string."""
    buf = io.StringIO()
    w = CsvWriter(buf)
    w.row(header)
    w.rows(rows)
    return buf.getvalue()
