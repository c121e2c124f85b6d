"""JSON Feed (https://jsonfeed.org, versions 1 and 1.1) -> :class:`ParsedFeed`.

Some newer CMSs (Ghost, Micro.blog, static-site generators) offer JSON Feed next to or instead of RSS.
It is small and well specified, so it is read here with the standard library instead of failing as
"not a feed" ten times and pausing. The same rules as for XML feeds apply: plain text out, capped
fields, http(s) links only, timezone-aware dates (Danish time without a zone), and a document that is
JSON but not a feed is reported as such (``bozo``, no version), never raised.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from botrygt_nlp.monitor.feedtext import (
    MAX_CONTENT_CHARS,
    MAX_SUMMARY_CHARS,
    MAX_TITLE_CHARS,
    cap,
    clean_guid,
    clean_url,
    html_to_text,
)
from botrygt_nlp.news.dates import parse_date
from botrygt_nlp.news.types import ParsedEntry, ParsedFeed

_VERSION = re.compile(r"^https?://jsonfeed\.org/version/(\d+(?:\.\d+)?)/?$")
# Bounded like the XML path: json.loads on deep nesting raises RecursionError, caught below.
_MAX_ITEMS = 5_000


def looks_like_json_feed(text: str) -> bool:
    """A JSON object, judged by its first character: no XML document can start with "{". (The
    Content-Type is no help: servers send JSON Feeds as text/plain and RSS as application/json.)"""
    return text.lstrip("\ufeff \t\r\n")[:1] == "{"


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _author(item: Mapping[str, Any], feed: Mapping[str, Any]) -> str:
    for source in (item, feed):
        authors = source.get("authors")
        if isinstance(authors, list):
            names = [_str(a.get("name")) for a in authors[:10] if isinstance(a, Mapping)]
            if any(names):
                return ", ".join(n for n in names if n)
        single = source.get("author")  # version 1
        if isinstance(single, Mapping) and _str(single.get("name")):
            return _str(single.get("name"))
    return ""


def _entry(item: Mapping[str, Any], feed: Mapping[str, Any], base: str) -> ParsedEntry:
    raw_id = item.get("id")
    guid = clean_guid(str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else None)
    content = html_to_text(_str(item.get("content_html")), keep_lines=True) or html_to_text(
        _str(item.get("content_text")), keep_lines=True
    )
    summary = html_to_text(_str(item.get("summary")), keep_lines=True) or content
    url = clean_url(item.get("url"), base) or clean_url(item.get("external_url"), base)
    return ParsedEntry(
        guid=guid,
        url=url,
        title=cap(html_to_text(_str(item.get("title"))), MAX_TITLE_CHARS),
        summary=cap(summary, MAX_SUMMARY_CHARS),
        published=parse_date(_str(item.get("date_published"))) or parse_date(_str(item.get("date_modified"))),
        author=cap(html_to_text(_author(item, feed)), 200) or None,
        content=cap(content, MAX_CONTENT_CHARS) if content != summary else "",
    )


def parse_json_feed(text: str, url: str) -> ParsedFeed:
    """Parse a JSON Feed document; never raises on bad input."""
    try:
        doc = json.loads(text.lstrip("\ufeff"))
    except (ValueError, RecursionError) as exc:
        return ParsedFeed(title="", link=None, entries=(), bozo=True, bozo_reason=f"invalid JSON: {exc}"[:300])
    version = _VERSION.match(_str(doc.get("version")).strip()) if isinstance(doc, dict) else None
    items = doc.get("items") if isinstance(doc, dict) else None
    if version is None or not isinstance(items, list):
        return ParsedFeed(title="", link=None, entries=(), bozo=True, bozo_reason="JSON, but not a JSON Feed")
    entries = tuple(_entry(item, doc, url) for item in items[:_MAX_ITEMS] if isinstance(item, Mapping))
    return ParsedFeed(
        title=cap(html_to_text(_str(doc.get("title"))), MAX_TITLE_CHARS),
        link=clean_url(doc.get("home_page_url"), url),
        entries=entries,
        bozo=len(entries) != len(items[:_MAX_ITEMS]),
        bozo_reason=None if len(entries) == len(items[:_MAX_ITEMS]) else "items that are not objects were skipped",
        version="json" + version.group(1).replace(".", ""),
    )
