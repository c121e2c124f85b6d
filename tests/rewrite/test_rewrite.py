"""Rewriting: advice goes only where it is missing, the original survives byte for byte, reruns are no-ops."""

from __future__ import annotations

import re
from datetime import date

import pytest
from bs4 import BeautifulSoup

from botrygt_nlp.domain import Principle
from botrygt_nlp.reports import ReportFormat, parse_report
from botrygt_nlp.rewrite import (
    RewriteOptions,
    Season,
    SkipReason,
    Style,
    find_blocks,
    rewrite_report,
    strip_blocks,
    undo_rewrite,
)
from tests.reports.fakes import FIXTURES, Fixture, KeywordAnalyzer

IDS = [f.name for f in FIXTURES]
BY_NAME = {f.name: f for f in FIXTURES}
HEADINGS = [p.heading for p in Principle]


def _rewrite(fx: Fixture, **kw: object) -> tuple[str, object]:
    result = rewrite_report(fx.text, RewriteOptions(fmt=fx.fmt, **kw), KeywordAnalyzer())  # type: ignore[arg-type]
    return result.text, result


@pytest.mark.parametrize("fx", FIXTURES, ids=IDS)
@pytest.mark.parametrize("style", list(Style))
def test_removing_blocks_gives_back_the_original_and_rerun_changes_nothing(fx: Fixture, style: Style) -> None:
    result = rewrite_report(fx.text, RewriteOptions(fmt=fx.fmt, style=style), KeywordAnalyzer())
    assert strip_blocks(result.text, fx.fmt) == fx.text
    assert undo_rewrite(result.text, result.changes.insertions) == fx.text
    assert len(find_blocks(result.text, fx.fmt)) == len(result.changes.insertions)
    again = rewrite_report(result.text, RewriteOptions(fmt=fx.fmt, style=style), KeywordAnalyzer())
    assert again.text == result.text and not again.changes.insertions


@pytest.mark.parametrize("fx", FIXTURES, ids=IDS)
def test_advice_only_under_relevant_non_constructive_incidents(fx: Fixture) -> None:
    result = rewrite_report(fx.text, RewriteOptions(fmt=fx.fmt), KeywordAnalyzer())
    inserted = {i.incident_index: i for i in result.changes.insertions}
    for n, exp in enumerate(fx.incidents):
        should = bool(exp["relevant"]) and not exp["constructive"]
        assert (n in inserted) == should, exp["title"]
        if should:
            assert inserted[n].template_id.startswith(str(exp["crime_type"]) + ".")
            assert inserted[n].template_version == 1
    reasons = {s.incident_index: s.reason for s in result.changes.skipped}
    for n, exp in enumerate(fx.incidents):
        if not exp["relevant"]:
            assert reasons[n] is SkipReason.NOT_RELEVANT


@pytest.mark.parametrize(
    "fx", [f for f in FIXTURES if f.fmt is ReportFormat.TEXT and f.incidents], ids=lambda f: f.name
)
def test_text_block_shape(fx: Fixture) -> None:
    result = rewrite_report(fx.text, RewriteOptions(fmt=fx.fmt), KeywordAnalyzer())
    for ins in result.changes.insertions:
        lines = ins.text.strip("\r\n").splitlines()
        assert lines[0].startswith("Undgå ")
        assert [ln.split(":")[0] for ln in lines[1:6]] == [f"{n}. {h}" for n, h in enumerate(HEADINGS, 1)]
        assert "114" in lines[6] and "112" in lines[6]
        assert lines[-1] == f"[botrygt:advice {ins.template_id}]"
        assert ins.text.startswith(result.report.newline * 2)


def test_crlf_input_gets_crlf_blocks() -> None:
    fx = BY_NAME["r03_nordsjaelland_crlf.txt"]
    result = rewrite_report(fx.text, RewriteOptions(fmt=fx.fmt), KeywordAnalyzer())
    assert result.changes.insertions
    assert "\n" not in result.text.replace("\r\n", "")


@pytest.mark.parametrize("fx", [f for f in FIXTURES if f.fmt is ReportFormat.MARKDOWN], ids=lambda f: f.name)
def test_markdown_block_shape(fx: Fixture) -> None:
    result = rewrite_report(fx.text, RewriteOptions(fmt=fx.fmt), KeywordAnalyzer())
    for ins in result.changes.insertions:
        body = ins.text.strip("\n")
        assert body.startswith(f"<!-- botrygt:advice {ins.template_id} -->\n**Undgå ")
        assert body.endswith("<!-- /botrygt:advice -->")
        points = re.findall(r"^(\d)\. \*\*(.+?):\*\*", body, re.M)
        assert points == [(str(n), h) for n, h in enumerate(HEADINGS, 1)]


@pytest.mark.parametrize("fx", [f for f in FIXTURES if f.fmt is ReportFormat.HTML], ids=lambda f: f.name)
def test_html_out_is_html_with_five_points_per_block(fx: Fixture) -> None:
    result = rewrite_report(fx.text, RewriteOptions(fmt=fx.fmt), KeywordAnalyzer())
    before = BeautifulSoup(fx.text, "lxml")
    after = BeautifulSoup(result.text, "lxml")
    sections = after.select("section.botrygt-advice")
    assert len(sections) == len(result.changes.insertions)
    for sec in sections:
        items = sec.select("ol > li")
        assert [li.strong.get_text() for li in items] == [f"{h}:" for h in HEADINGS]  # type: ignore[union-attr]
        assert sec.find(re.compile("^h[3-6]$|^p$")).get_text().startswith("Undgå")  # type: ignore[union-attr]
    # Nothing else in the page changed: same scripts, same number of headings outside the blocks.
    assert len(after.find_all("script")) == len(before.find_all("script"))
    for sec in sections:
        sec.decompose()
    assert len(after.find_all(["h2", "h3"])) == len(before.find_all(["h2", "h3"]))


