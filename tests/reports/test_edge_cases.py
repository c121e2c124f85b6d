"""Edge cases: empty input, header only, no headlines, CRLF, non-breaking spaces, BOM, 5 MB, bad bytes."""

from __future__ import annotations

import pytest

from botrygt_nlp.errors import BinaryInputError, EncodingError
from botrygt_nlp.reports import (
    HeadingKind,
    ReportFormat,
    decode_report,
    detect_format,
    detect_newline,
    parse_report,
    segment_report,
)
from tests.reports.fakes import FIXTURES, KeywordAnalyzer

BY_NAME = {f.name: f for f in FIXTURES}


@pytest.mark.parametrize("text", ["", "   \n\n  ", "\r\n"])
def test_empty_report_has_no_incidents(text: str) -> None:
    analyzer = KeywordAnalyzer()
    for fmt in ReportFormat:
        report = parse_report(text, fmt, analyzer)
        assert report.incidents == ()
    assert analyzer.calls == 0


def test_header_only_report_has_a_header_and_no_incidents() -> None:
    report = parse_report(BY_NAME["r06_header_only.txt"].text, None, KeywordAnalyzer())
    assert report.incidents == ()
    assert report.header.district == "Bornholms Politi"


def test_text_without_headlines_is_one_incident() -> None:
    text = BY_NAME["r05_single_incident.txt"].text
    report = parse_report(text, None, KeywordAnalyzer())
    assert len(report.incidents) == 1
    inc = report.incidents[0]
    assert inc.heading is HeadingKind.NONE and inc.title == ""
    assert text[inc.start : inc.end] == text.strip()


def test_html_without_headings_is_one_incident() -> None:
    text = "<html><body><p>Natten til fredag blev der stjålet en cykel.</p><p>Ring 114.</p></body></html>"
    report = parse_report(text, None, KeywordAnalyzer())
    assert len(report.incidents) == 1
    assert report.text[report.incidents[0].end - 4 : report.incidents[0].end] == "</p>"


def test_crlf_offsets_and_newline() -> None:
    fx = BY_NAME["r03_nordsjaelland_crlf.txt"]
    assert "\r\n" in fx.text
    report = parse_report(fx.text, None, KeywordAnalyzer())
    assert report.newline == "\r\n"
    for inc in report.incidents:
        assert fx.text[inc.start : inc.end].startswith(inc.title)
        assert not fx.text[inc.start : inc.end].endswith(("\r", "\n"))


def test_non_breaking_spaces_are_kept_in_offsets_and_normalised_in_titles() -> None:
    fx = BY_NAME["r04_midtvest_nbsp.txt"]
    report = parse_report(fx.text, None, KeywordAnalyzer())
    first = report.incidents[0]
    assert "\u00a0" in fx.text[first.title_start : first.title_end]
    assert "\u00a0" not in first.title and "\u00a0" not in first.body


def test_bom_is_kept_so_bytes_round_trip() -> None:
    data = "\ufeffIndbrud i villa i Ry\nDer var indbrud i nat.\n".encode()
    text = decode_report(data)
    assert text.startswith("\ufeff") and text.encode() == data


def test_binary_and_non_utf8_input_is_refused() -> None:
    with pytest.raises(BinaryInputError):
        decode_report(b"\x00\x01\x02binary")
    with pytest.raises(EncodingError):
        decode_report("Indbrud i Års".encode("latin-1"))


@pytest.mark.parametrize(
    ("text", "name", "fmt"),
    [
        ("<!DOCTYPE html><p>x</p>", None, ReportFormat.HTML),
        ("<div><h2>A</h2><p>b</p></div>", None, ReportFormat.HTML),
        ("## Indbrud\n\nTekst.", None, ReportFormat.MARKDOWN),
        ("**Indbrud i Ry**\n\nTekst.", None, ReportFormat.MARKDOWN),
        ("Indbrud i Ry\nTekst. 3 < 4.", None, ReportFormat.TEXT),
        ("## looks like markdown", "report.txt", ReportFormat.TEXT),
        ("plain", "side.htm", ReportFormat.HTML),
    ],
)
def test_detect_format(text: str, name: str | None, fmt: ReportFormat) -> None:
    assert detect_format(text, name) is fmt


def test_detect_newline() -> None:
    assert detect_newline("a\r\nb\r\n") == "\r\n"
    assert detect_newline("a\nb\n") == "\n"


