"""Incident layouts seen in real døgnrapporter and local news: run-in headlines, reports without headlines,
incidents as list items, table rows or title-classed elements, and per-incident <article><header>."""

from __future__ import annotations

import re

import pytest

from botrygt_nlp.domain import CrimeType
from botrygt_nlp.reports import HeadingKind, ReportFormat, parse_report
from botrygt_nlp.rewrite import RewriteOptions, rewrite_report, strip_blocks
from tests.reports.fakes import FIXTURES, KeywordAnalyzer

BY_NAME = {f.name: f for f in FIXTURES}
RUN_IN = [
    "r25_lokalavis_runin_vejle.html",
    "r26_presse_email_caps_towns.txt",
    "r28_facebook_emoji_midtvest.txt",
    "r34_vestegnen_md_bullets.md",
]


@pytest.mark.parametrize("name", RUN_IN)
def test_run_in_headlines_split_the_paragraph_into_title_and_body(name: str) -> None:
    fx = BY_NAME[name]
    report = parse_report(fx.text, None, KeywordAnalyzer())
    assert len(report.incidents) >= 4
    for inc in report.incidents:
        assert inc.heading is HeadingKind.RUN_IN
        assert inc.body and inc.body[0].isupper(), inc.body[:30]  # no leftover "." or ":" from the headline
        assert not inc.body.startswith(inc.title)
        head = re.sub(r"<[^>]+>|\*\*", "", fx.text[inc.title_start : inc.title_end])
        assert head.rstrip(" .").endswith(inc.title.split()[-1]), head


def test_one_town_colon_paragraph_is_no_headline_pattern() -> None:
    text = (
        "Natten til mandag var der indbrud i en villa på Skovvej i Ry. Tyven tog smykker.\n\n"
        "Vagthavende Jens Holm: Vi efterforsker sagen.\n\n"
        "Ry: Politiet efterlyser vidner, der har set en hvid bil.\n"
    )
    report = parse_report(text, None, KeywordAnalyzer())
    assert [i.heading for i in report.incidents] == [HeadingKind.NONE]
    assert report.text[: report.incidents[0].end].endswith("set en hvid bil.")


def test_a_daily_report_without_headlines_is_split_at_paragraphs_that_start_a_new_incident() -> None:
    fx = BY_NAME["r29_nordsjaelland_no_headlines.txt"]
    burglary, hash_driver, bike = parse_report(fx.text, None, KeywordAnalyzer()).incidents
    assert burglary.body.startswith("Natten til onsdag") and "Tyven var væk" in burglary.body
    assert "hører gerne fra vidner" in burglary.body  # a witness appeal goes on with its incident
    assert hash_driver.body.startswith("En 19-årig mand") and "Han blev sigtet" in hash_driver.body
    assert bike.body.endswith("ikke kan ses fra vejen.")  # "Den stod …" points back: same incident
    result = rewrite_report(fx.text, RewriteOptions(fmt=fx.fmt), KeywordAnalyzer())
    assert [i.incident_index for i in result.changes.insertions] == [0, 2]
    assert fx.text[: result.changes.insertions[0].offset].endswith("på Rungstedvej i løbet af natten.")


def test_text_without_a_daily_report_header_stays_one_incident_in_every_format() -> None:
    paragraphs = ["Natten til onsdag var der indbrud i en villa i Ry.", "En elcykel blev stjålet i Skive."]
    for text in ("\n\n".join(paragraphs), "".join(f"<p>{p}</p>" for p in paragraphs)):
        assert len(parse_report(text, None, KeywordAnalyzer()).incidents) == 1
    html = "<main><h1>Døgnrapport fra Fyns Politi</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</main>"
    report = parse_report(html, None, KeywordAnalyzer())
    assert [i.body for i in report.incidents] == paragraphs


@pytest.mark.parametrize(
    ("name", "closing"),
    [("r32_midtvestsjaelland_list_items.html", "</li>"), ("r36_bornholm_table_rows.html", "</td>")],
)
def test_list_items_and_table_rows_are_incidents_and_get_their_advice_inside(name: str, closing: str) -> None:
    fx = BY_NAME[name]
    report = parse_report(fx.text, None, KeywordAnalyzer())
    assert len(report.incidents) == len(fx.incidents)
    result = rewrite_report(report, RewriteOptions(), KeywordAnalyzer())
    assert result.changes.insertions
    for ins in result.changes.insertions:
        assert fx.text[ins.offset :].lstrip().startswith(closing), fx.text[ins.offset : ins.offset + 30]
    rows = parse_report(BY_NAME["r36_bornholm_table_rows.html"].text, None, KeywordAnalyzer()).incidents
    assert rows[0].body.startswith("Mandag kl. 14-18\nRønne\nDer blev stjålet")  # time and place cells included


