"""parse_feed: RSS/Atom, Danish dates, HTML stripping, encodings, truncation, GUIDs, entity bombs."""

from __future__ import annotations

import base64
import codecs
from datetime import UTC, datetime
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from botrygt_nlp.monitor.parse import decode_feed_bytes, html_to_text, parse_feed, strip_dtd
from botrygt_nlp.news.dates import COPENHAGEN
from tests.monitor_fetch.localserver import DATA

RSS = (DATA / "rss_politi.xml").read_bytes()
ATOM = (DATA / "atom_beredskab.xml").read_bytes()
FEED_URL = "https://nyheder.example.dk/krimi/rss.xml"

DANISH_ITEM = """<?xml version="1.0" encoding="{declared}"?>
<rss version="2.0"><channel><title>Østjyllands Politi – døgnrapport</title>
<item><title>Tyveri på Ærø: æbler, øl og én cykel – værdi 1.500 €</title>
<link>https://nyheder.example.dk/aeroe</link><guid>enc-1</guid>
<description>Gerningsmændene brød ind i et skur i Søby.</description></item>
<item><title>Indbrud i Åbyhøj</title><link>https://nyheder.example.dk/aabyhoej</link><guid>enc-2</guid>
<description>Husk at låse døren – også når du bare går ud med skraldet.</description></item>
</channel></rss>
"""
TITLES = ["Tyveri på Ærø: æbler, øl og én cykel – værdi 1.500 €", "Indbrud i Åbyhøj"]


def titles(body: bytes, content_type: str | None = None) -> list[str]:
    return [e.title for e in parse_feed(body, FEED_URL, content_type).entries]


def test_rss_entries_are_typed_and_clean() -> None:
    feed = parse_feed(RSS, FEED_URL)
    assert feed.title == "Lokalavisen Østbyen – Krimi & retsstof"
    assert feed.link == "https://nyheder.example.dk/krimi"
    assert feed.version == "rss20" and not feed.bozo
    first, second, third = feed.entries[:3]
    assert first.guid == "oestbyen-1001"
    assert first.title == "Indbrud i kolonihaver ved Søndersø: politiet giver gode råd"
    assert first.summary == "Flere haveejere har fået værktøj stjålet.\nLås skuret og mærk dine ting."
    assert first.published == datetime(2024, 3, 12, 13, 5, tzinfo=UTC)
    assert first.author == "Åse Bøgh"
    # HTML in title/summary becomes text; scripts vanish; relative links are made absolute.
    assert second.title == "Tyveri af katalysatorer på Ærøvej"
    assert second.summary == "Parkér i en garage, hvis du kan."
    assert second.url == "https://nyheder.example.dk/krimi/katalysatorer-aeroevej"
    # Danish dates feedparser cannot read are parsed as Copenhagen time.
    assert second.published == datetime(2024, 3, 12, 14, 5, tzinfo=COPENHAGEN)
    assert third.published == datetime(2024, 3, 12, 9, 30, tzinfo=COPENHAGEN)
    assert feed.entries[3].published == datetime(2024, 3, 12, 16, 45, tzinfo=COPENHAGEN)
    for entry in feed.entries:
        assert "<" not in entry.title + entry.summary
        assert entry.published is None or entry.published.tzinfo is not None


def test_duplicate_guids_are_not_trusted() -> None:
    entries = parse_feed(RSS, FEED_URL).entries
    by_url = {e.url: e for e in entries}
    assert by_url["https://nyheder.example.dk/krimi/falske-bankraadgivere"].guid is None
    assert by_url["https://nyheder.example.dk/krimi/cykeltyverier"].guid is None
    assert sum(1 for e in entries if e.guid == "oestbyen-1003") == 1


def test_javascript_links_are_dropped() -> None:
    entry = parse_feed(RSS, FEED_URL).entries[-1]
    assert entry.title == "Ondsindet link" and entry.url is None


