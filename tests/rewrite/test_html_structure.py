"""Inserted HTML is well-formed and sits where flow content is allowed; edits by a CMS keep reruns no-ops."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from botrygt_nlp.reports import ReportFormat, parse_report
from botrygt_nlp.rewrite import RewriteOptions, Style, rewrite_report
from tests.reports.fakes import FIXTURES, Fixture, KeywordAnalyzer

HTML = [f for f in FIXTURES if f.fmt is ReportFormat.HTML]
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_CLOSES_P = {"p", "div", "section", "article", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "li"}
# Elements a <section> or <p> may sit in: flow containers. Never inside <p>, a heading, <a>, <ul>, <tr>, …
_FLOW = {"html", "body", "main", "article", "section", "div", "li", "td", "th", "dd", "details", "blockquote"}
_FLOW |= {"aside", "header", "footer", "figure", "form"}


class _Stack(HTMLParser):
    """The open elements after some HTML, with the implicit ends a browser applies to <p> and <li>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.stack and self.stack[-1] == "p" and tag in _CLOSES_P:
            self.stack.pop()
        if tag == "li" and self.stack and self.stack[-1] == "li":
            self.stack.pop()
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass


def _open_after(html: str) -> list[str]:
    parser = _Stack()
    parser.feed(html)
    return parser.stack


@pytest.mark.parametrize("fx", HTML, ids=[f.name for f in HTML])
@pytest.mark.parametrize("style", list(Style))
@pytest.mark.parametrize("markers", [True, False], ids=["markers", "publish_ready"])
def test_every_block_is_balanced_and_placed_in_a_flow_container(fx: Fixture, style: Style, markers: bool) -> None:
    options = RewriteOptions(fmt=fx.fmt, style=style, markers=markers)
    result = rewrite_report(fx.text, options, KeywordAnalyzer())
    for ins in result.changes.insertions:
        before = result.text[: ins.output_start]
        # Where the block's own element starts (after a "</p>" when the incident ended inside a paragraph).
        own = ins.text.index('class="botrygt-advice"')
        own = ins.text.rindex("<", 0, own)
        around = _open_after(before + ins.text[:own])
        assert around and around[-1] in _FLOW, (ins.incident_title, around[-3:])
        # The block closes everything it opens (or reopens what it closed), so the page goes on unchanged.
        assert _open_after(result.text[: ins.output_end]) == _open_after(before), ins.incident_title
    if fx.name == "r42_lokalavis_br_paragraph.html":
        # Both incidents end inside the <p> the page runs them through: each block closes and reopens it.
        closing = [i.text.split("-->", 1)[-1].lstrip().startswith("</p>") for i in result.changes.insertions]
        assert closing == [True, True]


@pytest.mark.parametrize(
    "name",
    [
        "r24_politidk_accordion_sydoestjylland.html",
        "r25_lokalavis_runin_vejle.html",
        "r32_midtvestsjaelland_list_items.html",
        "r36_bornholm_table_rows.html",
    ],
)
@pytest.mark.parametrize("style", list(Style))
def test_a_cms_that_strips_comments_does_not_make_the_rewriter_add_a_second_block(name: str, style: Style) -> None:
    fx = next(f for f in HTML if f.name == name)
    first = rewrite_report(fx.text, RewriteOptions(fmt=fx.fmt, style=style), KeywordAnalyzer())
    assert first.changes.insertions
    edited = re.sub(r"<!--.*?-->", "", first.text, flags=re.S).replace("Gør tyven utryg", "Gør tyven nervøs")
    report = parse_report(edited, fx.fmt, KeywordAnalyzer())
    assert len(report.incidents) == len(first.report.incidents)
    for ins in first.changes.insertions:
        assert report.incidents[ins.incident_index].has_advice_block, ins.incident_title
    again = rewrite_report(edited, RewriteOptions(fmt=fx.fmt, style=style), KeywordAnalyzer())
    assert again.text == edited