def test_wrapped_paragraph_lines_are_not_headlines() -> None:
    text = (
        "Indbrud i villa i Ry\n"
        "Natten til tirsdag blev der begået indbrud i en villa på\n"
        "Skovvej i Ry. Tyven kom ind gennem et vindue og tog en computer\n"
        "og smykker fra soveværelset.\n"
    )
    report, segments = segment_report(text)
    assert [s.title for s in segments] == ["Indbrud i villa i Ry"]
    assert report.fmt is ReportFormat.TEXT


def test_five_megabyte_report_parses_linearly() -> None:
    unit = BY_NAME["r01_sydoestjylland.txt"].text.split("\n\n", 1)[1]
    copies = 5_000_000 // len(unit) + 1
    text = "Døgnrapport fra Sydøstjyllands Politi\n\n" + "\n".join([unit] * copies)
    assert len(text.encode()) >= 5_000_000
    analyzer = KeywordAnalyzer()
    report = parse_report(text, ReportFormat.TEXT, analyzer)
    per_copy = len(BY_NAME["r01_sydoestjylland.txt"].incidents)
    assert len(report.incidents) == per_copy * copies == analyzer.calls
    ends = [i.end for i in report.incidents]
    assert ends == sorted(ends)


def test_an_incident_the_analyzer_refuses_is_reported_not_fatal() -> None:
    from botrygt_nlp.domain import Assessment
    from botrygt_nlp.errors import NotDanishError

    class Picky(KeywordAnalyzer):
        def assess(self, text: str, *, title: str | None = None) -> Assessment:
            if "Kolding" in (title or ""):
                raise NotDanishError("not Danish", "en")
            return super().assess(text, title=title)

    report = parse_report(BY_NAME["r01_sydoestjylland.txt"].text, None, Picky())
    first = report.incidents[0]
    assert first.assessment is None and first.error == "not_danish"
    assert first.to_json()["error"] == "not_danish"
    assert all(i.assessment is not None for i in report.incidents[1:])

    from botrygt_nlp.rewrite import RewriteOptions, SkipReason, rewrite_report

    result = rewrite_report(report, RewriteOptions())
    assert result.changes.skipped[0].reason is SkipReason.NOT_ASSESSED


LOOSE_HTML = (
    '<html><body><div class="text"><strong>Indbrud i villa i Ry</strong><br>Tyven tog smykker fra '
    "soveværelset.<br><br><strong>Cykeltyveri i Skive</strong><br>En elcykel blev stjålet ved stationen."
    "<br>Politiet efterlyser vidner.</div><footer><p>Lokalavisen</p></footer></body></html>"
)


def test_loose_html_with_bold_titles_and_double_breaks() -> None:
    from botrygt_nlp.rewrite import RewriteOptions, rewrite_report, strip_blocks

    report = parse_report(LOOSE_HTML, None, KeywordAnalyzer())
    assert [i.title for i in report.incidents] == ["Indbrud i villa i Ry", "Cykeltyveri i Skive"]
    assert report.incidents[1].body.endswith("Politiet efterlyser vidner.")
    assert LOOSE_HTML[: report.incidents[0].end].endswith("soveværelset.")
    result = rewrite_report(LOOSE_HTML, RewriteOptions(), KeywordAnalyzer())
    assert len(result.changes.insertions) == 2
    assert strip_blocks(result.text, report.fmt) == LOOSE_HTML
    assert rewrite_report(result.text, RewriteOptions(), KeywordAnalyzer()).text == result.text


def test_five_megabyte_html_with_unclosed_paragraphs() -> None:
    # Unclosed <p> and <li> must not nest: each one ends where the next begins, as in a browser.
    filler = "Tyven tog smykker og en computer fra en villa på Skovvej. " * 12
    block = f"<h2>Indbrud i villa i Ry</h2><p>{filler}<p>Politiet efterlyser vidner.<ul><li>a<li>b</ul>\n"
    copies = 5_000_000 // len(block) + 1
    text = "<html><body><main>" + block * copies + "</main></body></html>"
    report = parse_report(text, ReportFormat.HTML, KeywordAnalyzer())
    assert len(report.incidents) == copies
    first = report.incidents[0]
    assert text[first.start : first.end].endswith("<li>b</ul>")
    assert first.body.startswith(filler.strip() + "\n\nPolitiet efterlyser vidner.")


