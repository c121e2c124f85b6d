"""Warning headlines ("Pas på …", "Advarsel …", "Husk …", "Gode råd …"): a story of their own when a crime is told
under them at the incident level, a sub-heading of the incident above when they introduce its advice."""

from __future__ import annotations

import pytest

from botrygt_nlp.reports import ReportFormat, parse_report
from botrygt_nlp.reports.cues import is_warning_headline, tells_incident
from tests.reports.fakes import KeywordAnalyzer

BURGLARY = "Natten til tirsdag blev der begået indbrud i en villa på Grønnegade. Tyven stjal smykker."
TRICK = (
    "En 84-årig kvinde i Horsens fik mandag besøg af to mænd, der udgav sig for at være fra vandværket. "
    "Mens den ene talte med hende i køkkenet, stjal den anden hendes pung."
)
VAN = "I nat blev der stjålet værktøj fra en varebil på Industrivej."


def _markdown(warning: str, under: str) -> str:
    return (
        "# Døgnrapport for Sydøstjyllands Politi\n\n"
        f"## Indbrud i villa i Vejle\n\n{BURGLARY}\n\n"
        f"## {warning}\n\n{under}\n\n"
        f"## Tyveri fra varebil i Hedensted\n\n{VAN}\n"
    )


def _html(warning: str, under: str) -> str:
    under_html = (
        "<ul>" + "".join(f"<li>{x.lstrip('- ')}</li>" for x in under.splitlines()) + "</ul>"
        if under.startswith("- ")
        else f"<p>{under}</p>"
    )
    return (
        "<html><body><h1>Døgnrapport for Sydøstjyllands Politi</h1>"
        f"<h3>Indbrud i villa i Vejle</h3><p>{BURGLARY}</p>"
        f"<h3>{warning}</h3>{under_html}"
        f"<h3>Tyveri fra varebil i Hedensted</h3><p>{VAN}</p></body></html>"
    )


RENDER = {ReportFormat.MARKDOWN: _markdown, ReportFormat.HTML: _html}
WARNINGS = ["Pas på falske vandværksfolk", "Advarsel mod falske håndværkere", "Husk at tjekke legitimation"]


@pytest.mark.parametrize("fmt", list(RENDER))
@pytest.mark.parametrize("warning", WARNINGS)
def test_a_warning_headline_over_a_story_is_an_incident(fmt: ReportFormat, warning: str) -> None:
    report = parse_report(RENDER[fmt](warning, TRICK), fmt, KeywordAnalyzer())
    assert [i.title for i in report.incidents] == ["Indbrud i villa i Vejle", warning, "Tyveri fra varebil i Hedensted"]
    assert "udgav sig for" in report.incidents[1].body
    assert "udgav sig for" not in report.incidents[0].body


TIPS = "- Luk ikke ukendte ind\n- Bed altid om legitimation\n- Ring 114, hvis du er i tvivl\n- Tal med naboen"


@pytest.mark.parametrize("fmt", list(RENDER))
@pytest.mark.parametrize("warning", ["Gode råd", "Pas på", "Husk"])
def test_a_warning_headline_over_advice_is_a_sub_heading_of_the_incident_above(fmt: ReportFormat, warning: str) -> None:
    report = parse_report(RENDER[fmt](warning, TIPS), fmt, KeywordAnalyzer())
    assert [i.title for i in report.incidents] == ["Indbrud i villa i Vejle", "Tyveri fra varebil i Hedensted"]
    assert "legitimation" in report.incidents[0].body


def test_a_warning_headline_at_a_deeper_level_stays_inside_its_incident() -> None:
    text = (
        f"# Døgnrapport\n\n## Indbrud i villa i Vejle\n\n{BURGLARY}\n\n"
        f"### Pas på tricktyve\n\n{TRICK}\n\n## Tyveri\n\n{VAN}\n"
    )
    report = parse_report(text, ReportFormat.MARKDOWN, KeywordAnalyzer())
    assert [i.title for i in report.incidents] == ["Indbrud i villa i Vejle", "Tyveri"]