def test_changing_guids_keep_the_same_url() -> None:
    before = parse_feed(RSS, FEED_URL).entries[0]
    changed = RSS.replace(b"oestbyen-1001", b"oestbyen-1001-v2")
    after = parse_feed(changed, FEED_URL).entries[0]
    assert before.guid != after.guid
    assert (before.url, before.title) == (after.url, after.title)  # what dedup keys on


def test_atom() -> None:
    feed = parse_feed(ATOM, "https://beredskab.example.dk/atom.xml")
    assert feed.version == "atom10" and feed.title == "Beredskabsnyt fra Nordkysten"
    first, second = feed.entries
    assert first.title == "Røgalarmer redder liv hver vinter"
    assert first.summary == "Test din røgalarm én gang om måneden."
    assert first.published == datetime(2024, 6, 1, 7, 15, tzinfo=UTC)
    assert first.author == "Jørgen Østergård"
    assert second.summary == "Ingen kom til skade. Hold afstand til bygninger, når du griller."
    assert second.published == datetime(2024, 5, 31, 22, 40, tzinfo=UTC)


def test_declared_utf8_but_windows_1252_bytes() -> None:
    body = DANISH_ITEM.format(declared="utf-8").encode("cp1252")
    assert titles(body) == TITLES


def test_declared_latin1_but_utf8_bytes() -> None:
    body = DANISH_ITEM.format(declared="iso-8859-1").encode("utf-8")
    assert titles(body) == TITLES
    assert titles(body, "text/xml; charset=iso-8859-1") == TITLES


def test_correctly_declared_windows_1252_and_utf16() -> None:
    assert titles(DANISH_ITEM.format(declared="windows-1252").encode("cp1252")) == TITLES
    utf16 = codecs.BOM_UTF16_LE + DANISH_ITEM.format(declared="utf-16").encode("utf-16-le")
    assert titles(utf16) == TITLES


def test_no_declaration_latin1_bytes() -> None:
    body = DANISH_ITEM.format(declared="utf-8").replace('<?xml version="1.0" encoding="utf-8"?>', "")
    assert titles(body.encode("latin-1", errors="replace"))[1] == "Indbrud i Åbyhøj"


def test_truncated_document_keeps_complete_entries() -> None:
    cut = RSS.index("<title>Nabohjælp".encode()) + 20
    feed = parse_feed(RSS[:cut], FEED_URL)
    assert feed.bozo
    assert [e.title for e in feed.entries[:2]] == [
        "Indbrud i kolonihaver ved Søndersø: politiet giver gode råd",
        "Tyveri af katalysatorer på Ærøvej",
    ]


def test_broken_markup_mid_feed_keeps_later_entries() -> None:
    broken = RSS.replace(b"<title>Nabohj", b"<title><<&&>>Nabohj", 1).replace(b"</description>", b"", 1)
    feed = parse_feed(broken, FEED_URL)
    assert len(feed.entries) >= 5
    assert any(e.title == "Cykeltyverier ved stationen" for e in feed.entries)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>Bombe &lol9;</title><guid>b1</guid><description>&lol9;&lol9;</description></item>
