"""With the project's own default classifier: every rewritten incident scores constructive afterwards."""

from __future__ import annotations

import pytest

from botrygt_nlp import get_analyzer
from botrygt_nlp.reports import parse_report
from botrygt_nlp.rewrite import RewriteOptions, Style, rewrite_report, strip_blocks
from tests.reports.fakes import FIXTURES


@pytest.mark.parametrize("style", list(Style))
def test_every_rewritten_incident_is_constructive_by_the_default_classifier(style: Style) -> None:
    analyzer = get_analyzer()
    rewritten = 0
    for fx in FIXTURES:
        report = parse_report(fx.text, fx.fmt, analyzer)
        result = rewrite_report(report, RewriteOptions(fmt=fx.fmt, style=style), analyzer)
        assert strip_blocks(result.text, fx.fmt) == fx.text
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
        assert rewrite_report(after, RewriteOptions(fmt=fx.fmt, style=style), analyzer).text == result.text
    assert rewritten >= 30
