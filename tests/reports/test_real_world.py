"""Markup seen on real police and local-news pages: labelled fact lines, accordions, page furniture."""

from __future__ import annotations

import pytest

from botrygt_nlp.reports import ReportFormat, parse_report
from botrygt_nlp.reports.header import extract_header
from botrygt_nlp.rewrite import RewriteOptions, rewrite_report, strip_blocks
from tests.reports.fakes import FIXTURES, KeywordAnalyzer

BY_NAME = {f.name: f for f in FIXTURES}
TWO = ["Indbrud i villa i Ry", "Cykel stjålet i Skive"]

TEXT_LABELS = (
    "Døgnrapport fra Fyns Politi\n\nIndbrud i villa i Ry\n\nTidspunkt: Mandag mellem kl. 8 og 15\nSted: Skovvej, Ry\n\n"
    "Tyven tog smykker.\n\nCykel stjålet i Skive\n\nTidspunkt: Natten til tirsdag\n\nSted: Stationen\n\n"
    "En elcykel blev stjålet.\n\nLæs også: Sådan låser du cyklen\n\nDel\n"
)
MD_LABELS = (
    "**Indbrud i villa i Ry**\n\n**Tidspunkt:** Mandag\n\n**Sted**\n\nSkovvej\n\nTyven tog smykker.\n\n"
    "**Cykel stjålet i Skive**\n\n**Tidspunkt:**\nNatten til tirsdag\n\nEn elcykel blev stjålet.\n"
)
HTML_LABELS = (
    "<main><p><strong>Indbrud i villa i Ry</strong></p><p><strong>Tidspunkt</strong></p><p>Mandag</p>"
    "<p><strong>Sted:</strong><br>Skovvej</p><p>Tyven tog smykker.</p><p><strong>Cykel stjålet i Skive</strong></p>"
    "<p><b>Tidspunkt:</b> natten</p><p>En elcykel blev stjålet.</p><p>Del</p></main>"
)
HTML_H3_BUTTON = (
    '<div class="accordion"><div class="accordion-item"><h3 class="accordion-header"><button class="accordion-button" '
    'aria-expanded="false">Indbrud i villa i Ry</button></h3><div class="accordion-collapse">'
    '<div class="accordion-body">'
    '<p>Tyven tog smykker.</p></div></div></div><div class="accordion-item"><h3 class="accordion-header">'
    '<button class="accordion-button">Cykel stjålet i Skive</button></h3><div class="accordion-collapse">'
    '<div class="accordion-body"><p>En elcykel blev stjålet.</p></div></div></div></div>'
)
HTML_DETAILS = (
    "<html><body><main><h1>Døgnrapport</h1><details><summary>Indbrud i villa i Ry</summary><p>Tyven tog smykker.</p>"
    "</details><details open><summary>Cykel stjålet i Skive</summary><p>En elcykel blev stjålet.</p></details>"
    "</main></body></html>"
)
HTML_FURNITURE = (
    '<html><body><header><button class="navbar-toggler" aria-expanded="false">Menu</button></header><main>'
    "<h2>Indbrud i villa i Ry</h2><p>Tyven tog smykker.</p><p><strong>Læs også:</strong> <a>Nyt om Nabohjælp</a></p>"
    '<h2>Cykel stjålet i Skive</h2><p>En elcykel blev stjålet.</p><p><button aria-expanded="false">Vis mere</button>'
    '</p><div class="annonce"><p>Spar på dæk</p></div><h3>Læs også</h3><ul><li>Noget andet</li></ul></main>'
    "</body></html>"
)
LAST_WORDS = ["Tyven tog smykker.", "En elcykel blev stjålet."]


@pytest.mark.parametrize(
    "text",
    [TEXT_LABELS, MD_LABELS, HTML_LABELS, HTML_H3_BUTTON, HTML_DETAILS, HTML_FURNITURE],
    ids=["text-labels", "md-labels", "html-labels", "h3-button", "details", "furniture"],
)
def test_labels_accordions_and_furniture(text: str) -> None:
    analyzer = KeywordAnalyzer()
    report = parse_report(text, None, analyzer)
    assert [i.title for i in report.incidents] == TWO
    for inc, words in zip(report.incidents, LAST_WORDS, strict=True):
        chunk = text[inc.start : inc.end]
        assert chunk.removesuffix("</p>").endswith(words), chunk[-60:]
        assert "Læs også" not in inc.body and "Vis mere" not in inc.body and "Spar på dæk" not in inc.body
    assert "Tidspunkt" not in " ".join(i.title for i in report.incidents)
    result = rewrite_report(text, RewriteOptions(), analyzer)
    assert [i.incident_index for i in result.changes.insertions] == [0, 1]
    assert strip_blocks(result.text, report.fmt) == text
    assert rewrite_report(result.text, RewriteOptions(), analyzer).text == result.text