%s</channel></rss>
"""


def _output_chars(body: bytes) -> int:
    feed = parse_feed(body, FEED_URL)
    return len(feed.title) + sum(len(e.title) + len(e.summary) for e in feed.entries)


def test_billion_laughs_is_defused() -> None:
    for tail in (b"", b"<item><title>uafsluttet"):  # well-formed (strict path) and broken (lenient path)
        body = BILLION_LAUGHS % tail
        feed = parse_feed(body, FEED_URL)
        assert feed.entries and (feed.entries[0].guid or "").endswith("b1")
        assert _output_chars(body) <= 10 * len(body)


def test_plain_entity_referenced_many_times_is_defused() -> None:
    # Declared on its own line, which is what feedparser's lenient path picks up and expands: plain
    # feedparser turns 60 KB of this into a 20-million-character title.
    head = b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n  <!ENTITY a "' + b"A" * 1000 + b'">\n]>\n'
    for tail in (b"</channel></rss>", b"<item><title>uafsluttet"):
        body = (
            head
            + b'<rss version="2.0"><channel><title>'
            + b"&a;" * 100_000
            + b"</title><item><title>"
            + b"&a;" * 1000
            + b"</title><guid>p1</guid></item>"
            + tail
        )
        assert _output_chars(body) <= 10 * len(body)
        assert parse_feed(body, FEED_URL).entries


def test_external_entities_are_never_read() -> None:
    body = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b'<rss version="2.0"><channel><title>t</title><item><title>&xxe;</title><guid>x</guid>'
        b"<description>&xxe;</description></item></channel></rss>"
    )
    feed = parse_feed(body, FEED_URL)
    assert all("root:" not in e.title + e.summary for e in feed.entries)


def test_strip_dtd_keeps_the_document() -> None:
    text = '<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//x//y" "http://e/x.dtd" [<!ENTITY a "b>c">]>\n<rss/>'
    assert strip_dtd(text) == '<?xml version="1.0"?>\n\n<rss/>'


def test_decode_prefers_valid_utf8_and_falls_back_to_cp1252() -> None:
    assert decode_feed_bytes("<a>æøå</a>".encode(), "text/xml; charset=iso-8859-1") == "<a>æøå</a>"
    assert decode_feed_bytes("<a>æøå – €</a>".encode("cp1252")) == "<a>æøå – €</a>"


def test_html_to_text() -> None:
    assert html_to_text("&lt;b&gt;Fed&lt;/b&gt; tekst &amp; mere") == "Fed tekst & mere"
    assert html_to_text("<p>Et</p><p>To<br>Tre</p>", keep_lines=True) == "Et\nTo\nTre"
    assert html_to_text("<script>alert(1)</script><style>p{}</style>Hej <!-- skjult -->ven") == "Hej ven"
    assert html_to_text("5 < 7 og 9 > 3") == "5 < 7 og 9 > 3"
    assert html_to_text("nul\x00byte") == "nulbyte"


def test_garbage_and_empty_input_do_not_raise() -> None:
    for body in (b"", b"\x00\xff\xfe", b"<html><body>ikke et feed</body></html>", b"{}", b"<rss>", RSS * 3):
        feed = parse_feed(body, FEED_URL)
        assert isinstance(feed.entries, tuple)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(min_value=0, max_value=len(RSS)), junk=st.binary(max_size=40))
def test_any_truncation_or_junk_never_raises(cut: int, junk: bytes) -> None:
    feed = parse_feed(RSS[:cut] + junk, FEED_URL)
    assert len(feed.entries) <= 6 + 1
    for entry in feed.entries:
        assert "<" not in entry.title or "<" in junk.decode("latin-1")


def test_huge_feed_skips_feedparser_but_keeps_entries() -> None:
    item = "<item><title>Indbrud nr. {n} på Østerbro</title><guid>h{n}</guid></item>"
    body = (
        "<rss version='2.0'><channel><title>Kæmpefeed</title>"
        + "".join(item.format(n=n) for n in range(40_000))
        + "</channel></rss>"
    ).encode()
    feed = parse_feed(body, FEED_URL)
    assert feed.title == "Kæmpefeed" and feed.bozo
    assert len(feed.entries) == 5_000  # MAX_ENTRIES
    assert feed.entries[1].title == "Indbrud nr. 1 på Østerbro" and feed.entries[1].guid == "h1"


def test_hostile_tag_floods_are_cheap_to_survive() -> None:
    for body in (b"<a " * 1_000_000, b"<rss><channel><item><title>" + b"<x>" * 300_000, b"<" * 1_000_000):
        feed = parse_feed(body, FEED_URL)
        assert len(feed.entries) <= 1


# -- shapes of real Danish CMS feeds (authored fixtures) -------------------------------------------------

WORDPRESS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Lokalbladet Vestegnen</title><link>https://vestegnen.example.dk</link>
<item><title>Indbrud i &#197;byg&#229;rden</title>
<link>https://vestegnen.example.dk/2024/03/indbrud-aabygaarden/</link>
<dc:creator><![CDATA[Karen Møller]]></dc:creator>
<pubDate>Tir, 12 Mar 2024 14:05:00 +0100</pubDate>
<guid isPermaLink="false">https://vestegnen.example.dk/?p=4711</guid>
<media:content url="https://vestegnen.example.dk/billede.jpg" medium="image">
<media:title>Foto</media:title></media:content>
<description><![CDATA[<p>Tyve kom ind ad et vindue.</p>]]></description>
<content:encoded><![CDATA[<p>Tyve kom ind ad et vindue i nat.</p><p>Politiet råder til at låse
vinduer, også på første sal.</p><script>alert(1)</script>]]></content:encoded></item>
<item><title>Cykeltyveri ved stationen</title><link>https://vestegnen.example.dk/2024/03/cykel/</link>
<pubDate>Ons, 13 Mar 2024 08:00:00 +0100</pubDate><guid isPermaLink="false">https://vestegnen.example.dk/?p=4712</guid>
<description>Husk at låse cyklen fast.</description></item>
</channel></rss>
"""


