"""A researcher's messy JSONL archive: every good line imported, every bad one named by its line number,
and export -> import round trips keeping Danish text intact, on every backend."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from botrygt_nlp.domain import Assessment
from botrygt_nlp.errors import StorageError
from botrygt_nlp.monitor.archive import ExportFormat, export_articles, import_jsonl, read_lines
from botrygt_nlp.storage import NewArticle, Store
from tests.monitor_poll.fakes import FakeAnalyzer


def _rec(i: int, **kw: object) -> dict[str, object]:
    rec: dict[str, object] = {
        "id": f"m{i}",
        "url": f"https://arkiv.example.dk/sag/{i}",
        "outlet": "Vestkysten Arkiv",
        "published": "2025-03-12",
        "title": f"Indbrud i Ølgod nr. {i}",
        "text": f"Tyve stjal værktøj fra en varebil i Ølgod. Sag {i}.",
    }
    rec.update(kw)
    return rec


def _j(rec: dict[str, object]) -> bytes:
    return json.dumps(rec, ensure_ascii=False).encode()


class _Picky(FakeAnalyzer):
    """The analyzer fails on one text the way third-party code does: not with one of our errors."""

    def assess(self, text: str, *, title: str | None = None) -> Assessment:
        if "KRÆSEN" in text:
            raise RuntimeError("tokenizer overflow")
        return super().assess(text, title=title)


def test_messy_archive_file(store: Store, tmp_path: Path) -> None:
    raw_cr = _j(_rec(3)).replace(b"Sag 3.", b"Sag\r3.")  # a bare CR inside a string
    raw_tab = _j(_rec(13)).replace(b"Sag 13.", b"Sag\t13.")  # a raw tab inside a string
    lines = [
        b"\xef\xbb\xbf" + _j(_rec(1)),  # 1: BOM
        _j(_rec(2)) + b"\r",  # 2: CRLF
        raw_cr,  # 3
        json.dumps(_rec(4, title="Tyveri på Ærø"), ensure_ascii=False).encode("cp1252"),  # 4: windows-1252
        _j(_rec(5)).replace(b"Sag 5.", b"Sag\\u0000 5.\\ud800"),  # 5: escaped NUL and lone surrogate
        b"[" * 100_000,  # 6: deep nesting
        _j(_rec(7, published="12. marts 2025 kl. 14.05")),  # 7: Danish date
        _j(_rec(8, published=1741784700)),  # 8: Unix seconds
        _j(_rec(9, published="2025-07-12T14:05:00")),  # 9: no zone: Danish summer time
        _j(_rec(10, outlet="Ø" * 300)),  # 10: longer than the column
        _j(_rec(11, text="KRÆSEN tekst")),  # 11: the analyzer breaks
        b"{ikke json",  # 12
        raw_tab,  # 13
        b"",  # 14: blank
        _j(_rec(15, id=True)),  # 15: not an id
    ]
    path = tmp_path / "arkiv.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    report = import_jsonl(read_lines(path), store, _Picky())
    assert [(e.line, e.error.split(":")[0]) for e in report.errors] == [
        (6, "malformed_record"),
        (11, "assessment_failed"),
        (12, "malformed_record"),
        (15, "malformed_record"),
    ]
    assert (report.read, report.imported, report.duplicates) == (14, 10, 0)
    rows = {r.external_id: r for r in store.list_articles(limit=100)[0]}
    assert rows["m3"].text.endswith("Sag\r3.") and rows["m13"].text.endswith("Sag\t13.")
    assert rows["m4"].title == "Tyveri på Ærø"
    assert rows["m5"].text.endswith("Sag 5.\ufffd")
    assert rows["m7"].published == datetime(2025, 3, 12, 13, 5, tzinfo=UTC)
    assert rows["m8"].published == datetime(2025, 3, 12, 13, 5, tzinfo=UTC)
    assert rows["m9"].published == datetime(2025, 7, 12, 12, 5, tzinfo=UTC)
    assert rows["m10"].outlet.startswith("ØØØ") and len(rows["m10"].outlet) == 200
    assert rows["m1"].published == datetime(2025, 3, 12, tzinfo=UTC)


class _FailsOnTitle:
    """A store whose database refuses one article (as PostgreSQL did for NUL) and any batch holding it."""

    def __init__(self, inner: Store, bad_title: str) -> None:
        self.inner, self.bad_title = inner, bad_title

    def insert_articles(self, items: Sequence[tuple[NewArticle, Assessment]], **kw: Any) -> Any:
        if any(a.title == self.bad_title for a, _ in items):
            raise StorageError("database error: refused")
        return self.inner.insert_articles(list(items), **kw)


def test_one_refused_line_does_not_sink_its_batch(store: Store) -> None:
    lines = [json.dumps(_rec(i)) for i in range(1, 6)]
    sink = _FailsOnTitle(store, "Indbrud i Ølgod nr. 3")
    report = import_jsonl(lines, sink, FakeAnalyzer())
    assert report.imported == 4 and [e.line for e in report.errors] == [3]
    assert report.errors[0].error.startswith("storage_error: StorageError")
    with pytest.raises(StorageError):  # a database that refuses everything stops the import
        import_jsonl(
            [json.dumps(_rec(9, title="x")), json.dumps(_rec(10, title="x"))], _FailsOnTitle(store, "x"), FakeAnalyzer()
        )


DANISH = [
    _rec(1, title="Æbletyveri i Søby – «igen»", text="Tyve tog æbler, pærer og én trillebør.\nLås porten."),
    _rec(2, title='Ålborg: "Hold øje"', text='Komma, semikolon; og citat "her" — ok.', published="2025-12-31"),
]


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_export_round_trip_keeps_danish_text(store_factory: Any, tmp_path: Path, fmt: ExportFormat) -> None:
    source = store_factory()
    import_jsonl([json.dumps(r, ensure_ascii=False) for r in DANISH], source, FakeAnalyzer())
    path = tmp_path / f"ud.{fmt.value}"
    assert export_articles(source, fmt, path) == 2
    if fmt is ExportFormat.PARQUET:
        rows = pq.read_table(path).to_pylist()
    elif fmt is ExportFormat.CSV:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    else:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    by_title = {r["title"]: r for r in rows}
    for rec in DANISH:
        row = by_title[str(rec["title"])]
        assert (row["text"], row["outlet"], row["url"]) == (rec["text"], rec["outlet"], rec["url"])
    # What was exported imports again unchanged (the export's own id becomes the external id).
    jsonl = io.StringIO()
    export_articles(source, ExportFormat.JSONL, jsonl)
    target = Store.open(f"sqlite:///{tmp_path / 'igen.sqlite3'}")
    try:
        again = import_jsonl(jsonl.getvalue().splitlines(), target, FakeAnalyzer())
        assert (again.imported, again.errors) == (2, [])
        before = {(a.title, a.text, a.published) for a in source.iter_articles()}
        assert {(a.title, a.text, a.published) for a in target.iter_articles()} == before
    finally:
        target.close()
