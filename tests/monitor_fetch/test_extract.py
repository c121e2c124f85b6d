"""extract_article: trafilatura first, soup fallback, boilerplate out, paywalls flagged, dates found."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botrygt_nlp.monitor.extract import article_from_feed_summary, extract_article, soup_extract
from botrygt_nlp.news.dates import COPENHAGEN
from botrygt_nlp.news.types import ExtractionMethod, ParsedEntry
from tests.monitor_fetch.localserver import DATA

URL = "https://nyheder.example.dk/krimi/artikel"
ENTRY = ParsedEntry(
    guid="g1",
    url=URL,
    title="Titel fra feedet",
    summary="Resumé fra feedet.",
    published=datetime(2024, 3, 1, 8, 0, tzinfo=UTC),
)


def page(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_full_article_without_cookies_comments_or_related_links() -> None:
    article = extract_article(page("article_full.html"), URL)
    assert article.method is ExtractionMethod.TRAFILATURA
    assert article.title == "Indbrud i kolonihaver ved Søndersø: politiet giver gode råd"
    assert "godkendt hængelås" in article.text and "ringe 112" in article.text
    for unwanted in (
        "cookies",
        "Kommentar fra læser",
        "Relaterede",
        "Sådan sikrer du din cykel",
        "Forside",
        "Kontakt os",
        "sporing",
    ):
        assert unwanted not in article.text
    assert article.published == datetime(2024, 3, 12, 14, 5, tzinfo=timezone(timedelta(hours=1)))
    assert not article.paywalled


def test_page_without_paragraph_tags() -> None:
    article = extract_article(page("article_no_p.html"), URL)
    assert "Lad aldrig tasker" in article.text and "anmelde det på politi.dk" in article.text
    assert "Arkiv" not in article.text


def test_soup_fallback_handles_div_and_br_text() -> None:
    text = soup_extract(page("article_no_p.html").decode())
    lines = text.splitlines()
    assert lines[0].startswith("Politikredsen har i denne måned")
    assert any(line.startswith("Oplever du et tyveri") for line in lines)
    assert "Forside" not in text


def test_soup_fallback_is_used_when_trafilatura_finds_little() -> None:
    html = (
        "<html><body><table><tr><td>menu</td><td>"
        + "Borgere i Vestbyen kan nu låne en gratis cykellås hos biblioteket.<br>" * 3
        + "</td></tr></table></body></html>"
    ).encode()
    article = extract_article(html, URL)
    assert "gratis cykellås" in article.text
    assert article.method in (ExtractionMethod.TRAFILATURA, ExtractionMethod.FALLBACK_SOUP)


def test_paywalled_teaser_is_flagged() -> None:
    article = extract_article(page("article_paywall.html"), URL)
    assert article.paywalled
    assert "Tre mænd" in article.text
    assert article.published == datetime(2024, 4, 2, 7, 30, tzinfo=timezone(timedelta(hours=2)))


@pytest.mark.parametrize(
    "marker",
    [
        '<script type="application/ld+json">{"@type": "NewsArticle", "isAccessibleForFree": false}</script>',
        "<p>Kun for abonnenter</p>",
        '<meta property="article:content_tier" content="locked">',
    ],
)
def test_each_paywall_signal(marker: str) -> None:
    body = (
        "<html><head>"
        + marker
        + "</head><body><article><h1>Røveri i kiosk</h1>"
        + marker
        + "<p>En kiosk i Nørrebro blev i aftes udsat for et røveri. Ingen kom til skade.</p>"
        + "</article></body></html>"
    )
    assert extract_article(body.encode(), URL).paywalled


def test_short_text_with_login_prompt_is_a_teaser() -> None:
    body = (
        "<html><body><article><h1>Knivstik i nattelivet</h1><p>En ung mand blev stukket i nat.</p>"
        "<p><a href='/login'>Log ind</a> for at fortsætte.</p></article></body></html>"
    )
    assert extract_article(body.encode(), URL).paywalled


def test_free_long_article_is_not_paywalled() -> None:
    assert not extract_article(page("article_full.html"), URL).paywalled
    assert not extract_article(page("article_danish_date.html"), URL).paywalled


def test_danish_date_in_the_page() -> None:
    article = extract_article(page("article_danish_date.html"), URL)
    assert article.published == datetime(2024, 3, 12, 14, 5, tzinfo=COPENHAGEN)


def test_time_element_and_meta_dates() -> None:
    with_time = b"<html><body><article><time datetime='2024-05-17T06:00:00Z'>17. maj</time></article></body></html>"
    assert extract_article(with_time, URL).published == datetime(2024, 5, 17, 6, 0, tzinfo=UTC)
    with_meta = (
        b"<html><head><meta property='article:published_time' content='2024-05-18T08:00:00+02:00'>"
        b"</head><body><p>x</p></body></html>"
    )
    published = extract_article(with_meta, URL).published
    assert published is not None and published.astimezone(UTC) == datetime(2024, 5, 18, 6, 0, tzinfo=UTC)


def test_feed_entry_fills_gaps() -> None:
    article = extract_article(b"<html><body><div>kort</div></body></html>", URL, ENTRY)
    assert article.title == "Titel fra feedet" and article.published == ENTRY.published


def test_article_from_feed_summary() -> None:
    article = article_from_feed_summary(ENTRY)
    assert article.method is ExtractionMethod.FEED_SUMMARY
    assert (article.url, article.title, article.text, article.published) == (
        URL,
        "Titel fra feedet",
        "Resumé fra feedet.",
        ENTRY.published,
    )


def test_feed_content_beats_the_summary_when_the_page_is_out_of_reach() -> None:
    full = "Tyve brød ind i tre rækkehuse i nat.\nPolitiet råder til at låse terrassedøren."
    entry = replace(ENTRY, content=full)
    assert article_from_feed_summary(entry).text == full
    assert article_from_feed_summary(replace(ENTRY, content="Kort")).text == "Resumé fra feedet."


def test_latin1_page_keeps_danish_letters() -> None:
    body = (
        "<html><head><meta charset='iso-8859-1'><title>Æbletyve på Ærø</title></head><body><article>"
        "<h1>Æbletyve på Ærø</h1><p>"
        + "Frugtplantagen i Søby har mistet æbler for flere tusinde kroner. " * 6
        + "</p></article></body></html>"
    ).encode("latin-1")
    article = extract_article(body, URL)
    assert article.title == "Æbletyve på Ærø" and "Frugtplantagen i Søby" in article.text


@pytest.mark.parametrize(
    "hostile",
    [
        b"<div>" * 100_000 + b"dybt" + b"</div>" * 100_000,
        b"<html><body><p title='" + b"x" * 3_000_000 + b"'>stor attribut</p></body></html>",
        b"<html><body><script>" + b"while(true){}" * 10_000 + b"</script><p>kun script</p></body></html>",
        b"\x00\xff\xfe\x00<<<>>>&&&;;;" * 1000,
        b"",
        b"<?xml version='1.0' encoding='utf-8'?><html><body><p>xhtml</p></body></html>",
        b"<html><body><script type='application/ld+json'>" + b"[" * 50_000 + b"</script></body></html>",
    ],
)
def test_hostile_html_never_crashes(hostile: bytes) -> None:
    article = extract_article(hostile, URL)
    assert article.url == URL
    assert len(article.text) <= 200_000


def test_oversized_page_is_truncated_with_a_warning() -> None:
    body = b"<html><body><p>" + b"Lang tekst om tryghed. " * 300_000 + b"</p></body></html>"
    article = extract_article(body, URL)
    assert any("truncated" in w for w in article.warnings)


_PIECES = st.sampled_from(
    [
        "<div>",
        "</div>",
        "<p>",
        "</p>",
        "<br>",
        "<article>",
        "<script>",
        "</script>",
        "<!--",
        "-->",
        "<div class='comments'>",
        "<div id='cookie-banner'>",
        "Kun for abonnenter",
        "Politiet oplyser, at ",
        "tirsdag d. 12. marts 2024",
        "&amp;",
        "&#0;",
        "<",
        ">",
        "æøå ",
        "<meta property='og:title' content='x'>",
        '<script type=\'application/ld+json\'>{"datePublished": "2024-01-01"}</script>',
        "\x00",
        "<time>",
    ]
)


@settings(max_examples=80, deadline=None)
@given(st.lists(_PIECES, max_size=60))
def test_random_tag_soup_never_raises(pieces: list[str]) -> None:
    article = extract_article("".join(pieces).encode("utf-8", errors="replace"), URL)
    assert article.published is None or article.published.tzinfo is not None


def test_site_header_login_links_do_not_make_a_short_free_brief_paywalled() -> None:
    body = (
        "<html><body><header class='site'><a href='/login'>Log ind</a> <a href='/abo'>Køb abonnement</a>"
        " <a href='/plus'>Plus-artikler</a></header><article><h1>Bil stjålet i Viby</h1>"
        "<p>En sølvgrå stationcar blev i nat stjålet fra en indkørsel i Viby. Politiet efterlyser vidner."
        "</p></article></body></html>"
    )
    article = extract_article(body.encode(), URL)
    assert "Politiet efterlyser vidner" in article.text
    assert not article.paywalled


def test_paywall_overlay_in_a_modal_is_found() -> None:
    body = (
        "<html><body><article><h1>Razzia i Gellerup</h1><p>Politiet gennemførte i går en razzia.</p>"
        "</article><div class='modal paywall-overlay' role='dialog'><p>Kun for abonnenter</p></div>"
        "</body></html>"
    )
    assert extract_article(body.encode(), URL).paywalled


CONSENT_PAGE = """<html><head><title>Før du fortsætter</title></head><body><div class="wrapper">
<h1>Vi værdsætter dit privatliv</h1>
<p>Vi og vores 312 partnere bruger cookies og lignende teknologier til at gemme og tilgå oplysninger
på din enhed, til personaliserede annoncer og indhold og til måling af annoncer.</p>
<p>Du kan til enhver tid ændre dit valg under Administrer indstillinger nederst på siden. Ved at klikke
på Accepter alle giver du samtykke til behandlingen.</p>
<button>Accepter alle</button><button>Afvis alle</button></div></body></html>""".encode()


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (URL, CONSENT_PAGE),  # the dialog itself
        # A consent manager's own address, whatever its page says.
        (
            "https://avis.example.dk/consent/?continue=https%3A%2F%2Favis.example.dk%2Fkrimi%2Fartikel",
            page("article_paywall.html"),
        ),
        ("https://samtykke.avis.example.dk/?ref=krimi", CONSENT_PAGE),
    ],
)
def test_a_consent_wall_is_no_article(url: str, body: bytes) -> None:
    article = extract_article(body, url, ENTRY)
    assert article.text == "" and "consent wall instead of the article" in article.warnings
    assert article.title == "Titel fra feedet"  # not "Vi værdsætter dit privatliv"


@pytest.mark.parametrize(
    "text",
    [
        "Tyve stjal i nat en dåse cookies og to cykler fra en kolonihave i Vanløse. Politiet efterlyser vidner.",
        "Kommunen har ved en fejl sendt personoplysninger om 300 borgere til en forkert modtager. Borgerne "
        "blev ikke bedt om samtykke, og Datatilsynet undersøger sagen om privatliv.",
    ],
)
def test_short_news_about_cookies_or_privacy_is_still_an_article(text: str) -> None:
    body = f"<html><body><article><h1>Kort nyt</h1><p>{text}</p></article></body></html>".encode()
    article = extract_article(body, URL, ENTRY)
    assert text[:40] in article.text and "consent wall instead of the article" not in article.warnings


ARTICLE_P = "<p>Natten til tirsdag brød tyve ind i tre villaer i Vejle, og politiet efterlyser vidner.</p>" * 5


@pytest.mark.parametrize(
    ("head", "warning"),
    [
        (f"<article><h1>Indbrud i Vejle</h1>{ARTICLE_P}</article>", "only its <article> region was read"),
        (f"<div class='tekst'><h1>Indbrud i Vejle</h1>{ARTICLE_P}</div>", "only the first 20000 were read"),
    ],
)
def test_element_floods_are_cut_before_extraction(head: str, warning: str) -> None:
    # 120,000 elements of widget soup after the article: extraction reads a bounded page, not all of it.
    body = f"<html><head><title>t</title></head><body>{head}".encode() + b"<div><span>x</span></div>" * 60_000
    article = extract_article(body, URL)
    assert "brød tyve ind i tre villaer" in article.text
    assert any(w.startswith("page has 12") and w.endswith(warning) for w in article.warnings), article.warnings