def test_wordpress_feed_keeps_full_content_and_localised_dates() -> None:
    feed = parse_feed(WORDPRESS.encode(), "https://vestegnen.example.dk/feed/")
    first, second = feed.entries
    assert first.title == "Indbrud i Åbygården" and first.author == "Karen Møller"
    assert first.summary == "Tyve kom ind ad et vindue."
    assert first.content == "Tyve kom ind ad et vindue i nat.\nPolitiet råder til at låse vinduer, også på første sal."
    assert first.published == datetime(2024, 3, 12, 13, 5, tzinfo=UTC)
    assert second.published == datetime(2024, 3, 13, 7, 0, tzinfo=UTC) and second.content == ""


def test_lenient_path_is_not_fooled_by_media_rss() -> None:
    # Truncated, so entries come from the lxml pass: <media:content>/<media:title> come first in the item
    # and share local names with the content and title.
    broken = WORDPRESS.replace("</channel></rss>", "<item><title>Halv").encode()
    feed = parse_feed(broken, "https://vestegnen.example.dk/feed/")
    first = feed.entries[0]
    assert feed.bozo and first.title == "Indbrud i Åbygården"
    assert first.summary == "Tyve kom ind ad et vindue."
    assert first.content.startswith("Tyve kom ind ad et vindue i nat.")
    assert first.author == "Karen Møller"


def test_lenient_atom_uses_the_alternate_link() -> None:
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Nyt</title><entry><title>Brand i lade</title>'
        '<link rel="self" href="https://cms.example.dk/api/entries/9"/>'
        '<link rel="replies" href="https://cms.example.dk/kommentarer/9"/>'
        '<link rel="alternate" type="text/html" href="/nyheder/brand-i-lade"/><id>tag:cms,2024:9</id>'
        "<author><name>Ole Ørum</name><email>ole@cms.example.dk</email></author>"
        "<updated>2024-03-12T14:05:00+01:00</updated></entry><entry><title>Afbrudt"
    )
    first = parse_feed(atom.encode(), "https://cms.example.dk/atom.xml").entries[0]
    assert first.url == "https://cms.example.dk/nyheder/brand-i-lade"
    assert first.author == "Ole Ørum"


def test_dates_without_a_zone_are_danish_time_and_epoch_zero_is_no_date() -> None:
    body = (
        b'<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title>'
        b"<item><title>a</title><link>https://a.example.dk/a</link><dc:date>2024-03-31T01:30:00</dc:date></item>"
        b"<item><title>b</title><link>https://a.example.dk/b</link><pubDate>2024-07-12 14:05</pubDate></item>"
        b"<item><title>c</title><link>https://a.example.dk/c</link>"
        b"<pubDate>Thu, 01 Jan 1970 00:00:00 +0000</pubDate></item></channel></rss>"
    )
    a, b, c = parse_feed(body, FEED_URL).entries
    assert a.published == datetime(2024, 3, 31, 0, 30, tzinfo=UTC)  # the night summer time starts
    assert b.published == datetime(2024, 7, 12, 12, 5, tzinfo=UTC)
    assert c.published is None
    atom = ATOM.replace(b"2024-06-01T09:15:00+02:00", b"2024-06-01T09:15:00")
    assert atom != ATOM
    assert parse_feed(atom, FEED_URL).entries[0].published == datetime(2024, 6, 1, 7, 15, tzinfo=UTC)


