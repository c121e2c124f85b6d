"""Feed bytes -> :class:`ParsedFeed`. The only module that imports feedparser.

Steps, each for a reason:

1. Decode the bytes ourselves (BOM, UTF-16/32, EBCDIC, then: valid UTF-8 wins over a declared latin-1,
   a declared encoding that fits is used, and "declared UTF-8 but really windows-1252" falls back to
   cp1252) and hand feedparser clean UTF-8. Danish feeds get their encodings wrong in both directions
   and æ/ø/å must survive.
2. Strip the DOCTYPE and every <!ENTITY> declaration. feedparser's lenient parser expands "safe" internal
   entities; one entity referenced a million times turned a 1 MB feed into a billion-character title.
3. Characters XML forbids (NUL, most C0 controls, U+FFFE/FFFF, lone surrogates) are removed: one stray
   \x0b sent the strict parser into its slow lenient mode and a NUL in a GUID broke PostgreSQL.
   A JSON Feed (jsonfeed.org) goes to :mod:`jsonfeed` instead.
4. feedparser parses from an in-memory stream (never a URL or path: a string argument can make it do I/O).
   No Content-Location is given, so GUIDs stay as written: feedparser would otherwise resolve a GUID
   like "12345" against the feed URL and offer it as the item's link (a page that does not exist).
   feedparser's HTML sanitiser and link rewriting are off: everything becomes plain text here anyway
   (scripts, styles, frames and objects dropped by :mod:`feedtext`), and they were half of its time on
   a content:encoded feed.
5. If feedparser recovered fewer entries than the document has <item>/<entry> elements (truncated or
   broken XML), a recovering lxml parse of the same text may keep more; the better result wins.
6. Titles, summaries and full content (content:encoded, Atom content) become plain text (markup stripped,
   entities resolved) and are capped, so the output size is bounded by a small multiple of the input.
   Dates are read by :mod:`dates` from the raw string first (Danish formats, and a date without a zone
   is Danish time: feedparser would call it UTC), feedparser's own reading second; all are aware.
"""

from __future__ import annotations

import calendar
import codecs
import html
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser
from lxml import etree

from botrygt_nlp.monitor.feedtext import (
    MAX_CONTENT_CHARS,
    MAX_SUMMARY_CHARS,
    MAX_TITLE_CHARS,
    cap,
    clean_guid,
    clean_url,
    html_to_text,
)
from botrygt_nlp.monitor.jsonfeed import looks_like_json_feed, parse_json_feed
from botrygt_nlp.news.dates import is_plausible, parse_date
from botrygt_nlp.news.types import ParsedEntry, ParsedFeed

MAX_FEED_BYTES = 15 * 1024 * 1024
MAX_ENTRIES = 5_000
# feedparser's lenient parser costs ~50 µs of Python per tag; a hostile 15 MB feed of tags would hold a
# poll thread for minutes. Real feeds have a few thousand tags; beyond this, lxml (C) parses alone.
MAX_FEEDPARSER_TAGS = 150_000

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_XML_DECL_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']", re.IGNORECASE)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
# Markup declarations inside a DOCTYPE; quoted strings may contain '>'.
_DECL = re.compile(r"<!(?:ENTITY|ELEMENT|ATTLIST|NOTATION)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE)
_DOCTYPE = re.compile(r"<!DOCTYPE(?:[^>\[\"']|\"[^\"]*\"|'[^']*')*(?:\[.*?\]\s*)?>", re.IGNORECASE | re.DOTALL)
_DOCTYPE_OPEN = re.compile(r"<!DOCTYPE", re.IGNORECASE)
# Declarations after the prolog are invalid anyway; escaping them is linear, unlike matching their quotes.
_LATE_DECL = re.compile(r"<!(?=(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION))", re.IGNORECASE)
_MAX_PROLOG_CHARS = 100_000  # real internal subsets are tiny; bigger prologs are dropped, not regex-scanned
_ITEM_TAG = re.compile(r"<(?:[A-Za-z0-9_]+:)?(?:item|entry)[\s>/]", re.IGNORECASE)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# '<?' in UTF-16/32 without a BOM, and '<?xm' in EBCDIC (as feedparser sniffs them).
_SNIFF: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\x00\x3c", "utf-32-be"),
    (b"\x3c\x00\x00\x00", "utf-32-le"),
    (b"\x00\x3c\x00\x3f", "utf-16-be"),
    (b"\x3c\x00\x3f\x00", "utf-16-le"),
    (b"\x4c\x6f\xa7\x94", "cp037"),
)


