"""Feed bytes -> :class:`ParsedFeed`. The only module that imports feedparser.

Steps, each for a reason:

1. Decode the bytes ourselves (BOM, UTF-16/32, EBCDIC, then: valid UTF-8 wins over a declared latin-1,
   a declared encoding that fits is used, and "declared UTF-8 but really windows-1252" falls back to
   cp1252) and hand feedparser clean UTF-8. Danish feeds get their encodings wrong in both directions
   and æ/ø/å must survive.
2. Strip the DOCTYPE and every <!ENTITY> declaration. feedparser's lenient parser expands "safe" internal
   entities; one entity referenced a million times turned a 1 MB feed into a billion-character title.
3. feedparser parses from an in-memory stream (never a URL or path: a string argument can make it do I/O).
4. If feedparser recovered fewer entries than the document has <item>/<entry> elements (truncated or
   broken XML), a recovering lxml parse of the same text may keep more; the better result wins.
5. Titles and summaries become plain text (markup stripped, entities resolved) and are capped, so the
   output size is bounded by a small multiple of the input. Dates feedparser cannot read go to
   :mod:`dates` (Danish formats); all published datetimes are timezone-aware.
"""

from __future__ import annotations

import calendar
import codecs
import html
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.html
from lxml import etree

from botrygt_nlp.monitor.dates import parse_date
from botrygt_nlp.monitor.types import ParsedEntry, ParsedFeed

MAX_FEED_BYTES = 15 * 1024 * 1024
MAX_ENTRIES = 5_000
MAX_TITLE_CHARS = 1_000
MAX_SUMMARY_CHARS = 20_000
MAX_URL_CHARS = 2_048
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


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_LOOKS_LIKE_MARKUP = re.compile(r"<[A-Za-z/!?][^<>]*>")
_BLOCK_TAGS = (
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "table",
    "ul",
    "ol",
    "dd",
    "dt",
    "figcaption",
)
_MAX_HTML_CHARS = 2_000_000


def _normalise_space(text: str, keep_lines: bool) -> str:
    if not keep_lines:
        return " ".join(text.split())
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _markup_to_text(fragment: str) -> str:
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.LxmlError, ValueError):
        return html.unescape(_LOOKS_LIKE_MARKUP.sub(" ", fragment))
    etree.strip_elements(
        root, "script", "style", "noscript", "template", "iframe", "object", etree.Comment, with_tail=False
    )
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    return str(root.text_content())


def html_to_text(fragment: str | None, keep_lines: bool = False) -> str:
    """Plain text from an HTML fragment: tags, scripts and comments dropped, entities resolved.

    Runs twice when the first pass reveals markup, because feeds double-escape ("&lt;b&gt;").
    """
    if not fragment:
        return ""
    text = _CONTROL.sub("", fragment[:_MAX_HTML_CHARS])
    for _ in range(2):
        if "<" not in text and "&" not in text:
            break
        text = _markup_to_text(text) if _LOOKS_LIKE_MARKUP.search(text) else html.unescape(text)
        text = _CONTROL.sub("", text)
    if _LOOKS_LIKE_MARKUP.search(text):
        text = _LOOKS_LIKE_MARKUP.sub(" ", text)
    return _normalise_space(text, keep_lines)


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


def _cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def _clean_url(raw: object, base: str) -> str | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        absolute = urljoin(base, raw.strip())
        scheme = urlsplit(absolute).scheme.lower()
    except ValueError:
        return None
    if scheme not in ("http", "https") or len(absolute) > MAX_URL_CHARS:
        return None
    return absolute


def _published(entry: Mapping[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            except (OverflowError, ValueError, TypeError, OSError):
                continue
    for key in ("published", "updated", "created", "date", "dc_date", "pubdate"):
        raw = entry.get(key)
        if isinstance(raw, str):
            value = parse_date(raw)
            if value is not None:
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


def _entry_from_feedparser(entry: Mapping[str, Any], base: str) -> ParsedEntry:
    title = _cap(html_to_text(_entry_text(entry, "title")), MAX_TITLE_CHARS)
    summary = _cap(
        html_to_text(_entry_text(entry, "summary", "description", "content"), keep_lines=True), MAX_SUMMARY_CHARS
    )
    guid = entry.get("id") or entry.get("guid")
    author = entry.get("author")
    return ParsedEntry(
        guid=_cap(guid.strip(), MAX_URL_CHARS) if isinstance(guid, str) and guid.strip() else None,
        url=_clean_url(entry.get("link"), base),
        title=title,
        summary=summary,
        published=_published(entry),
        author=_cap(html_to_text(author), 200) or None if isinstance(author, str) else None,
    )


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def _child_text(element: etree._Element, *names: str) -> str:
    for child in element:
        if _local(child.tag) in names:
            if _local(child.tag) == "link" and child.get("href"):
                return str(child.get("href"))
            return "".join(child.itertext())
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
    return {"title": _child_text(channel, "title"), "link": _child_text(channel, "link")}


def _entries_from_lxml(root: etree._Element | None, base: str) -> list[ParsedEntry]:
    """Lenient fallback for broken or truncated XML: every <item>/<entry> lxml can recover."""
    if root is None:
        return []
    entries: list[ParsedEntry] = []
    for element in root.iter():
        if _local(element.tag) not in ("item", "entry"):
            continue
        published_raw = _child_text(element, "pubdate", "published", "updated", "date", "issued")
        entries.append(
            ParsedEntry(
                guid=_child_text(element, "guid", "id").strip() or None,
                url=_clean_url(_child_text(element, "link"), base),
                title=_cap(html_to_text(_child_text(element, "title")), MAX_TITLE_CHARS),
                summary=_cap(
                    html_to_text(_child_text(element, "description", "summary", "content", "encoded"), keep_lines=True),
                    MAX_SUMMARY_CHARS,
                ),
                published=parse_date(published_raw),
                author=_cap(html_to_text(_child_text(element, "author", "creator")), 200) or None,
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
    return tuple(
        ParsedEntry(None, e.url, e.title, e.summary, e.published, e.author) if e.guid and counts[e.guid] > 1 else e
        for e in items
    )


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse RSS/Atom/RDF bytes into a ParsedFeed. Never raises on bad input; ``bozo`` says it was bad."""
    body = body[:MAX_FEED_BYTES]
    text = strip_dtd(decode_feed_bytes(body, content_type))
    document = _as_utf8_document(text)
    headers = {"content-type": "application/xml; charset=utf-8", "content-location": url}
    feed_meta: Mapping[str, Any] = {}
    entries: list[ParsedEntry] = []
    version: str | None = None
    bozo_reason: str | None = None
    if text.count("<") > MAX_FEEDPARSER_TAGS:
        bozo, bozo_reason = True, f"more than {MAX_FEEDPARSER_TAGS} tags: parsed by lxml only"
    else:
        try:
            parsed = feedparser.parse(
                io.BytesIO(document), response_headers=headers, resolve_relative_uris=True, sanitize_html=True
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
    title = _cap(html_to_text(str(feed_meta.get("title") or "")), MAX_TITLE_CHARS)
    return ParsedFeed(
        title=title,
        link=_clean_url(feed_meta.get("link"), url),
        entries=_distrust_duplicate_guids(entries),
        bozo=bozo,
        bozo_reason=bozo_reason,
        version=str(version) if version else None,
    )