def test_guid_is_a_link_only_when_it_is_an_absolute_url() -> None:
    body = (
        b'<rss version="2.0"><channel><title>t</title>'
        b"<item><title>a</title><guid>12345</guid><description>Kun et id.</description></item>"
        b"<item><title>b</title><guid>https://a.example.dk/nyhed/7</guid></item>"
        b"<item><title>c</title><guid>/nyhed/9</guid><link>/nyhed/9</link></item>"
        b"</channel></rss>"
    )
    a, b, c = parse_feed(body, "https://a.example.dk/feed/rss.xml").entries
    assert (a.guid, a.url) == ("12345", None)  # not https://a.example.dk/feed/12345
    assert (b.guid, b.url) == ("https://a.example.dk/nyhed/7", "https://a.example.dk/nyhed/7")
    assert c.url == "https://a.example.dk/nyhed/9"


def test_characters_xml_forbids_are_dropped_without_losing_entries() -> None:
    body = (
        b'<rss version="2.0"><channel><title>Lokal\x00avisen</title>'
        b"<item><title>Ind\x0bbrud\x00</title><link>https://a.example.dk/1</link><guid>g\x00-1\x01</guid>"
        b"<description>L\xc3\xa5s\x1f d\xc3\xb8ren</description></item>"
        b"<item><title>Nummer to</title><link>https://a.example.dk/2</link></item></channel></rss>"
    )
    feed = parse_feed(body, FEED_URL)
    assert not feed.bozo and feed.title == "Lokalavisen"
    assert [(e.guid, e.title, e.summary) for e in feed.entries] == [
        ("g-1", "Indbrud", "Lås døren"),
        (None, "Nummer to", ""),
    ]


def test_html_entities_undeclared_in_xml() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>K&oslash;ge Nyt</title>'
        b"<item><title>Tyveri af &aelig;bler i K&oslash;ge &ndash; igen</title><link>https://a.example.dk/1</link>"
        b"<description>&AElig;ldre mand snydt for 5.000&nbsp;kr. &hellip;</description></item></channel></rss>"
    )
    feed = parse_feed(body, FEED_URL)
    assert feed.title == "Køge Nyt"
    assert feed.entries[0].title == "Tyveri af æbler i Køge – igen"
    assert feed.entries[0].summary == "Ældre mand snydt for 5.000 kr. …"


def test_json_feed() -> None:
    body = """{"version": "https://jsonfeed.org/version/1.1", "title": "Nyt fra Nordkysten",
      "home_page_url": "https://nordkysten.example.dk/",
      "items": [
        {"id": 17, "url": "/nyheder/indbrud", "title": "Indbrud i Hornbæk &amp; Ålsgårde",
         "summary": "Tyve i sommerhuse.", "content_html": "<p>Tyve brød ind i tre sommerhuse.</p><p>Lås skodderne.</p>",
         "date_published": "2024-07-12T14:05:00", "authors": [{"name": "Åse Bøgh"}]},
        {"id": "b", "external_url": "https://andet.example.dk/x", "content_text": "Kort nyt."},
        "ikke et objekt"
      ]}""".encode()
    feed = parse_feed(body, "https://nordkysten.example.dk/feed.json", "application/feed+json")
    assert (feed.version, feed.title, feed.link) == ("json11", "Nyt fra Nordkysten", "https://nordkysten.example.dk/")
    first, second = feed.entries
    assert first.guid == "17" and first.url == "https://nordkysten.example.dk/nyheder/indbrud"
    assert first.title == "Indbrud i Hornbæk & Ålsgårde" and first.author == "Åse Bøgh"
    assert first.summary == "Tyve i sommerhuse."
    assert first.content == "Tyve brød ind i tre sommerhuse.\nLås skodderne."
    assert first.published == datetime(2024, 7, 12, 14, 5, tzinfo=COPENHAGEN)
    assert (second.url, second.summary) == ("https://andet.example.dk/x", "Kort nyt.")
    assert feed.bozo  # the string item was skipped, and said so