def test_nested_list_stays_inside_its_incident() -> None:
    first = parse_report(BY_NAME["r32_midtvestsjaelland_list_items.html"].text, None, KeywordAnalyzer()).incidents[0]
    assert first.body.endswith("en bærbar computer\nsmykker\net ur")


@pytest.mark.parametrize(
    "page",
    [
        # A heading wrapped in its own element, the body in a sibling.
        '<main><div class="item"><div class="head"><h3>Indbrud i villa i Ry</h3><time>i går</time></div>'
        '<div class="body"><p>Tyven tog smykker.</p></div></div><div class="item"><div class="head">'
        '<h3>Cykel stjålet i Skive</h3></div><div class="body"><p>En elcykel blev stjålet.</p></div></div></main>',
        # One <article> per incident, each with its own <header>.
        "<main><article><header><h2>Indbrud i villa i Ry</h2></header><p>Tyven tog smykker.</p></article>"
        "<article><header><h2>Cykel stjålet i Skive</h2></header><p>En elcykel blev stjålet.</p></article></main>",
        # Headlines styled by class only.
        '<div class="incident"><div class="incident-title">Indbrud i villa i Ry</div><div class="text">Tyven tog '
        'smykker.</div></div><div class="incident"><span class="overskrift">Cykel stjålet i Skive</span>'
        "<p>En elcykel blev stjålet.</p></div>",
    ],
    ids=["wrapped-heading", "article-header", "title-class"],
)
def test_headings_wrapped_in_their_own_element_keep_their_body(page: str) -> None:
    report = parse_report(page, ReportFormat.HTML, KeywordAnalyzer())
    first = "i går\n\nTyven tog smykker." if "<time>" in page else "Tyven tog smykker."  # the date is its own
    assert [(i.title, i.body) for i in report.incidents] == [
        ("Indbrud i villa i Ry", first),
        ("Cykel stjålet i Skive", "En elcykel blev stjålet."),
    ]
    result = rewrite_report(page, RewriteOptions(fmt=ReportFormat.HTML), KeywordAnalyzer())
    for ins, words in zip(result.changes.insertions, ["smykker.", "stjålet."], strict=True):
        assert re.sub(r"<[^>]+>", "", page[: ins.offset]).endswith(words)
    assert strip_blocks(result.text, ReportFormat.HTML) == page


def test_e_mail_and_page_furniture_is_header_not_incident() -> None:
    email = parse_report(BY_NAME["r26_presse_email_caps_towns.txt"].text, None, KeywordAnalyzer())
    assert all(not i.title.startswith(("Hej", "Fra", "Emne")) for i in email.incidents)
    assert email.header.period == "fra torsdag kl. 07 til fredag kl. 07"
    page = parse_report(BY_NAME["r33_sydsjaelland_pasted_page.txt"].text, None, KeywordAnalyzer())
    assert page.incidents[0].title == "Indbrud i villa i Næstved"  # not the breadcrumb or "Opdateret …"
    assert page.header.date is not None and page.header.date.isoformat() == "2025-02-12"


@pytest.mark.parametrize(
    ("name", "last_words"),
    [
        ("r28_facebook_emoji_midtvest.txt", "Ring 114 📞"),  # the hashtag line under the post is not included
        ("r27_fyn_cms_frontmatter.md", "Døren til kælderen var ikke låst."),  # nor a link-only line
    ],
)
def test_trailing_social_and_link_lines_are_not_an_incidents_last_words(name: str, last_words: str) -> None:
    fx = BY_NAME[name]
    last = parse_report(fx.text, None, KeywordAnalyzer()).incidents[-1]
    assert fx.text[last.start : last.end].endswith(last_words)


def test_numbered_incidents_in_a_press_e_mail_keep_their_loot_list_and_lose_the_signature() -> None:
    fx = BY_NAME["r41_midtvest_numbered_email_crlf.txt"]
    report = parse_report(fx.text, None, KeywordAnalyzer())
    assert [i.heading for i in report.incidents] == [HeadingKind.LINE] * 4
    burglary = report.incidents[0]
    assert burglary.title == "Indbrud i villa i Ringkøbing"  # the number is not part of the title
    assert "1. Et armbåndsur" in burglary.body and "3. Kontanter" in burglary.body  # a list, not incidents
    assert "hilsen" not in report.incidents[-1].body.lower()
    assert not any("Kommunikationsafdelingen" in i.title + i.body for i in report.incidents)


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        (
            "**Indbrud i villa i Ry.** Tyven tog smykker.\n\n**Elcykel stjålet i Skive.** En elcykel forsvandt.\n",
            ReportFormat.MARKDOWN,
        ),
        (
            "Ry: Indbrud i villa. Tyven tog smykker.\n\nSkive: Elcykel stjålet. En elcykel forsvandt.\n",
            ReportFormat.TEXT,
        ),
        (
            "<p><b>Indbrud i villa i Ry.</b> Tyven tog smykker.</p><p><b>Elcykel stjålet i Skive.</b> En elcykel "
            "forsvandt.</p>",
            ReportFormat.HTML,
        ),
        ("🏠 Indbrud i villa i Ry: Tyven tog smykker.\n\n🚲 Elcykel stjålet i Skive: En elcykel forsvandt.\n", None),
    ],
    ids=["md-bold-period", "text-town-colon", "html-b-period", "emoji"],
)
def test_run_in_forms(text: str, fmt: ReportFormat | None) -> None:
    report = parse_report(text, fmt, KeywordAnalyzer())
    assert [i.body for i in report.incidents] == ["Tyven tog smykker.", "En elcykel forsvandt."]
    assert all(i.heading is HeadingKind.RUN_IN for i in report.incidents)
    assert [i.crime_type for i in report.incidents] == [CrimeType.HOME_BURGLARY, CrimeType.BIKE_THEFT]


