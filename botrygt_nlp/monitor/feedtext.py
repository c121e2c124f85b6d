"""Plain text and clean values out of untrusted feed markup (shared by the XML and JSON Feed readers).

Markup becomes text (scripts, styles, comments and frames dropped; entities resolved, twice for feeds
that double-escape), characters that are not text are removed, and every field is capped, so the output
of a parser is bounded by a small multiple of its input whatever the feed contains.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from botrygt_nlp.monitor.links import unwrap_redirect

MAX_TITLE_CHARS = 1_000
MAX_SUMMARY_CHARS = 20_000
MAX_CONTENT_CHARS = 200_000  # a full article in content:encoded; the same cap as extracted page text
MAX_URL_CHARS = 2_048
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

_LOOKS_LIKE_MARKUP = re.compile(r"<[A-Za-z/!?][^<>]*>")
_UNCLOSED_COMMENT = re.compile(r"<!--.*", re.DOTALL)
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
    # A line break in HTML source is just a space; lines come from block elements and <br> only.
    for element in root.iter():
        if element.tag != "pre":
            if element.text:
                element.text = element.text.replace("\n", " ").replace("\r", " ")
            if element.tail:
                element.tail = element.tail.replace("\n", " ").replace("\r", " ")
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    return str(root.text_content())


def html_to_text(fragment: str | None, keep_lines: bool = False) -> str:
    """Plain text from an HTML fragment: tags, scripts and comments dropped, entities resolved.

    Runs twice when the first pass reveals markup, because feeds double-escape ("&lt;b&gt;").
    """
    if not fragment:
        return ""
    text = CONTROL.sub("", fragment[:_MAX_HTML_CHARS])
    for _ in range(2):
        if "<" not in text and "&" not in text:
            break
        text = _markup_to_text(text) if _LOOKS_LIKE_MARKUP.search(text) else html.unescape(text)
        text = CONTROL.sub("", text)
    if _LOOKS_LIKE_MARKUP.search(text):
        text = _LOOKS_LIKE_MARKUP.sub(" ", text)
    # An unclosed "<!--" comments out the rest of the markup (HTML's own rule); it is never text.
    text = _UNCLOSED_COMMENT.sub("", text)
    return _normalise_space(text, keep_lines)


def cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def clean_url(raw: object, base: str) -> str | None:
    """An absolute http(s) URL (relative ones resolved against ``base``, redirector links unwrapped)."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        absolute = urljoin(base, raw.strip())
        scheme = urlsplit(absolute).scheme.lower()
    except ValueError:
        return None
    if scheme not in ("http", "https") or len(absolute) > MAX_URL_CHARS:
        return None
    return unwrap_redirect(absolute)


def clean_guid(raw: object) -> str | None:
    if not isinstance(raw, str):
        return None
    guid = CONTROL.sub("", raw).strip()
    return cap(guid, MAX_URL_CHARS) if guid else None
