"""With the project's own default classifier: every rewritten incident scores constructive afterwards, with
markers and publish-ready (without them) alike, and a rerun of either changes nothing."""

from __future__ import annotations

import pytest

from botrygt_nlp import get_analyzer
from botrygt_nlp.reports import parse_report
from botrygt_nlp.rewrite import RewriteOptions, Style, rewrite_report, strip_blocks, strip_markers, undo_rewrite
from tests.reports.fakes import FIXTURES


@pytest.mark.parametrize("markers", [True, False], ids=["markers", "publish_ready"])
@pytest.mark.parametrize("style", list(Style))
def test_every_rewritten_incident_is_constructive_by_the_default_classifier(style: Style, markers: bool) -> None:
    analyzer = get_analyzer()
    rewritten = 0
    for fx in FIXTURES:
        report = parse_report(fx.text, fx.fmt, analyzer)
        options = RewriteOptions(fmt=fx.fmt, style=style, markers=markers)
        result = rewrite_report(report, options, analyzer)
        assert undo_rewrite(result.text, result.changes.insertions) == fx.text
        if markers:
            assert strip_blocks(result.text, fx.fmt) == fx.text
        else:
            assert strip_markers(result.text) == result.text
        after = parse_report(result.text, fx.fmt, analyzer)
        assert [i.title for i in after.incidents] == [i.title for i in report.incidents], fx.name
        for ins in result.changes.insertions:
            a = after.incidents[ins.incident_index].assessment
            assert a is not None and a.constructive, (fx.name, ins.incident_title, style)
            rewritten += 1
        for inc in after.incidents:
            a = inc.assessment
            assert a is not None
            if a.relevant and a.crime_type.is_relevant:
                assert a.constructive or inc.has_advice_block, (fx.name, inc.title)
        assert rewrite_report(after, options, analyzer).text == result.text
    assert rewritten >= 30