SECTIONED_MD = """# Døgnrapport

## Indbrud

### Indbrud i villa i Ry

Tyven tog smykker.

### Indbrud i rækkehus i Skive

Tyven tog en computer.

## Øvrige hændelser

### Spirituskørsel i Thisted

En bilist blev anholdt.
"""
SECTIONED_HTML = (
    "<main><h2>Indbrud</h2><h3>Indbrud i villa i Ry</h3><p>Tyven tog smykker.</p><h3>Indbrud i rækkehus i "
    "Skive</h3><p>Tyven tog en computer.</p><h2>Øvrige hændelser</h2><p>Andre sager fra døgnet.</p>"
    "<h3>Spirituskørsel i Thisted</h3><p>En bilist blev anholdt.</p></main>"
)


@pytest.mark.parametrize("text", [SECTIONED_MD, SECTIONED_HTML], ids=["markdown", "html"])
def test_section_headings_group_incidents_without_becoming_part_of_them(text: str) -> None:
    report = parse_report(text, None, KeywordAnalyzer())
    assert [i.title for i in report.incidents] == [
        "Indbrud i villa i Ry",
        "Indbrud i rækkehus i Skive",
        "Spirituskørsel i Thisted",
    ]
    # The second incident ends before "Øvrige hændelser", so its advice is not placed under that heading.
    second = text[report.incidents[1].start : report.incidents[1].end]
    assert "Øvrige" not in second and second.rstrip("</p>").endswith("Tyven tog en computer.")


def test_thousands_of_list_items_and_table_rows_parse_linearly() -> None:
    # Each item or row used to re-read its whole list's text: 3,000 items took seconds per thousand.
    n = 3000
    items = "<ul>" + "<li><strong>Indbrud i villa i Ry</strong><br>Tyven tog smykker.</li>" * n + "</ul>"
    rows = "<table>" + "<tr><td>Ry</td><td><b>Indbrud i villa.</b> Tyven tog smykker.</td></tr>" * n + "</table>"
    for page in (items, rows):
        _, segments = segment_report(page, ReportFormat.HTML)
        assert len(segments) == n
        assert segments[-1].body.endswith("Tyven tog smykker.")


def test_a_long_line_full_of_colons_is_read_in_linear_time() -> None:
    from botrygt_nlp.reports.assess import loot_lists_as_sentences

    line = "Tyven tog: smykker, " * 5000  # 100 kB, no line break: the loot-list pattern must not backtrack
    assert loot_lists_as_sentences(line + "\n- et ur") == line + "\n- et ur"
    report = parse_report("Døgnrapport\n\n" + line, ReportFormat.TEXT, KeywordAnalyzer())
    assert len(report.incidents) == 1


_ADVICE_PARAGRAPH = "Undgå indbrud: Lås døre og vinduer, hver gang du går. Ring 114, hvis du ser noget mistænkeligt."
_NOT_ADVICE = [
    "Politiet efterlyser vidner: Ring 114, hvis du har set noget.",  # a witness appeal, not advice
    "Undgå området: Vejen er spærret.",  # no "when to ring"
    "Undgå indbrud ved at låse døren. Ring 114.",  # no run-in heading
]


@pytest.mark.parametrize(
    ("fmt", "paragraph"),
    [
        (ReportFormat.TEXT, _ADVICE_PARAGRAPH),
        (ReportFormat.MARKDOWN, _ADVICE_PARAGRAPH.replace("Undgå indbrud:", "**Undgå indbrud:**")),
        (ReportFormat.HTML, f"<p>{_ADVICE_PARAGRAPH}</p>"),
    ],
)
def test_a_run_in_advice_paragraph_is_an_advice_block(fmt: ReportFormat, paragraph: str) -> None:
    """The rewriter's short block without its marker (and hand-written advice like it) counts as advice."""
    if fmt is ReportFormat.HTML:
        text = f"<h2>Indbrud i villa i Ry</h2><p>Tyven tog smykker.</p>{paragraph}<h2>Indbrud i Vejle</h2><p>Igen.</p>"
    else:
        head = "## " if fmt is ReportFormat.MARKDOWN else ""
        text = f"{head}Indbrud i villa i Ry\n\nTyven tog smykker.\n\n{paragraph}\n\n{head}Indbrud i Vejle\n\nIgen.\n"
    report = parse_report(text, fmt, KeywordAnalyzer())
    assert [i.has_advice_block for i in report.incidents] == [True, False]


@pytest.mark.parametrize("paragraph", _NOT_ADVICE)
def test_other_paragraphs_with_114_are_not_advice_blocks(paragraph: str) -> None:
    text = f"Indbrud i villa i Ry\n\nTyven tog smykker.\n\n{paragraph}\n\nIndbrud i Vejle\n\nIgen.\n"
    report = parse_report(text, ReportFormat.TEXT, KeywordAnalyzer())
    assert [i.has_advice_block for i in report.incidents] == [False, False]