# What XML 1.0 forbids in a document (DEL is allowed there, unlike in our plain-text output).
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_HTML_HEAD = re.compile(r"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)
_FEED_LINK = re.compile(
    r"<link\b[^>]*\btype\s*=\s*[\"']application/(?:rss|atom|feed)\+(?:xml|json)[\"'][^>]*>", re.IGNORECASE
)
_HREF = re.compile(r"\bhref\s*=\s*[\"']([^\"'<>]{1,2048})[\"']", re.IGNORECASE)
# Media RSS puts <media:content>/<media:title> in items: same local names as the text we want.
_MEDIA_NS = "http://search.yahoo.com/mrss/"


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_feed_bytes(body: bytes, content_type: str | None = None) -> str:
    """Best-effort decoding that keeps æ/ø/å, whatever the feed claims."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace")
    for magic, encoding in _SNIFF:
        if body.startswith(magic):
            return body.decode(encoding, errors="replace")
    try:
        # Valid UTF-8 with non-ASCII bytes is, in practice, never meant as latin-1: trust the bytes.
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared: list[str] = []
    if content_type:
        found = _CHARSET.search(content_type)
        if found:
            declared.append(found.group(1))
    xml_found = _XML_DECL_ENCODING.search(body[:512])
    if xml_found:
        declared.append(xml_found.group(1).decode("ascii"))
    for name in declared:
        codec = _codec(name)
        if codec and codec != "utf-8":
            try:
                return body.decode(codec)
            except (UnicodeDecodeError, LookupError):
                continue
    # Declared (or defaulted to) UTF-8 but it is not: Danish servers mean windows-1252 nearly always.
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError:
        return body.decode("latin-1")


def strip_dtd(text: str) -> str:
    """Remove the DOCTYPE (with its internal subset) and every markup declaration in the prolog."""
    start = re.search(r"<[A-Za-z_]", text)
    cut = start.start() if start else len(text)
    head, rest = text[:cut], text[cut:]
    if len(head) <= _MAX_PROLOG_CHARS:
        head = _DOCTYPE.sub("", _DECL.sub("", head))
    if len(head) > _MAX_PROLOG_CHARS or _DOCTYPE_OPEN.search(head) or "<!ENTITY" in head.upper():
        # Something odd (unbalanced quotes/brackets): drop the whole prolog after the XML declaration.
        decl = _XML_DECL.match(head)
        head = decl.group(0) if decl else ""
    # Declarations after the root start are invalid XML, but the lenient parser might still read them.
    rest = _LATE_DECL.sub("&lt;!", rest)
    return head + rest


def _as_utf8_document(text: str) -> bytes:
    text = text.lstrip("\ufeff")
    text = _XML_DECL.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1)
    return text.encode("utf-8", errors="replace")


def _published(entry: Mapping[str, Any]) -> datetime | None:
    # The raw string first: feedparser reads a date without a zone as UTC, but a Danish CMS that omits
    # the zone means Danish time (an hour or two off, and on the wrong day around midnight).
    for key in ("published", "updated", "created", "date", "dc_date", "pubdate"):
        raw = entry.get(key)
        if isinstance(raw, str):
            value = parse_date(raw)
            if value is not None:
                return value
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                value = datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            except (OverflowError, ValueError, TypeError, OSError):
                continue
            if is_plausible(value):  # not the 1970 of a zero timestamp
                return value
    return None


def _entry_text(entry: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        value = entry.get(key)
        if isinstance(value, list) and value:  # 'content' is a list of dicts
            value = value[0].get("value") if isinstance(value[0], Mapping) else None
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _entry_link(entry: Mapping[str, Any], guid: str | None, base: str) -> str | None:
    link = entry.get("link")
    # feedparser offers a permalink GUID as the link when there is none; only an absolute http(s) URL
    # really is one ("12345" would otherwise become a made-up page under the feed's URL).
    guid_is_url = guid is not None and urlsplit(guid).scheme.lower() in ("http", "https")
    if entry.get("guidislink") and not entry.get("links") and not guid_is_url:  # no <link> of its own
        return None
    return clean_url(link, base)


def _entry_from_feedparser(entry: Mapping[str, Any], base: str) -> ParsedEntry:
    title = cap(html_to_text(_entry_text(entry, "title")), MAX_TITLE_CHARS)
    summary = cap(
        html_to_text(_entry_text(entry, "summary", "description", "content"), keep_lines=True), MAX_SUMMARY_CHARS
    )
    content = cap(html_to_text(_entry_text(entry, "content"), keep_lines=True), MAX_CONTENT_CHARS)
    guid = clean_guid(entry.get("id") or entry.get("guid"))
    detail = entry.get("author_detail")
    # feedparser's "author" is "Name (email)" for Atom; the name alone is the byline.
    author = detail.get("name") if isinstance(detail, Mapping) and detail.get("name") else entry.get("author")
    return ParsedEntry(
        guid=guid,
        url=_entry_link(entry, guid, base),
        title=title,
        summary=summary,
        published=_published(entry),
        author=cap(html_to_text(author), 200) or None if isinstance(author, str) else None,
        content=content if content != summary else "",
    )


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _child(element: etree._Element, *names: str) -> etree._Element | None:
    """The first child with the first of ``names`` that has one (priority order, not document order).

    Media RSS children are skipped: <media:content> and <media:title> share local names with the
    description and title, and their text (usually none) must not hide the real ones.
    """
    children = [c for c in element if isinstance(c.tag, str) and not c.tag.startswith("{" + _MEDIA_NS)]
    for name in names:
        for child in children:
            if _local(child.tag) == name:
                return child
    return None


def _child_text(element: etree._Element, *names: str) -> str:
    child = _child(element, *names)
    return "" if child is None else "".join(child.itertext())


def _child_link(element: etree._Element) -> str:
    """RSS <link>text</link>, or the Atom <link href> that points at the article (rel alternate or none);
    self/enclosure/replies links are never the article."""
    for child in element:
        if not isinstance(child.tag, str) or _local(child.tag) != "link" or child.tag.startswith("{" + _MEDIA_NS):
            continue
        href = child.get("href")
        if href is None:
            text = "".join(child.itertext()).strip()
            if text:
                return text
        elif (child.get("rel") or "alternate").strip().lower() == "alternate":
            return str(href)
    return ""


def _lxml_root(document: bytes) -> etree._Element | None:
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        return etree.fromstring(document, parser=parser)
    except etree.LxmlError:
        return None


def _feed_meta_from_lxml(root: etree._Element | None) -> dict[str, str]:
    if root is None:
        return {}
    channel = next((el for el in root.iter() if _local(el.tag) == "channel"), root)
    return {"title": _child_text(channel, "title"), "link": _child_link(channel)}


def _entries_from_lxml(root: etree._Element | None, base: str) -> list[ParsedEntry]:
    """Lenient fallback for broken or truncated XML: every <item>/<entry> lxml can recover."""
    if root is None:
        return []
    entries: list[ParsedEntry] = []
    for element in root.iter():
        if _local(element.tag) not in ("item", "entry"):
            continue
        published_raw = _child_text(element, "pubdate", "published", "updated", "date", "issued")
        summary = cap(
            html_to_text(_child_text(element, "description", "summary", "content", "encoded"), keep_lines=True),
            MAX_SUMMARY_CHARS,
        )
        content = cap(html_to_text(_child_text(element, "encoded", "content"), keep_lines=True), MAX_CONTENT_CHARS)
        author = _child(element, "author", "creator")
        author_name = "" if author is None else _child_text(author, "name") or "".join(author.itertext())
        entries.append(
            ParsedEntry(
                guid=clean_guid(_child_text(element, "guid", "id")),
                url=clean_url(_child_link(element), base),
                title=cap(html_to_text(_child_text(element, "title")), MAX_TITLE_CHARS),
                summary=summary,
                published=parse_date(published_raw),
                author=cap(html_to_text(author_name), 200) or None,
                content=content if content != summary else "",
            )
        )
        if len(entries) >= MAX_ENTRIES:
            break
    return entries


def _distrust_duplicate_guids(entries: Iterable[ParsedEntry]) -> tuple[ParsedEntry, ...]:
    """A GUID is trusted only while unique in the document; repeated ones become None (dedup uses URLs)."""
    items = tuple(entries)
    counts = Counter(e.guid for e in items if e.guid)
    if all(n == 1 for n in counts.values()):
        return items
    return tuple(replace(e, guid=None) if e.guid and counts[e.guid] > 1 else e for e in items)


def _html_page_reason(text: str, url: str) -> str:
    """An HTML page where a feed should be (a redesign, an error page): say so, and name its feed link."""
    for tag in _FEED_LINK.findall(text[:200_000]):
        href = _HREF.search(tag)
        found = clean_url(html.unescape(href.group(1)), url) if href else None
        if found:
            return f"an HTML page, not a feed; the page links to the feed {found}"
    return "an HTML page, not a feed"


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse RSS/Atom/RDF bytes into a ParsedFeed. Never raises on bad input; ``bozo`` says it was bad."""
    body = body[:MAX_FEED_BYTES]
    decoded = _XML_ILLEGAL.sub("", decode_feed_bytes(body, content_type))
    if looks_like_json_feed(decoded):
        return parse_json_feed(decoded, url)
    text = strip_dtd(decoded)
    document = _as_utf8_document(text)
    headers = {"content-type": "application/xml; charset=utf-8"}
    feed_meta: Mapping[str, Any] = {}
    entries: list[ParsedEntry] = []
    version: str | None = None
    bozo_reason: str | None = None
    if text.count("<") > MAX_FEEDPARSER_TAGS:
        bozo, bozo_reason = True, f"more than {MAX_FEEDPARSER_TAGS} tags: parsed by lxml only"
    else:
        try:
            parsed = feedparser.parse(
                io.BytesIO(document), response_headers=headers, resolve_relative_uris=False, sanitize_html=False
            )
            feed_meta = parsed.get("feed", {})
            bozo = bool(parsed.get("bozo"))
            bozo_reason = str(parsed.get("bozo_exception", ""))[:300] or None if bozo else None
            version = parsed.get("version") or None
            entries = [_entry_from_feedparser(entry, url) for entry in list(parsed.get("entries", []))[:MAX_ENTRIES]]
        except Exception as exc:  # untyped third-party code: one bad feed must not stop polling
            bozo, bozo_reason = True, f"feedparser failed: {exc!r}"[:300]
    expected = min(len(_ITEM_TAG.findall(text)), MAX_ENTRIES)
    if len(entries) < expected or not feed_meta:
        root = _lxml_root(document)
        if not feed_meta:
            feed_meta = _feed_meta_from_lxml(root)
        recovered = _entries_from_lxml(root, url) if len(entries) < expected else []
        if len(recovered) > len(entries):
            entries = recovered
            bozo = True
            bozo_reason = (bozo_reason or "") + " (entries recovered by lenient XML parse)"
    if not entries and _HTML_HEAD.search(text[:4096]) and version is None:
        bozo, bozo_reason = True, _html_page_reason(text, url)
    title = cap(html_to_text(str(feed_meta.get("title") or "")), MAX_TITLE_CHARS)
    return ParsedFeed(
        title=title,
        link=clean_url(feed_meta.get("link"), url),
        entries=_distrust_duplicate_guids(entries),
        bozo=bozo,
        bozo_reason=bozo_reason,
        version=str(version) if version else None,
    )


__all__ = ["decode_feed_bytes", "html_to_text", "parse_feed", "strip_dtd"]