def test_cues() -> None:
    assert is_warning_headline("Pas på falske SMS'er") and is_warning_headline("**Advarsel:** falske bude")
    assert not is_warning_headline("Passagerer i bus") and not is_warning_headline("Huskøb gik galt")
    assert tells_incident(TRICK)
    assert not tells_incident(TIPS)
    assert not tells_incident("Politiet opfordrer til at låse døren. Mange indbrud sker gennem ulåste døre.")


def test_bold_paragraph_incidents_keep_a_bold_advice_heading_as_a_sub_heading() -> None:
    """Incidents as bold-only paragraphs: a bold "Gode råd" over tips stays with the incident above, even though
    the next incident (with its crime words) follows right after the tips."""
    page = (
        "<html><body><h1>Døgnrapport</h1>"
        f"<p><strong>Indbrud i villa i Vejle</strong></p><p>{BURGLARY}</p>"
        "<p><strong>Gode råd</strong></p><ul><li>Lås døren</li><li>Tænd lys</li><li>Ring 114</li></ul>"
        f"<p><strong>Tyveri fra varebil i Hedensted</strong></p><p>{VAN}</p>"
        f"<p><strong>Pas på falske vandværksfolk</strong></p><p>{TRICK}</p>"
        "</body></html>"
    )
    report = parse_report(page, ReportFormat.HTML, KeywordAnalyzer())
    assert [i.title for i in report.incidents] == [
        "Indbrud i villa i Vejle",
        "Tyveri fra varebil i Hedensted",
        "Pas på falske vandværksfolk",
    ]


# Phone fraud told the way victims tell it: what was lost and what she was made to do, no "svindel" in the story.
PHONE_FRAUD = (
    "En 79-årig kvinde fra Lindholt blev onsdag ringet op af en mand, der sagde, at han ringede fra hendes bank. "
    "Han fik hende til at godkende flere overførsler med MitID, og hun har mistet omkring 86.000 kroner."
)


@pytest.mark.parametrize("fmt", list(RENDER))
def test_a_warning_headline_over_phone_fraud_told_without_the_word_fraud_is_an_incident(fmt: ReportFormat) -> None:
    report = parse_report(RENDER[fmt]("Pas på falske bankrådgivere", PHONE_FRAUD), fmt, KeywordAnalyzer())
    titles = [i.title for i in report.incidents]
    assert titles == ["Indbrud i villa i Vejle", "Pas på falske bankrådgivere", "Tyveri fra varebil i Hedensted"]
    assert "86.000 kroner" in report.incidents[1].body
    assert "86.000 kroner" not in report.incidents[0].body


WITNESS_HEADLINES = ["Vidner søges til indbrud i Tjørneby", "Politiet efterlyser vidner efter tyveri af bil"]


@pytest.mark.parametrize("fmt", list(RENDER))
@pytest.mark.parametrize("headline", WITNESS_HEADLINES)
def test_a_headline_asking_for_witnesses_heads_its_own_incident(fmt: ReportFormat, headline: str) -> None:
    story = (
        "Natten til fredag blev der stjålet smykker og en computer fra en villa på Egevej. Ring 114, hvis du så noget."
    )
    report = parse_report(RENDER[fmt](headline, story), fmt, KeywordAnalyzer())
    titles = [i.title for i in report.incidents]
    assert titles == ["Indbrud i villa i Vejle", headline, "Tyveri fra varebil i Hedensted"]
    assert "Egevej" in report.incidents[1].body and "Egevej" not in report.incidents[0].body


def test_a_witness_line_with_a_way_to_reach_the_police_is_no_headline() -> None:
    from botrygt_nlp.reports.cues import can_be_incident_title

    assert can_be_incident_title("Vidner søges til indbrud i Tjørneby", "Vidner søges til indbrud i Tjørneby")
    for line in ("Vidner søges til indbrud – ring 114", "Politiet efterlyser vidner til indbruddet.", "Vidner søges"):
        assert not can_be_incident_title(line, line)