def test_json_that_is_no_feed() -> None:
    for body in (b'{"fejl": "ikke fundet"}', b'{"version": "https://jsonfeed.org/version/1", "items": {}}', b"{nej"):
        feed = parse_feed(body, FEED_URL, "application/json")
        assert feed.bozo and feed.version is None and feed.entries == ()


def test_html_page_instead_of_a_feed_names_its_feed_link() -> None:
    page = (
        b'<!DOCTYPE html><html lang="da"><head><title>Forside</title>'
        b'<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss?sektion=krimi&amp;n=50">'
        b"</head><body><p>Velkommen</p></body></html>"
    )
    feed = parse_feed(page, "https://nyheder.example.dk/feed", "text/html; charset=utf-8")
    assert feed.entries == () and feed.bozo and feed.version is None
    assert feed.bozo_reason == (
        "an HTML page, not a feed; the page links to the feed https://nyheder.example.dk/rss?sektion=krimi&n=50"
    )


def _news_google_id(url: str) -> str:
    # An older-style Google News article id: a small protobuf around the URL, base64url without padding.
    raw = b"\x08\x13\x22" + bytes([len(url)]) + url.encode() + b"\xd2\x01\x00"
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_redirector_links_are_unwrapped() -> None:
    article = "https://www.lokalavis.example.dk/krimi/indbrud-i-hjallerup"
    alerts = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Google Alert - indbrud</title>'
        + "".join(
            f"<entry><id>tag:google.com,2013:googlealerts/feed:{n}</id><title>Indbrud i Hjallerup</title>"
            f'<link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url={article}&amp;ct=ga&amp;cd=CAIy{n}'
            f'&amp;usg=AOvVaw{n}"/></entry>'
            for n in ("Zm9v", "YmFy")  # the same article in two fetches: cd and usg change every time
        )
        + "</feed>"
    ).encode()
    assert [e.url for e in parse_feed(alerts, "https://www.google.com/alerts/feeds/1/2").entries] == [article] * 2
    wrapped = (
        '<rss version="2.0"><channel><title>Deling</title>'
        f"<item><title>a</title><link>https://l.facebook.com/l.php?u={quote(article, safe='')}&amp;h=AT0</link></item>"
        f"<item><title>b</title><link>https://news.google.com/rss/articles/{_news_google_id(article)}?oc=5</link></item>"
        "<item><title>c</title><link>https://news.google.com/rss/articles/AU_yqLNmZ2VuZXJlbHQtb3BhcXVl?oc=5</link></item>"
        f"<item><title>d</title><link>https://www.lokalavis.example.dk/soeg?q={article}</link></item>"
        "</channel></rss>"
    ).encode()
    a, b, c, d = parse_feed(wrapped, FEED_URL).entries
    assert a.url == article and b.url == article
    assert c.url == "https://news.google.com/rss/articles/AU_yqLNmZ2VuZXJlbHQtb3BhcXVl?oc=5"  # opaque id: kept
    assert d.url == f"https://www.lokalavis.example.dk/soeg?q={article}"  # a search page is no redirector


def test_markup_that_is_never_text() -> None:
    assert html_to_text("Sikker&lt;!--") == "Sikker"
    assert html_to_text("Før<!-- aldrig lukket <b>skjult</b>") == "Før"
    escaped = "&lt;p&gt;Lås&lt;/p&gt;&lt;script&gt;alert('x')&lt;/script&gt;&lt;iframe src=x&gt;ramme&lt;/iframe&gt;"
    assert html_to_text(escaped) == "Lås"
