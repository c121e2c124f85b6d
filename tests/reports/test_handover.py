"""How incidents reach the analyzer: the headline is read with the body; spans stay offsets into the body."""

from __future__ import annotations

from botrygt_nlp import get_analyzer
from botrygt_nlp.domain import Assessment, CrimeType
from botrygt_nlp.reports import parse_report
from tests.reports.fakes import FIXTURES, KeywordAnalyzer

BY_NAME = {f.name: f for f in FIXTURES}


class _TextOnly(KeywordAnalyzer):
    """An analyzer that ignores the ``title`` argument: what it knows of the headline came in the text."""

    def assess(self, text: str, *, title: str | None = None) -> Assessment:
        return super().assess(text, title=None)


def test_the_headline_is_read_as_part_of_the_incident_and_spans_stay_offsets_into_the_body() -> None:
    fx = BY_NAME["r35_oestjylland_22_short.txt"]
    report = parse_report(fx.text, None, _TextOnly())
    van = next(i for i in report.incidents if i.title == "Tyveri fra varebil i Grenaa")
    assert van.body == "Der blev stjålet en slagboremaskine."
    assert van.crime_type is CrimeType.VAN_TOOL_THEFT  # "varebil" is only in the headline
    advised = parse_report(
        "Indbrud i villa i Ry\n\nTyven tog smykker. Husk at låse terrassedøren.\n", None, KeywordAnalyzer()
    ).incidents[0]
    assert advised.assessment is not None and advised.assessment.advice_spans
    for span in advised.assessment.advice_spans:
        assert advised.body[span.start : span.end] == span.text


def test_short_incidents_are_understood_by_the_default_analyzer() -> None:
    # One-sentence incidents ("Tyveri fra varebil i Grenaa" / "Der blev stjålet en slagboremaskine.") were read
    # as not relevant when the analyzer saw the body alone (17 of 22 right); with the headline, 21 of 22.
    fx = BY_NAME["r35_oestjylland_22_short.txt"]
    report = parse_report(fx.text, fx.fmt, get_analyzer())
    agree = sum(
        inc.assessment is not None and inc.assessment.relevant == exp["relevant"]
        for inc, exp in zip(report.incidents, fx.incidents, strict=True)
    )
    assert agree / len(fx.incidents) >= 0.85


def test_default_analyzer_spans_are_offsets_into_the_incident_body() -> None:
    analyzer = get_analyzer()
    checked = 0
    for fx in FIXTURES:
        for inc in parse_report(fx.text, fx.fmt, analyzer).incidents:
            a = inc.assessment
            if a is None:
                continue
            for span in (*a.advice_spans, *a.alarm_spans, *a.witness_spans, *a.crime_cues):
                assert inc.body[span.start : span.end] == span.text, (fx.name, inc.title, span)
                checked += 1
    assert checked >= 50
