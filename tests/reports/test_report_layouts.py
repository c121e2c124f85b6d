"""Report layouts a red-team pass found mis-split: numbered headlines, gathering headings other than "Kort nyt",
"Pas på" over a told trick theft, sextortion, and header dates in short forms."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from botrygt_nlp import get_analyzer
from botrygt_nlp.cli import app
from botrygt_nlp.domain import CrimeType
from botrygt_nlp.reports import ReportFormat, parse_report
from botrygt_nlp.reports.header import extract_header
from botrygt_nlp.rewrite import RewriteOptions, RewriteResult, rewrite_report
from tests.reports.fakes import KeywordAnalyzer


def _kinds(result: RewriteResult) -> list[str]:
    """The crime type of each inserted block, in order."""
    return [i.template_id.split(".")[0] for i in result.changes.insertions]


BURGLARY = "Natten til tirsdag blev der begået indbrud i en villa på Lupinvej. Der blev stjålet smykker."
TRAFFIC = "To biler kørte sammen på Ringvejen. Ingen kom til skade."

NUMBERED = {
    ReportFormat.MARKDOWN: (
        f"# Døgnrapport Fyns Politi 8. oktober 2024\n\n## 1. Indbrud i villa i Bakkely\n\n{BURGLARY}\n\n"
        f"## 2. Færdselsuheld\n\n{TRAFFIC}\n"
    ),
    ReportFormat.HTML: (
        "<html><body><h1>Døgnrapport Fyns Politi 8. oktober 2024</h1>"
        f"<h2>1. Indbrud i villa i Bakkely</h2><p>{BURGLARY}</p><h2>2) Færdselsuheld</h2><p>{TRAFFIC}</p>"
        "</body></html>"
    ),
    ReportFormat.TEXT: (
        f"Døgnrapport Fyns Politi 8. oktober 2024\n\n1. Indbrud i villa i Bakkely\n\n{BURGLARY}\n\n"
        f"2. Færdselsuheld\n\n{TRAFFIC}\n"
    ),
}


@pytest.mark.parametrize("fmt", list(NUMBERED), ids=lambda f: f.value)
def test_numbered_headlines_head_their_incidents_and_advice_goes_once_under_the_body(fmt: ReportFormat) -> None:
    text = NUMBERED[fmt]
    report = parse_report(text, fmt, KeywordAnalyzer())
    assert [i.title for i in report.incidents] == ["Indbrud i villa i Bakkely", "Færdselsuheld"]
    result = rewrite_report(text, RewriteOptions(fmt=fmt), KeywordAnalyzer())
    assert _kinds(result) == ["home_burglary"]
    out = result.text
    # The block lies between the burglary's body and the traffic headline, not between a headline and its body.
    assert out.index(BURGLARY) < out.index("botrygt:advice") < out.index("Færdselsuheld")


def test_a_numbered_tips_list_a_blank_line_apart_stays_a_list() -> None:
    text = (
        "Døgnrapport Fyns Politi 8. oktober 2024\n\nIndbrud i villa i Bakkely\n\n"
        f"{BURGLARY}\n\nGode råd:\n\n1. Lås døren\n\n2. Tænd lyset\n\nPolitiet efterlyser vidner på 114.\n\n"
        f"Færdselsuheld\n\n{TRAFFIC}\n"
    )
    report = parse_report(text, ReportFormat.TEXT, KeywordAnalyzer())
    assert [i.title for i in report.incidents] == ["Indbrud i villa i Bakkely", "Færdselsuheld"]


ITEMS_MD = (
    "- En påhængsmotor blev stjålet fra en båd i lystbådehavnen natten til onsdag.\n"
    "- Brand i en skraldespand ved skolen. Brandvæsenet slukkede.\n"
    "- En elcykel blev stjålet fra Banegårdspladsen.\n"
)


@pytest.mark.parametrize(
    "label",
    [
        "Kort nyt fra døgnet",
        "Kort nyt fra weekenden",
        "Øvrige sager fra døgnet",
        "Andre sager",
        "Øvrige anmeldelser",
        "Øvrige hændelser",
    ],
)
def test_gathering_headings_in_other_words_gather_their_items(label: str) -> None:
    text = (
        "# Døgnrapport Sydsjællands Politi 18. juli 2024\n\n## Lommetyveri på Torvet\n\n"
        "En 67-årig kvinde fik stjålet sin pung fra sin taske på torvedagen i Kornstrup.\n\n"
        f"## {label}\n\n{ITEMS_MD}"
    )
    report = parse_report(text, ReportFormat.MARKDOWN, KeywordAnalyzer())
    titles = [i.title for i in report.incidents]
    assert label not in titles  # the label gathers; it is no incident of its own
    assert len(report.incidents) == 4
    assert "påhængsmotor" not in report.incidents[0].body
    result = rewrite_report(text, RewriteOptions(fmt=ReportFormat.MARKDOWN), KeywordAnalyzer())
    kinds = _kinds(result)
    assert kinds == ["pickpocketing", "boat_theft", "bike_theft"]
    assert ITEMS_MD in result.text  # no block between the items


def test_an_html_section_heading_over_a_list_puts_each_block_once_after_the_list() -> None:
    text = (
        "<html><body><h1>Døgnrapport Sydsjællands Politi 18. juli 2024</h1>"
        "<h2>Lommetyveri på Torvet</h2><p>En 67-årig kvinde fik stjålet sin pung fra sin taske.</p>"
        "<h2>Øvrige hændelser</h2><ul>"
        "<li><strong>Kornstrup:</strong> En påhængsmotor blev stjålet fra en båd i lystbådehavnen.</li>"
        "<li><strong>Vester Aby:</strong> Brand i en skraldespand ved skolen. Brandvæsenet slukkede.</li>"
        "</ul></body></html>"
    )
    result = rewrite_report(text, RewriteOptions(fmt=ReportFormat.HTML), KeywordAnalyzer())
    out = result.text
    assert out.count("botrygt:advice boat_theft") == 1
    fire_item = out[out.index("Vester Aby") : out.index("</li>", out.index("Vester Aby"))]
    assert "botrygt:advice" not in fire_item
    assert out.index("</ul>", out.index("Vester Aby")) < out.index("botrygt:advice boat_theft")


@pytest.mark.parametrize(
    "body",
    [
        "En 84-årig kvinde fik fredag besøg af en mand, der sagde, han kom fra vandværket. Mens hun viste ham "
        "køkkenet, forsvandt hendes pung fra entréen.",
        "En 88-årig kvinde blev fredag ringet op af en mand, der sagde, han var fra politiet. Hun lagde kontanter "
        "i en pose ved døren, og de blev hentet.",
    ],
)
def test_pas_paa_over_a_told_trick_theft_is_its_own_incident(body: str) -> None:
    text = (
        "Døgnrapport Østjyllands Politi\nLørdag den 9. november 2024\n\nTyveri fra bil\n"
        "Natten til lørdag blev der stjålet en taske fra en bil på Vænget, hvor bagruden var knust.\n\n"
        f"Pas på falske vandværksfolk\n{body}\n\nBrand i lejlighed\n"
        "Kl. 22.05 brød der ild ud i et køkken i en lejlighed på Torvegade. Ingen kom til skade.\n"
    )
    report = parse_report(text, ReportFormat.TEXT, KeywordAnalyzer())
    assert [i.title for i in report.incidents] == ["Tyveri fra bil", "Pas på falske vandværksfolk", "Brand i lejlighed"]


def test_sextortion_is_extortion_and_gets_no_fraud_advice() -> None:
    text = (
        "# Døgnrapport Fyns Politi\n\n## Sextortion: 16-årig presset for penge\n\n"
        "En 16-årig dreng har anmeldt, at han via et socialt medie er blevet presset til at sende intime billeder. "
        "Bagefter krævede afpresseren 5.000 kr. for ikke at dele billederne.\n\n"
        "## Indbrud i villa\n\nNatten til tirsdag blev der begået indbrud i en villa på Lupinvej. Tyven stjal "
        "smykker.\n"
    )
    report = parse_report(text, ReportFormat.MARKDOWN, get_analyzer())
    sextortion, burglary = report.incidents
    assert sextortion.assessment is not None and not sextortion.assessment.relevant
    assert burglary.crime_type is CrimeType.HOME_BURGLARY


@pytest.mark.parametrize(
    ("header", "day"),
    [
        ("Døgnrapport juleaftensdag, tirsdag 24. dec. 2024", date(2024, 12, 24)),
        ("Døgnrapport for d. 24/12 2024", date(2024, 12, 24)),
        ("Døgnrapport 3. sept. 2024", date(2024, 9, 3)),
        ("Døgnrapport 24/12-2024", date(2024, 12, 24)),
        ("Døgnrapport kl. 12.30 2024", None),
    ],
)
def test_short_header_dates_are_read(header: str, day: date | None) -> None:
    assert extract_header(header).date == day


def test_cli_names_a_directory_and_notes_an_empty_report(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["rewrite", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a directory" in result.output
    empty = tmp_path / "tom.txt"
    empty.write_text("")
    result = runner.invoke(app, ["rewrite", str(empty)])
    assert result.exit_code == 0
    assert "holds no incident" in result.output


TIPS_ABOUT_POCKETS = "Bær din pung i en inderlomme, og hold tasken lukket. Ring 114, hvis du ser noget mistænkeligt."
CAR = "En sort bil blev stjålet fra en indkørsel på Lærkevej natten til tirsdag."
FIRE = "En carport brændte på Egevej. Ingen kom til skade."


@pytest.mark.parametrize(
    "fmt",
    [ReportFormat.HTML, ReportFormat.MARKDOWN, ReportFormat.TEXT],
    ids=lambda f: f.value,
)
def test_tips_about_another_crime_are_neither_the_incidents_advice_nor_its_type(fmt: ReportFormat) -> None:
    text = {
        ReportFormat.HTML: (
            "<html><body><h1>Døgnrapport Nordsjællands Politi 5. marts 2024</h1>"
            f"<h2>Biltyveri i Granløse</h2><p>{CAR}</p><h2>Gode råd mod lommetyveri</h2><p>{TIPS_ABOUT_POCKETS}</p>"
            f"<h2>Brand i carport</h2><p>{FIRE}</p></body></html>"
        ),
        ReportFormat.MARKDOWN: (
            f"# Døgnrapport Nordsjællands Politi 5. marts 2024\n\n## Biltyveri i Granløse\n\n{CAR}\n\n"
            f"## Gode råd mod lommetyveri\n\n{TIPS_ABOUT_POCKETS}\n\n## Brand i carport\n\n{FIRE}\n"
        ),
        ReportFormat.TEXT: (
            f"Døgnrapport Nordsjællands Politi 5. marts 2024\n\nBiltyveri i Granløse\n{CAR}\n\n"
            f"Gode råd mod lommetyveri\n{TIPS_ABOUT_POCKETS}\n\nBrand i carport\n{FIRE}\n"
        ),
    }[fmt]
    report = parse_report(text, fmt, get_analyzer())
    car, fire = report.incidents
    assert car.title == "Biltyveri i Granløse" and "inderlomme" not in car.body
    assert fire.title == "Brand i carport"
    assert car.crime_type is CrimeType.CAR_THEFT and car.assessment is not None and not car.assessment.constructive
    result = rewrite_report(text, RewriteOptions(fmt=fmt), get_analyzer())
    assert _kinds(result) == ["car_theft"]
    out = result.text
    assert out.index(CAR) < out.index("botrygt:advice") < out.index("Gode råd mod lommetyveri")


def test_tips_about_the_incidents_own_crime_stay_its_advice() -> None:
    text = (
        "# Døgnrapport Nordsjællands Politi 5. marts 2024\n\n## Lommetyveri i bussen\n\n"
        "En 70-årig kvinde fik stjålet sin pung i bussen.\n\n"
        f"## Gode råd mod lommetyveri\n\n{TIPS_ABOUT_POCKETS}\n\n## Brand i carport\n\n{FIRE}\n"
    )
    report = parse_report(text, ReportFormat.MARKDOWN, KeywordAnalyzer())
    assert [i.title for i in report.incidents] == ["Lommetyveri i bussen", "Brand i carport"]
    assert "inderlomme" in report.incidents[0].body


def test_kort_nyt_right_under_a_paragraph_gathers_its_items_after_several_incidents() -> None:
    text = (
        "Døgnrapport fra Fyns Politi\nSøndag den 10. marts 2024\n\nIndbrud i villa\n"
        "Natten til søndag var der indbrud i en villa på Lindevej. Tyven stjal smykker.\n\n"
        "Færdselsuheld\nTo biler kørte sammen på Ringvejen kl. 7.25. Ingen kom til skade.\nKort nyt\n"
        "- En påhængsmotor blev stjålet fra en båd i havnen.\n- To cykler blev stjålet ved stationen.\n"
    )
    report = parse_report(text, ReportFormat.TEXT, KeywordAnalyzer())
    assert [i.title for i in report.incidents[:2]] == ["Indbrud i villa", "Færdselsuheld"]
    assert "påhængsmotor" not in report.incidents[1].body and len(report.incidents) == 4
    result = rewrite_report(text, RewriteOptions(fmt=ReportFormat.TEXT), KeywordAnalyzer())
    out = result.text
    assert out.index("botrygt:advice home_burglary") < out.index("Færdselsuheld")  # under its own incident


def test_table_rows_with_bold_headlines_after_headed_incidents_are_incidents_of_their_own() -> None:
    text = (
        "<html><body><h1>Døgnrapport Vestjyllands Politi 12. februar 2025</h1>"
        "<h2>Indbrud i villa i Stenhøj</h2><p>En villa på Fyrrevej blev udsat for indbrud, og der blev stjålet "
        "smykker.</p><h2>Lommetyveri i bussen</h2><p>En 58-årig kvinde fik stjålet sin pung i bussen.</p><table>"
        "<tr><td><strong>Tyveri af knallert</strong> En rød knallert blev stjålet fra Skolegade natten til onsdag."
        "</td></tr><tr><td><strong>Brand i skur</strong> Et haveskur brændte ned. Ingen kom til skade.</td></tr>"
        "</table></body></html>"
    )
    report = parse_report(text, ReportFormat.HTML, get_analyzer())
    assert [i.title for i in report.incidents] == [
        "Indbrud i villa i Stenhøj",
        "Lommetyveri i bussen",
        "Tyveri af knallert",
        "Brand i skur",
    ]
    result = rewrite_report(text, RewriteOptions(fmt=ReportFormat.HTML), get_analyzer())
    out = result.text
    fire = out[out.index("Brand i skur") : out.index("</td>", out.index("Brand i skur"))]
    assert "botrygt:advice" not in fire  # never in the fire's cell
    moped = out[out.index("Tyveri af knallert") : out.index("</td>", out.index("Tyveri af knallert"))]
    assert "botrygt:advice bike_theft" in moped  # the moped's own advice, in its own cell
