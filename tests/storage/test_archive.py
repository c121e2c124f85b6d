"""Archive import (JSONL) and export on every backend."""

from __future__ import annotations

import io
import json

from botrygt_nlp.monitor.archive import ExportFormat, export_articles, import_jsonl
from botrygt_nlp.storage import Store
from tests.monitor_poll.fakes import FakeAnalyzer


def _line(i: int, title: str = "Døgnrapport fra politiet", **kw: object) -> str:
    rec: dict[str, object] = {
        "id": f"r{i}",
        "url": f"https://arkiv.example/{i}?utm_medium=x",
        "outlet": "Arkiv",
        "published": f"2025-03-0{i}",
        "title": title,
        "text": f"Indbrud nummer {i}.",
    }
    rec.update(kw)
    return json.dumps(rec)


def test_import_is_idempotent_and_keeps_recurring_headlines(store: Store) -> None:
    lines = [
        _line(1),
        _line(2),
        _line(3, municipality="Christiansø"),
        "",
        "[1, 2]",
        _line(4, published="i går"),
    ]
    first = import_jsonl(lines, store, FakeAnalyzer())
    assert (first.read, first.imported, first.duplicates) == (5, 3, 0)
    assert [(e.line, e.error.split(":")[0]) for e in first.errors] == [
        (5, "malformed_record"),
        (6, "malformed_record"),
    ]
    again = import_jsonl(lines, store, FakeAnalyzer())
    assert (again.imported, again.duplicates) == (0, 3)
    rows = {r.external_id: r for r in store.list_articles()[0]}
    assert rows["r3"].municipality == "Christiansø" and rows["r3"].district == "Bornholms Politi"
    assert rows["r1"].published is not None and rows["r1"].published.isoformat() == "2025-03-01T00:00:00+00:00"


def test_export_jsonl_and_csv(store: Store) -> None:
    lines = [_line(1, "Indbrud i villa"), _line(2, "Koncert", text="Musik i parken.")]
    import_jsonl(lines, store, FakeAnalyzer())
    buf = io.StringIO()
    assert export_articles(store, ExportFormat.JSONL, buf) == 2
    rows = [json.loads(x) for x in buf.getvalue().splitlines()]
    assert [r["relevant"] for r in rows] == [True, False]
    assert rows[0]["assessment"]["model_version"] == "fake-1"
    buf = io.StringIO()
    export_articles(store, ExportFormat.CSV, buf)
    assert buf.getvalue().splitlines()[0].startswith("id,outlet,url,title,published")