def test_html_variables_are_escaped() -> None:
    fx = BY_NAME["r11_sydsoenderjylland.html"]
    hostile = {"district_name": "<script>alert(1)</script>", "local_phone": '"><img src=x onerror=alert(1)>'}
    result = rewrite_report(fx.text, RewriteOptions(fmt=fx.fmt, variables=hostile), KeywordAnalyzer())
    inserted = "".join(i.text for i in result.changes.insertions)
    assert "&lt;script&gt;" in inserted and "<script>" not in inserted and "<img" not in inserted
    soup = BeautifulSoup(result.text, "lxml")
    assert len(soup.find_all("script")) == len(BeautifulSoup(fx.text, "lxml").find_all("script"))


def test_markdown_variables_cannot_inject_html() -> None:
    fx = BY_NAME["r08_oestjylland.md"]
    result = rewrite_report(
        fx.text, RewriteOptions(fmt=fx.fmt, variables={"local_phone": "<b>1</b>"}), KeywordAnalyzer()
    )
    assert "<b>" not in result.text and "&lt;b&gt;1&lt;/b&gt;" in result.text


def test_short_style_is_one_paragraph() -> None:
    fx = BY_NAME["r01_sydoestjylland.txt"]
    result = rewrite_report(fx.text, RewriteOptions(fmt=fx.fmt, style=Style.SHORT), KeywordAnalyzer())
    for ins in result.changes.insertions:
        lines = ins.text.strip("\n").splitlines()
        assert len(lines) == 2 and lines[0].startswith("Undgå") and "114" in lines[0]


@pytest.mark.parametrize(
    ("day", "season", "template"),
    [
        (date(2024, 12, 20), Season.CHRISTMAS, "home_burglary.christmas.v1"),
        (date(2025, 1, 3), Season.CHRISTMAS, "home_burglary.christmas.v1"),
        (date(2024, 7, 10), Season.SUMMER, "home_burglary.summer.v1"),
        (date(2024, 11, 10), Season.DARK, "home_burglary.dark.v1"),
        (date(2024, 4, 10), Season.NONE, "home_burglary.v1"),
    ],
)
def test_seasonal_home_burglary_variant_by_date(day: date, season: Season, template: str) -> None:
    text = "Indbrud i villa i Ry\nDer var indbrud i en villa i nat. Tyven tog smykker.\n"
    result = rewrite_report(text, RewriteOptions(report_date=day), KeywordAnalyzer())
    assert result.changes.season is season
    assert [i.template_id for i in result.changes.insertions] == [template]


def test_report_header_date_picks_the_season_and_other_types_are_not_seasonal() -> None:
    fx = BY_NAME["r16_jul_sydsjaelland.txt"]
    result = rewrite_report(fx.text, RewriteOptions(fmt=fx.fmt), KeywordAnalyzer())
    ids = {i.crime_type.value: i.template_id for i in result.changes.insertions}
    assert ids["home_burglary"] == "home_burglary.christmas.v1"
    assert ids["pickpocketing"] == "pickpocketing.v1"


def test_light_human_edits_inside_blocks_keep_the_rewrite_idempotent() -> None:
    for name in ("r01_sydoestjylland.txt", "r08_oestjylland.md", "r11_sydsoenderjylland.html"):
        fx = BY_NAME[name]
        first = rewrite_report(fx.text, RewriteOptions(fmt=fx.fmt), KeywordAnalyzer()).text
        edited = first.replace("Gør tyven utryg:", "Gør tyven utryg :").replace("mennesker", "folk")
        edited = edited.replace("Ring 114", "Ring gerne 114")
        if fx.fmt is ReportFormat.TEXT:
            # A person deletes the marker line: the "Undgå …" heading + numbered points still mark the block.
            edited = re.sub(r"\n\[botrygt:advice [^\]]+\]", "", edited)
        again = rewrite_report(edited, RewriteOptions(fmt=fx.fmt), KeywordAnalyzer())
        assert again.text == edited, name
        assert all(s.reason is not SkipReason.NO_TEMPLATE for s in again.changes.skipped)


def test_rewrite_accepts_a_parsed_report_without_reassessing() -> None:
    fx = BY_NAME["r02_fyn.txt"]
    analyzer = KeywordAnalyzer()
    report = parse_report(fx.text, fx.fmt, analyzer)
    calls = analyzer.calls
    result = rewrite_report(report, RewriteOptions(), analyzer)
    assert analyzer.calls == calls
    assert result.report is report


def test_verify_records_the_assessment_after_rewriting() -> None:
    fx = BY_NAME["r01_sydoestjylland.txt"]
    result = rewrite_report(fx.text, RewriteOptions(fmt=fx.fmt, verify=True), KeywordAnalyzer())
    assert result.changes.insertions
    assert all(i.constructive_after is True for i in result.changes.insertions)
    data = result.changes.to_json()
    assert data["changed"] is True and data["insertions"][0]["template_version"] == 1  # type: ignore[index]
