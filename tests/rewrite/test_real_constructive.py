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


ROBBERY_REPORT = """# Døgnrapport fra Fyns Politi

## Røveri i kiosk i Odense

Tirsdag aften kl. 21.40 kom en maskeret mand ind i kiosken på Vesterbro og truede ekspedienten med en kniv. Han
fik udleveret omkring 3.000 kroner fra kassen og flygtede til fods. Politiet hører gerne fra vidner på 114.

## Hjemmerøveri i Svendborg

To mænd trængte natten til fredag ind hos et ældre ægtepar, bandt dem og truede dem til at udlevere koden til
dankortet. De stjal desuden kontanter og smykker.

## Indbrud i rækkehus i Svendborg

Mellem kl. 10 og 15 var der indbrud i et rækkehus på Egevej. Tyven brød en terrassedør op og stjal smykker.

## Pas på falske vandværksfolk

En 84-årig kvinde i Nyborg fik mandag besøg af to mænd, der udgav sig for at være fra vandværket. Mens den ene
talte med hende i køkkenet, stjal den anden hendes pung.
"""


def test_robberies_get_no_theft_advice_and_a_warning_headline_story_gets_its_own() -> None:
    """A robbery in which money was taken is out of scope (no advice under it); a "Pas på …" headline over a
    told trick theft is an incident of its own, and it gets the advice for its type."""
    from botrygt_nlp.domain import CrimeType
    from botrygt_nlp.reports import ReportFormat

    analyzer = get_analyzer()
    report = parse_report(ROBBERY_REPORT, ReportFormat.MARKDOWN, analyzer)
    titles = [i.title for i in report.incidents]
    assert titles == [
        "Røveri i kiosk i Odense",
        "Hjemmerøveri i Svendborg",
        "Indbrud i rækkehus i Svendborg",
        "Pas på falske vandværksfolk",
    ]
    result = rewrite_report(report, RewriteOptions(fmt=ReportFormat.MARKDOWN), analyzer)
    advised = {ins.incident_title for ins in result.changes.insertions}
    assert advised == {"Indbrud i rækkehus i Svendborg", "Pas på falske vandværksfolk"}
    for inc in report.incidents[:2]:
        assert inc.assessment is not None and not inc.assessment.relevant
    trick = report.incidents[3].assessment
    assert trick is not None and trick.crime_type.coarse == CrimeType.TRICK_THEFT.coarse