def test_text_label_lines_stay_in_the_body() -> None:
    report = parse_report(TEXT_LABELS, None, KeywordAnalyzer())
    assert "Tidspunkt: Mandag mellem kl. 8 og 15" in report.incidents[0].body
    assert "Sted: Stationen" in report.incidents[1].body


@pytest.mark.parametrize(
    ("line", "district"),
    [
        ("DØGNRAPPORT FRA NORDJYLLANDS POLITI", "Nordjyllands Politi"),
        ("DØGNRAPPORT – MIDT- OG VESTJYLLANDS POLITI", "Midt- og Vestjyllands Politi"),
        ("KØBENHAVNS VESTEGNS POLITI", "Københavns Vestegns Politi"),
    ],
)
def test_district_in_capitals(line: str, district: str) -> None:
    assert extract_header(line + "\n").district == district


REAL_WORLD_JUNK = {
    "r18_politidk_midtvest.html": [
        "Gå til hovedindhold",
        "Hovedmenu",
        "Søg",
        "Midt- og Vestjylland",
        "Kopiér link",
        "Facebook",
        "Relaterede nyheder",
        "Vi bruger cookies",
        "Tillad alle",
        "Rigspolitiet",
        "Ring 112 ved akut",
    ],
    "r19_accordion_sydsjaelland.html": ["Til forsiden", "·"],
    "r20_lokalavis_quote.html": [
        "Annonce",
        "vinterdæk",
        "Læs også",
        "gadelygter",
        "Del artiklen",
        "åbent hus",
        "Nabohjælp i Jelling",
        "Redaktionen",
    ],
    "r21_nordjylland_paste.txt": ["Læs også", "Sådan sikrer du", "Facebook"],
}


@pytest.mark.parametrize("name", sorted(REAL_WORLD_JUNK))
def test_page_furniture_is_never_part_of_an_incident(name: str) -> None:
    fx = BY_NAME[name]
    report = parse_report(fx.text, None, KeywordAnalyzer())
    bodies = " ".join(i.title + " " + i.body for i in report.incidents)
    for junk in REAL_WORLD_JUNK[name]:
        assert junk not in bodies, junk


def test_label_lines_in_the_politi_page_are_body_not_incidents() -> None:
    report = parse_report(BY_NAME["r18_politidk_midtvest.html"].text, None, KeywordAnalyzer())
    first, second = report.incidents[0], report.incidents[1]
    assert first.body.startswith("Tidspunkt: Mandag mellem kl. 8.00 og 15.30") and "Sted: Bøgevej" in first.body
    assert "Gerningssted:" in second.body and "Industrivej, Herning" in second.body


def test_pasted_text_keeps_every_odd_byte_after_rewriting() -> None:
    fx = BY_NAME["r21_nordjylland_paste.txt"]
    assert "\r\n" in fx.text and "\u00a0" in fx.text and "\t" in fx.text
    result = rewrite_report(fx.text, RewriteOptions(fmt=ReportFormat.TEXT), KeywordAnalyzer())
    assert "\n" not in result.text.replace("\r\n", "")
    assert strip_blocks(result.text, ReportFormat.TEXT) == fx.text
    # The block goes after the incident's last words, not after the "Læs også" line below it.
    van = next(i for i in result.changes.insertions if i.crime_type.value == "van_tool_theft")
    assert fx.text[: van.offset].endswith("Sideruden var smadret.")


def test_markdown_numbered_list_and_dash_town_titles_stay_whole() -> None:
    md = parse_report(BY_NAME["r22_fyn_markdown.md"].text, None, KeywordAnalyzer())
    assert "1. En bærbar computer" in md.incidents[0].body and "3. Et ukendt kontantbeløb" in md.incidents[0].body
    txt = parse_report(BY_NAME["r23_midtjylland_dash.txt"].text, None, KeywordAnalyzer())
    assert txt.incidents[0].title == "Indbrud i villa – Skive"
    assert all("journalnr" in i.body.lower() for i in txt.incidents[:3])


@pytest.mark.parametrize(
    ("line", "period"),
    [
        ("Døgnrapporten dækker fra torsdag kl. 07 til fredag kl. 07.", "fra torsdag kl. 07 til fredag kl. 07"),
        (
            "Døgnrapport for perioden 14.03.2024 kl. 07:00 - 15.03.2024 kl. 07:00",
            "14.03.2024 kl. 07:00 - 15.03.2024 kl. 07:00",
        ),
        ("Døgnrapport fra lørdag morgen til søndag morgen", "fra lørdag morgen til søndag morgen"),
        ("Døgnrapport 14. marts 2024 – 15. marts 2024", "14. marts 2024 – 15. marts 2024"),
        (
            "Uddrag fra torsdag den 14. marts kl. 7.00 til fredag den 15. marts kl. 7.00.",
            "fra torsdag den 14. marts kl. 7.00 til fredag den 15. marts kl. 7.00",
        ),
        ("Døgnrapport for weekenden", None),
    ],
)
def test_report_periods_as_districts_write_them(line: str, period: str | None) -> None:
    assert extract_header(line + "\n").period == period
