"""Publish-ready output (``RewriteOptions(markers=False)``): no marker text, reruns are no-ops, the change
report still rebuilds the original, HTML stays valid and escaped."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from bs4 import BeautifulSoup, Comment

from botrygt_nlp.domain import Assessment
from botrygt_nlp.reports import ReportFormat, parse_report
from botrygt_nlp.rewrite import (
    RewriteOptions,
    RewriteResult,
    Style,
    rewrite_report,
    strip_blocks,
    strip_markers,
    undo_rewrite,
)
from tests.reports.fakes import FIXTURES, Fixture, KeywordAnalyzer

IDS = [f.name for f in FIXTURES]
BY_NAME = {f.name: f for f in FIXTURES}
# Anything a marker is made of: the comment or line keyword, the HTML attribute, a template id ("van_tool_theft.v1").
_MARKER_TEXT = re.compile(r"botrygt:advice|/botrygt|data-template|\b[a-z_]+(\.[a-z_]+)?\.v\d+\b")


class BlindAnalyzer(KeywordAnalyzer):
    """Finds the crime type but never any advice: a rerun can only skip a block it recognises by its shape."""

    def assess(self, text: str, *, title: str | None = None) -> Assessment:
        a = super().assess(text, title=title)
        return replace(a, constructive=False, score=0.1, principles=(), advice_spans=())


def _publish(
    fx: Fixture, style: Style, analyzer: KeywordAnalyzer | None = None, text: str | None = None
) -> RewriteResult:
    options = RewriteOptions(fmt=fx.fmt, style=style, markers=False)
    return rewrite_report(fx.text if text is None else text, options, analyzer or KeywordAnalyzer())


def rebuild_from_json(text: str, changes: dict[str, object]) -> str:
    """The original from the rewritten text and the change report *as JSON* (what `--json` and the API give)."""
    insertions = changes["insertions"]
    removed = changes["removed_markers"]
    assert isinstance(insertions, list) and isinstance(removed, list)
    edits = sorted(
        [(m["output_offset"], m["output_offset"], m["text"]) for m in removed]
        + [(i["output_start"], i["output_end"], "") for i in insertions],
        key=lambda e: (e[0], e[1]),
    )
    out, cursor = [], 0
    for start, end, put in edits:
        out += [text[cursor:start], put]
        cursor = end
    return "".join(out) + text[cursor:]


@pytest.mark.parametrize("fx", FIXTURES, ids=IDS)
@pytest.mark.parametrize("style", list(Style))
def test_publish_ready_output_has_no_markers_and_reruns_change_nothing(fx: Fixture, style: Style) -> None:
    result = _publish(fx, style)
    for ins in result.changes.insertions:
        assert not _MARKER_TEXT.search(ins.text), ins.text
    assert "botrygt:advice" not in result.text and "data-template" not in result.text
    # The same blocks as with markers, less the markers: strip_markers of the marked output, byte for byte.
    marked = rewrite_report(fx.text, RewriteOptions(fmt=fx.fmt, style=style), KeywordAnalyzer())
    assert strip_markers(marked.text) == result.text
    assert [i.incident_index for i in result.changes.insertions] == [
        i.incident_index for i in marked.changes.insertions
    ]
    # The change report rebuilds the original, from the objects and from their JSON.
    assert undo_rewrite(result.text, result.changes.insertions) == fx.text
    data = result.changes.to_json()
    assert data["markers"] is False and data["removed_markers"] == []
    assert rebuild_from_json(result.text, data) == fx.text
    # Idempotent: the blocks are recognised as advice without their markers.
    after = parse_report(result.text, fx.fmt, KeywordAnalyzer())
    assert [i.title for i in after.incidents] == [i.title for i in result.report.incidents]
    again = _publish(fx, style, text=result.text)
    assert again.text == result.text and not again.changes.insertions and not again.changes.changed


@pytest.mark.parametrize("style", list(Style))
def test_the_blocks_are_recognised_by_their_shape_not_by_the_model(style: Style) -> None:
    """With an analyzer that never sees advice, a rerun still adds nothing: the full block's "Undgå …" heading over
    numbered points, the short block's "Undgå …: … 114" paragraph and the HTML class mark them."""
    blind = BlindAnalyzer()
    inserted = 0
    for fx in FIXTURES:
        result = _publish(fx, style, blind)
        inserted += len(result.changes.insertions)
        report = parse_report(result.text, fx.fmt, blind)
        for ins in result.changes.insertions:
            assert report.incidents[ins.incident_index].has_advice_block, (fx.name, ins.incident_title)
        assert _publish(fx, style, blind, result.text).text == result.text, fx.name
    assert inserted >= 100