def test_a_one_story_article_under_a_daily_report_title_stays_one_incident() -> None:
    story = (
        "<html><head><title>Døgnrapporten: Indbrud i villa i Ry</title></head><body><main>"
        "<p>Natten til søndag var der indbrud i en villa på Skovvej i Ry.</p>"
        "<p>Familien var på ferie, og tyvene kom ind ad et vindue i bryggerset.</p>"
        "<p>– Vi har endnu ingen mistænkte, siger vagtchefen.</p>"
        "<p>Indbruddet blev opdaget af en nabo søndag morgen.</p>"
        "<p>Politiet hører gerne fra vidner på 114.</p></main></body></html>"
    )
    report = parse_report(story, None, KeywordAnalyzer())
    assert len(report.incidents) == 1
    assert report.incidents[0].body.endswith("vidner på 114.")


@pytest.mark.parametrize(
    "text",
    [
        "LØRDAG\n\nIndbrud i villa i Vejle\nTyven tog smykker.\n\n"
        "SØNDAG\n\nCykel stjålet i Horsens\nEn elcykel forsvandt.\n",
        "<main><p><strong>Lørdag</strong></p><p><strong>Indbrud i villa i Vejle</strong></p><p>Tyven tog smykker.</p>"
        "<p><strong>Søndag</strong></p><p><strong>Cykel stjålet i Horsens</strong></p>"
        "<p>En elcykel forsvandt.</p></main>",
    ],
    ids=["text", "html"],
)
def test_weekend_day_headings_are_sections_not_incidents(text: str) -> None:
    report = parse_report(text, None, KeywordAnalyzer())
    assert [i.title for i in report.incidents] == ["Indbrud i villa i Vejle", "Cykel stjålet i Horsens"]
    assert text[: report.incidents[0].end].removesuffix("</p>").endswith("Tyven tog smykker.")


def test_a_day_heading_never_ends_the_incident_before_it() -> None:
    fx = BY_NAME["r43_sydoestjylland_weekend.md"]
    report = parse_report(fx.text, None, KeywordAnalyzer())
    assert not any(i.title.startswith(("Fredag", "Lørdag", "Søndag")) for i in report.incidents)
    for inc in report.incidents:
        assert "dag 1" not in fx.text[inc.start : inc.end]  # "**Lørdag 16. marts**" is in no incident


# Pasted from a web page or an e-mail client: no blank line anywhere between the incidents.
DENSE = (
    "Døgnrapport fra Midt- og Vestsjællands Politi\n"
    "Onsdag den 9. april 2025\n"
    "Indbrud i villa i Kildeby\n"
    "Tirsdag mellem kl. 8 og kl. 16 har der været indbrud i en villa på Skovbrynet. Tyven stjal smykker.\n"
    "Tyveri fra varebil i Asnæsvig\n"
    "Natten til onsdag er der stjålet værktøj fra en varebil på Fabriksvej. Tyven klippede låsen over.\n"
    "Færdselsuheld i Kildeby\n"
    "En bilist og en cyklist stødte sammen på Torvegade kl. 15.30. Cyklisten slap med skrammer.\n"
)


def test_a_report_without_blank_lines_is_split_at_its_headlines() -> None:
    report = parse_report(DENSE, ReportFormat.TEXT, KeywordAnalyzer())
    assert [i.title for i in report.incidents] == [
        "Indbrud i villa i Kildeby",
        "Tyveri fra varebil i Asnæsvig",
        "Færdselsuheld i Kildeby",
    ]
    assert "Skovbrynet" in report.incidents[0].body and "Fabriksvej" not in report.incidents[0].body


