"""The authored daily reports parse into the expected incidents, headers and boundaries."""

from __future__ import annotations

import html
import re

import pytest

from botrygt_nlp.reports import ReportFormat, parse_report
from tests.reports.fakes import FIXTURES, Fixture, KeywordAnalyzer

IDS = [f.name for f in FIXTURES]


def _visible(chunk: str, fmt: ReportFormat) -> str:
    if fmt is ReportFormat.HTML:
        chunk = html.unescape(re.sub(r"<[^>]+>", "", chunk))
    if fmt is ReportFormat.MARKDOWN:
        chunk = re.sub(r"^\s*[-*+]\s+|\*\*|__", "", chunk)  # "- **Ishøj:** Nummerplader stjålet"
    return chunk.replace("\u00a0", " ").rstrip()


def test_there_are_enough_authored_reports_in_all_three_formats() -> None:
    formats = [f.fmt for f in FIXTURES]
    assert len(FIXTURES) >= 15
    assert {ReportFormat.TEXT, ReportFormat.MARKDOWN, ReportFormat.HTML} <= set(formats)
    sizes = [len(f.incidents) for f in FIXTURES if f.incidents]
    assert max(sizes) >= 12 and sum(3 <= n <= 12 for n in sizes) >= 12


@pytest.mark.parametrize("fx", FIXTURES, ids=IDS)
def test_format_and_header(fx: Fixture) -> None:
    report = parse_report(fx.text, None, KeywordAnalyzer())
    assert report.fmt.value == fx.expected["format"]
    assert report.header.district == fx.expected["district"]
    assert report.header.period == fx.expected["period"]
    assert (report.header.date.isoformat() if report.header.date else None) == fx.expected["date"]


@pytest.mark.parametrize("fx", FIXTURES, ids=IDS)
def test_incident_titles_boundaries_and_types(fx: Fixture) -> None:
    report = parse_report(fx.text, fx.fmt, KeywordAnalyzer())
    assert [i.title for i in report.incidents] == [e["title"] for e in fx.incidents]
    previous_end = 0
    for inc, exp in zip(report.incidents, fx.incidents, strict=True):
        assert previous_end <= inc.start <= inc.title_start <= inc.title_end <= inc.end <= len(fx.text)
        previous_end = inc.end
        chunk = fx.text[inc.start : inc.end]
        assert _visible(chunk, fx.fmt).endswith(str(exp["ends_with"]).replace("\u00a0", " "))
        if inc.title:
            title_src = _visible(fx.text[inc.title_start : inc.title_end], fx.fmt)
            assert inc.title in " ".join(title_src.split())
        assert inc.crime_type is not None and inc.crime_type.value == exp["crime_type"]


@pytest.mark.parametrize("fx", FIXTURES, ids=IDS)
def test_json_shape(fx: Fixture) -> None:
    data = parse_report(fx.text, fx.fmt, KeywordAnalyzer()).to_json()
    assert {"district", "period", "incidents"} <= set(data)
    incidents = data["incidents"]
    assert isinstance(incidents, list)
    for inc in incidents:
        assert {
            "title",
            "start",
            "end",
            "crime_type",
            "relevant",
            "constructive",
            "score",
            "principles",
        } <= set(inc)


def test_sub_headings_lists_and_witness_lines_stay_inside_their_incident() -> None:
    fyn = parse_report(BY_NAME["r02_fyn.txt"].text, None, KeywordAnalyzer())
    car = next(i for i in fyn.incidents if i.title == "Indbrud i bil i Roskilde")
    assert "1. En sort rygsæk" in car.body and "3. Et sæt nøgler" in car.body
    kiosk = next(i for i in fyn.incidents if i.title == "Indbrud i kiosk i Esbjerg")
    assert "Signalement" in kiosk.body and "efterlyser vidner" in kiosk.body
    md = parse_report(BY_NAME["r15_midtvestsjaelland_advice.md"].text, None, KeywordAnalyzer())
    assert len(md.incidents) == 3 and md.incidents[0].has_advice_block
    assert "Mærk værktøjet med firmanavn" in md.incidents[0].body


JUNK = {
    "r11_sydsoenderjylland.html": [
        "cookies",
        "Accepter alle",
        "Gå til indhold",
        "Forside",
        "Følg os",
        "Kontakt",
    ],
    "r12_lokalavis.html": ["Annonce", "Læs også", "Nyt cykelstativ", "© Lokalavisen", "Lokalavisen"],
    "r13_hostile.html": [
        "Ikke en hændelse",
        "Udkommenteret",
        "Slå JavaScript til",
        "Ramme",
        "Slut",
        "headline",
    ],
    "r14_koebenhavn.html": ["Døgnrapporter", "Se også", "Sådan anmelder du"],
}


@pytest.mark.parametrize("name", sorted(JUNK))
def test_html_boilerplate_and_scripts_are_never_incidents(name: str) -> None:
    report = parse_report(BY_NAME[name].text, None, KeywordAnalyzer())
    bodies = " ".join(i.title + " " + i.body for i in report.incidents)
    for junk in JUNK[name]:
        assert junk not in bodies, junk


BY_NAME = {f.name: f for f in FIXTURES}
