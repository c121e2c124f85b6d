"""One formula-safe CSV writer for every CSV the project writes, and an import that undoes its guard exactly."""

from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import date
from pathlib import Path

import pytest

import botrygt_nlp
from botrygt_nlp import csvout
from botrygt_nlp.monitor.archive import ExportFormat, export_articles, import_file
from botrygt_nlp.storage import Store
from botrygt_nlp.trends import FIELDS, TrendRow, rows_to_csv
from tests.monitor_poll.fakes import FakeAnalyzer
from tests.storage.helpers import article, assessment

HOSTILE = [
    '=HYPERLINK("http://evil.example","klik")',
    "+45 12 34 56 78",
    "-2+3",
    "@SUM(A1)",
    " =1+1",
    '"=1+1',
    "'=1+1",
    "''=1+1",
    " ' =cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\tIndbrud",
    "\rIndbrud",
    "\n=1+1",
    "'hverdag",
    "''",
    "'",
    "Indbrud i villa på Søgade",
    "Tyv = indbrudstyv",
    "",
]


@pytest.mark.parametrize("text", [t for t in HOSTILE if t.lstrip(" '\"\t\r\n")[:1] in "=+-@" and t.strip(" '\"")])
def test_formulas_are_guarded_also_after_spaces_quotes_tab_and_cr(text: str) -> None:
    assert csvout.defuse(text) == "'" + text


@pytest.mark.parametrize("text", ["Indbrud i villa", "Tyv = indbrudstyv", "'hverdag", "", "2026-01-05", "Ølgod"])
def test_plain_text_is_written_as_it_is(text: str) -> None:
    assert csvout.defuse(text) == text


def test_numbers_and_booleans_are_not_guarded() -> None:
    # A negative score is a number to a spreadsheet, not a formula; a guard would turn it into text.
    assert [csvout.defuse(v) for v in (-0.25, -3, True, None)] == ["-0.25", "-3", "True", ""]


def test_restore_is_the_exact_inverse_of_defuse() -> None:
    alphabet = [" ", "'", '"', "\t", "\r", "\n", "=", "+", "-", "@", "a", "1"]
    for n in range(5):
        for chars in itertools.product(alphabet, repeat=n):
            text = "".join(chars)
            written = csvout.defuse(text)
            assert not csvout.needs_guard(written.removeprefix("'")) or written.startswith("'")
            assert csvout.restore(written) == text, repr(text)


def test_every_csv_goes_through_the_one_writer() -> None:
    """No module but csvout builds a csv writer (a new CSV output cannot forget the guard)."""
    root = Path(botrygt_nlp.__file__).parent
    found = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if p.name != "csvout.py" and re.search(r"csv\.(writer|DictWriter)\(", p.read_text(encoding="utf-8"))
    ]
    assert found == []


def _hostile_store(store: Store) -> None:
    items = [
        (
            article(
                f"https://arkiv.example/{i}",
                title,
                outlet="=Avis" if i % 3 == 0 else "Avis",
                text=f'{title}\r\nAnden linje; "citat", komma.\n-{i} grader' if i % 2 else f"- {title}",
            ),
            assessment(),
        )
        for i, title in enumerate(t for t in HOSTILE if t.strip())
    ]
    store.insert_articles(items, dedup_titles=False)


def test_cli_export_csv_guards_every_text_cell(store: Store) -> None:
    _hostile_store(store)
    buf = io.StringIO()
    export_articles(store, ExportFormat.CSV, buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue(), newline="")))
    assert rows and len(rows) == store.count_articles()
    for row in rows:
        for key, cell in row.items():
            assert not csvout.needs_guard(cell) or cell.startswith("'"), (key, cell)
    titles = {r["title"] for r in rows}
    assert '\'=HYPERLINK("http://evil.example","klik")' in titles and "' =1+1" in titles
    assert "'\t=1+1" in titles and "'@SUM(A1)" in titles and "'-2+3" in titles


def test_csv_export_imports_back_exactly(store: Store, tmp_path: Path) -> None:
    _hostile_store(store)
    out = tmp_path / "artikler.csv"
    n = export_articles(store, ExportFormat.CSV, out)
    jsonl = tmp_path / "artikler.jsonl"
    export_articles(store, ExportFormat.JSONL, jsonl)

    fresh = Store.open(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    fresh_jsonl = Store.open(f"sqlite:///{tmp_path / 'fresh2.sqlite3'}")
    try:
        report = import_file(out, fresh, FakeAnalyzer())
        assert (report.imported, report.errors) == (n, [])
        import_file(jsonl, fresh_jsonl, FakeAnalyzer())

        def key(s: Store) -> list[tuple[object, ...]]:
            return sorted((a.external_id, a.outlet, a.url, a.title, a.text, a.published) for a in s.iter_articles())

        # Import trims the outlet, URL and title (of JSONL and CSV alike); the text comes back byte for byte.
        original = sorted(
            (str(a.id), a.outlet.strip(), a.url.strip(), a.title.strip(), a.text, a.published)
            for a in store.iter_articles()
        )
        assert key(fresh) == original == key(fresh_jsonl)
        assert {"=1+1", "@SUM(A1)", "-2+3", "'=1+1"} <= {a.title for a in fresh.iter_articles()}
    finally:
        fresh.close()
        fresh_jsonl.close()


def test_trends_csv_guards_group_names() -> None:
    row = TrendRow(
        group="=cmd|' /C calc'!A0",
        period=date(2026, 1, 1),
        articles=3,
        relevant=2,
        constructive=1,
        alarmist=0,
        share_constructive=0.5,
        ci_low=0.1,
        ci_high=0.9,
        model_version="v1",
    )
    lines = rows_to_csv([row]).splitlines()
    assert lines[0] == ",".join(FIELDS)
    assert lines[1].startswith("'=cmd|' /C calc'!A0,2026-01-01,3,2,1,0,0.5,")