def test_advice_in_a_report_without_blank_lines_lands_under_its_incident_and_a_rerun_changes_nothing() -> None:
    result = rewrite_report(DENSE, RewriteOptions(fmt=ReportFormat.TEXT), KeywordAnalyzer())
    placed = {i.incident_title: i.offset for i in result.changes.insertions}
    assert set(placed) == {"Indbrud i villa i Kildeby", "Tyveri fra varebil i Asnæsvig"}
    assert placed["Indbrud i villa i Kildeby"] < DENSE.index("Tyveri fra varebil")
    assert placed["Tyveri fra varebil i Asnæsvig"] < DENSE.index("Færdselsuheld")
    assert strip_blocks(result.text, ReportFormat.TEXT) == DENSE
    again = rewrite_report(result.text, RewriteOptions(fmt=ReportFormat.TEXT), KeywordAnalyzer())
    assert again.text == result.text
    reparsed = parse_report(result.text, ReportFormat.TEXT, KeywordAnalyzer())
    assert [i.title for i in reparsed.incidents] == [
        i.title for i in parse_report(DENSE, ReportFormat.TEXT, KeywordAnalyzer()).incidents
    ]


def test_a_hard_wrapped_paragraph_with_blank_lines_is_not_split_at_a_short_line() -> None:
    text = (
        "Døgnrapport fra Østjyllands Politi\n\n"
        "Indbrud i villa i Ry\n\n"
        "Natten til mandag var der indbrud i en villa på Skovvej i Ry. Tyven kom ind\n"
        "ad et vindue og stjal smykker.\n"
        "Politiet efterforsker sagen\n"
        "og hører gerne fra vidner.\n"
    )
    report = parse_report(text, ReportFormat.TEXT, KeywordAnalyzer())
    assert [i.title for i in report.incidents] == ["Indbrud i villa i Ry"]


def test_a_long_press_headline_still_heads_its_incident() -> None:
    headline = "Indbrud i villa på Skovbrynet i Kildeby – tyvene tog smykker, computer og bilnøgler til familiens bil"
    text = (
        "Døgnrapport for Midt- og Vestsjællands Politi\n\n"
        f"{headline}\nTirsdag har der været indbrud i en villa på Skovbrynet. Tyven brød et vindue op.\n\n"
        "Tyv stjal cykel\nEn cykel blev stjålet fra Torvet.\n"
    )
    report = parse_report(text, ReportFormat.TEXT, KeywordAnalyzer())
    assert [i.title for i in report.incidents] == [headline, "Tyv stjal cykel"]


@pytest.mark.parametrize("sub", ["### Signalement", "Signalement\n-----------", "## Opdatering"])
def test_a_labelled_sub_section_under_bold_incidents_stays_in_its_incident(sub: str) -> None:
    text = (
        "# Døgnrapport Københavns Vestegns Politi\n\n"
        "**Indbrud i villa i Glostrupvang**\n\nSøndag blev der stjålet smykker fra en villa på Vængevej.\n\n"
        "**Tyveri fra byggeplads på Hovedvejen**\n\nDer blev stjålet kobberkabler fra en byggeplads.\n\n"
        f"{sub}\n\nEt vidne så en hvid varebil med trailer ved pladsen søndag kl. 23.\n"
    )
    result = rewrite_report(text, RewriteOptions(fmt=ReportFormat.MARKDOWN), KeywordAnalyzer())
    report = result.report
    titles = [i.title for i in report.incidents]
    assert titles == ["Indbrud i villa i Glostrupvang", "Tyveri fra byggeplads på Hovedvejen"]
    assert "hvid varebil" in report.incidents[1].body
    placed = {i.incident_title: i.offset for i in result.changes.insertions}
    # The advice goes after the description of the van, not between the incident and its own sub-section.
    assert placed["Tyveri fra byggeplads på Hovedvejen"] > text.index("hvid varebil")


def test_a_kort_nyt_section_ends_the_incident_above_it_so_its_advice_stays_outside_the_list() -> None:
    html = (
        "<html><body><h1>Døgnrapport Fynsk Politi</h1>"
        "<h3>Indbrud i villa i Klinteby</h3><p>Natten til onsdag blev der stjålet smykker fra en villa.</p>"
        "<h3>Kort nyt</h3><ul><li><strong>Cykeltyveri i Ølsted:</strong> En elcykel blev stjålet.</li>"
        "<li><strong>Tyveri fra bil i Ølsted:</strong> En taske blev stjålet fra en ulåst bil.</li></ul>"
        "<h3>Færdselsuheld i Klinteby</h3><p>To biler stødte sammen i et kryds.</p></body></html>"
    )
    result = rewrite_report(html, RewriteOptions(fmt=ReportFormat.HTML), KeywordAnalyzer())
    villa = result.report.incidents[0]
    assert villa.title == "Indbrud i villa i Klinteby" and "elcykel" not in villa.body
    placed = {i.incident_title: i.offset for i in result.changes.insertions}
    assert placed["Indbrud i villa i Klinteby"] <= html.index("<h3>Kort nyt")