@pytest.mark.parametrize("fx", [f for f in FIXTURES if f.incidents], ids=lambda f: f.name)
def test_a_marked_report_comes_out_publish_ready_and_the_markers_are_in_the_change_report(fx: Fixture) -> None:
    marked = rewrite_report(fx.text, RewriteOptions(fmt=fx.fmt), KeywordAnalyzer()).text
    result = _publish(fx, Style.FULL, text=marked)
    assert result.text == _publish(fx, Style.FULL).text
    assert not result.changes.insertions
    assert len(result.changes.removed_markers) == marked.count("botrygt:advice") + marked.count(" data-template=")
    assert undo_rewrite(result.text, result.changes.insertions, result.changes.removed_markers) == marked
    assert rebuild_from_json(result.text, result.changes.to_json()) == marked
    assert strip_blocks(undo_rewrite(result.text, [], result.changes.removed_markers), fx.fmt) == fx.text


def test_half_marked_report_some_blocks_new_some_old() -> None:
    """One incident got advice (with markers) in the drafting page, the rest get it now: all publish-ready."""
    fx = BY_NAME["r01_sydoestjylland.txt"]
    first = rewrite_report(fx.text, RewriteOptions(fmt=fx.fmt), KeywordAnalyzer())
    one = first.changes.insertions[0]
    half = fx.text[: one.offset] + one.text + fx.text[one.offset :]
    result = _publish(fx, Style.FULL, text=half)
    assert "botrygt:advice" not in result.text
    assert result.text == _publish(fx, Style.FULL).text
    assert len(result.changes.insertions) == len(first.changes.insertions) - 1
    assert undo_rewrite(result.text, result.changes.insertions, result.changes.removed_markers) == half
    assert rebuild_from_json(result.text, result.changes.to_json()) == half


def test_plain_text_block_ends_on_the_advice_not_a_marker_line() -> None:
    fx = BY_NAME["r01_sydoestjylland.txt"]
    for ins in _publish(fx, Style.FULL).changes.insertions:
        lines = ins.text.strip("\r\n").splitlines()
        assert lines[0].startswith("Undgå ") and len(lines) >= 7
        assert "114" in lines[6] and not lines[-1].startswith("[")
    for ins in _publish(fx, Style.SHORT).changes.insertions:
        assert ins.text.startswith("\n\nUndgå ") and ins.text.count("\n") == 2


@pytest.mark.parametrize("fx", [f for f in FIXTURES if f.fmt is ReportFormat.HTML], ids=lambda f: f.name)
@pytest.mark.parametrize("style", list(Style))
def test_publish_ready_html_keeps_its_structure(fx: Fixture, style: Style) -> None:
    result = _publish(fx, style)
    after = BeautifulSoup(result.text, "lxml")
    blocks = after.select(".botrygt-advice")
    assert len(blocks) == len(result.changes.insertions)
    assert not after.find_all(string=lambda s: isinstance(s, Comment) and "botrygt" in s)
    for block in blocks:
        assert block.get("data-template") is None
        if style is Style.FULL:
            assert len(block.select("ol > li")) == 5


def test_publish_ready_html_escapes_district_variables() -> None:
    fx = BY_NAME["r11_sydsoenderjylland.html"]
    hostile = {"district_name": "<script>alert(1)</script>", "local_phone": '"><img src=x onerror=alert(1)>'}
    for style in Style:
        result = rewrite_report(
            fx.text, RewriteOptions(fmt=fx.fmt, style=style, markers=False, variables=hostile), KeywordAnalyzer()
        )
        inserted = "".join(i.text for i in result.changes.insertions)
        if style is Style.FULL:
            assert "&lt;script&gt;" in inserted
        assert "<script>" not in inserted and "<img" not in inserted
        soup = BeautifulSoup(result.text, "lxml")
        assert len(soup.find_all("script")) == len(BeautifulSoup(fx.text, "lxml").find_all("script"))
