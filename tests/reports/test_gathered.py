"""Short items gathered under "Kort nyt" / "Øvrige hændelser": each is an incident of its own, and their advice
goes under the whole list, once per kind of advice, never between the items."""

from __future__ import annotations

from botrygt_nlp.domain import CrimeType
from botrygt_nlp.reports import HeadingKind, ReportFormat, parse_report
from botrygt_nlp.rewrite import RewriteOptions, rewrite_report, strip_blocks
from botrygt_nlp.rewrite.rewrite import undo_rewrite
from botrygt_nlp.rewrite.types import SkipReason
from tests.reports.fakes import KeywordAnalyzer

ITEMS = (
    "- En elcykel blev stjålet fra en carport på Bøgevej i Næstved natten til mandag. Cyklen var låst.\n"
    "- Fra en varebil på Industrivej blev der stjålet værktøj for 40.000 kroner.\n"
    "  Bilen holdt uden for firmaet.\n"
    "- En 19-årig blev anholdt for hærværk mod et busskur."
)
TEXT = (
    "Døgnrapport for Sydsjællands Politi, mandag den 7. december 2026\n\n"
    "Spirituskørsel på Ringvejen\n"
    "En 44-årig mand blev standset kl. 23.10 på Ringvejen og sigtet for spirituskørsel.\n\n"
    f"Kort nyt\n{ITEMS}\n"
)


def test_items_right_under_kort_nyt_are_incidents_of_their_own() -> None:
    report = parse_report(TEXT, None, KeywordAnalyzer())
    drink, *items = report.incidents
    assert drink.title == "Spirituskørsel på Ringvejen" and "elcykel" not in drink.body
    assert [i.heading for i in items] == [HeadingKind.ITEM] * 3
    assert [i.crime_type for i in items] == [CrimeType.BIKE_THEFT, CrimeType.VAN_TOOL_THEFT, CrimeType.OTHER_CRIME]
    assert "Bilen holdt uden for firmaet." in items[1].body  # a wrapped line stays with its item
    list_end = TEXT.index(ITEMS) + len(ITEMS)
    assert all(i.advice_offset == list_end for i in items)


def test_advice_goes_under_the_whole_list_and_a_rerun_or_undo_changes_nothing() -> None:
    result = rewrite_report(TEXT, RewriteOptions(fmt=ReportFormat.TEXT), KeywordAnalyzer())
    assert [i.template_id.split(".")[0] for i in result.changes.insertions] == ["bike_theft", "van_tool_theft"]
    assert ITEMS in result.text  # the list is whole: nothing lands between its items
    after = result.text[result.text.index(ITEMS) + len(ITEMS) :]
    assert after.index("Undgå cykeltyveri") < after.index("Undgå tyveri fra varebiler")
    assert strip_blocks(result.text, ReportFormat.TEXT) == TEXT
    assert undo_rewrite(result.text, result.changes.insertions) == TEXT
    again = rewrite_report(result.text, RewriteOptions(fmt=ReportFormat.TEXT), KeywordAnalyzer())
    assert again.text == result.text and not again.changes.insertions


def test_the_same_advice_goes_under_a_markdown_list_once() -> None:
    text = (
        "# Døgnrapport, Fyns Politi\n\n"
        "## Indbrud i rækkehus i Klinteby\n\nNatten til mandag var der indbrud i et rækkehus på Lindevej.\n\n"
        "## Øvrige hændelser\n\n"
        "En ladcykel blev stjålet fra en cykelkælder på Havnegade.\n\n"
        "En knallert blev stjålet fra en carport i Bellinge.\n\n"
        "Der var et færdselsuheld med en bil på Ringvejen, og føreren blev sigtet for spirituskørsel.\n"
    )
    result = rewrite_report(text, RewriteOptions(fmt=ReportFormat.MARKDOWN), KeywordAnalyzer())
    kinds = [i.template_id.split(".")[0] for i in result.changes.insertions]
    assert kinds == ["home_burglary", "bike_theft"]
    assert result.text.index("Undgå cykeltyveri") > result.text.index("spirituskørsel")
    assert [s.reason for s in result.changes.skipped if s.crime_type is CrimeType.BIKE_THEFT] == [
        SkipReason.SAME_ADVICE_UNDER_LIST
    ]
    burglary = result.changes.insertions[0]
    assert burglary.offset <= text.index("## Øvrige hændelser")  # the burglary's advice stays with it


def test_a_list_with_its_own_advice_gets_none() -> None:
    text = (
        TEXT + "\nUndgå tyveri\n1. Lås cyklen.\n2. Tøm varebilen for værktøj.\n3. Mærk værktøjet.\n4. Brug en alarm.\n"
    )
    result = rewrite_report(text, RewriteOptions(fmt=ReportFormat.TEXT), KeywordAnalyzer())
    assert not result.changes.insertions
    assert {s.reason for s in result.changes.skipped if s.crime_type and s.crime_type.is_relevant} == {
        SkipReason.HAS_ADVICE_BLOCK
    }


def test_html_items_get_their_advice_after_the_closing_list_tag() -> None:
    html = (
        "<html><body><h1>Døgnrapport Fynsk Politi</h1>"
        "<h3>Indbrud i villa i Klinteby</h3><p>Natten til onsdag blev der stjålet smykker fra en villa.</p>"
        "<h3>Kort nyt</h3><ul><li><strong>Cykeltyveri i Ølsted:</strong> En elcykel blev stjålet.</li>"
        "<li><strong>Tyveri fra bil i Ølsted:</strong> En taske blev stjålet fra en bil, indbrud i bil.</li>"
        "<li>En mand blev sigtet for spirituskørsel.</li></ul>"
        "<h3>Færdselsuheld i Klinteby</h3><p>To biler stødte sammen i et kryds.</p></body></html>"
    )
    options = RewriteOptions(fmt=ReportFormat.HTML)
    result = rewrite_report(html, options, KeywordAnalyzer())
    kinds = [i.template_id.split(".")[0] for i in result.changes.insertions]
    assert kinds == ["home_burglary", "bike_theft", "car_theft"]
    list_end = html.index("</ul>") + len("</ul>")
    assert [i.offset for i in result.changes.insertions[1:]] == [list_end, list_end]
    assert result.text.count("<ul>") == 1 and "</li></ul>" in result.text  # the list is whole
    again = rewrite_report(result.text, options, KeywordAnalyzer())
    assert again.text == result.text
    assert strip_blocks(result.text, ReportFormat.HTML) == html


def test_one_click_on_a_gathered_item_gives_the_whole_list_its_advice() -> None:
    from botrygt_nlp.config import Settings
    from botrygt_nlp.service import backend

    report = parse_report(TEXT, ReportFormat.TEXT, KeywordAnalyzer())
    everything = backend.rewrite_report(report, Settings())
    bike = next(i for i in report.incidents if i.crime_type is CrimeType.BIKE_THEFT)
    one = backend.rewrite_report(report, Settings(), only=bike.index)
    # Both blocks under the list, in the order of its items: after this the list counts as advised for all.
    assert one.text == everything.text
    assert one.text.index("Undgå cykeltyveri") < one.text.index("Undgå tyveri fra varebiler")
    drink = report.incidents[0]
    assert backend.rewrite_report(report, Settings(), only=drink.index).text == TEXT  # it needs no advice
