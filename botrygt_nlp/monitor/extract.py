"""Article page bytes -> :class:`ExtractedArticle`. The only module that imports trafilatura.

Order of work, and why:

1. Decode (BOM, valid UTF-8, <meta charset>, else windows-1252) and cap the size: pages are hostile input.
2. Read metadata from the untouched tree: title (og:title, <h1>, <title>), published date (meta tags,
   JSON-LD ``datePublished``, ``<time datetime>``, else a Danish date in the text) and paywall signals.
3. Prune boilerplate ourselves (cookie banners, comment threads, related links, share bars, nav/aside)
   so neither extractor can pick them up, then run trafilatura (precision over recall, no comments).
4. If trafilatura finds little, a BeautifulSoup text-density fallback picks the block with the most
   non-link text; it works on pages that put their text in <div>/<br> instead of <p>.
5. Paywall teasers are flagged, never treated as whole articles; a consent dialog (the link redirected to a
   consent manager, or the page is only the cookie wall) gives no text at all (:mod:`walls`).
"""

from __future__ import annotations

import copy
import re
from datetime import datetime
from typing import Any

import lxml.html
import trafilatura
from bs4 import BeautifulSoup
from bs4.element import Comment, NavigableString, Tag
from lxml import etree

from botrygt_nlp.monitor.feedtext import html_to_text
from botrygt_nlp.monitor.walls import consent_wall, json_ld, paywalled, walk
from botrygt_nlp.news.dates import find_danish_date, parse_date
from botrygt_nlp.news.types import ExtractedArticle, ExtractionMethod, ParsedEntry

MAX_HTML_BYTES = 5 * 1024 * 1024
MAX_TEXT_CHARS = 200_000
MAX_ELEMENTS = 20_000  # real article pages have 1,000-10,000; see _bound
MIN_GOOD_TEXT_CHARS = 250  # below this, trafilatura's answer is compared with the fallback's

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
# class/id tokens of boilerplate blocks; matched per token: "cookie", "cookie-banner", "article-comments".
_BOILERPLATE = re.compile(
    r"^(?:[a-z0-9]+[-_])*(?:cookies?|consent|gdpr|cmp|onetrust|comments?|kommentar(?:er)?|disqus|related|"
    r"relaterede|recommended|anbefalet|read-?more|laes-?ogsaa|newsletter|nyhedsbrev|share|sharing|social|"
    r"breadcrumbs?|advert|ads|annonce|popup|modal)(?:[-_][a-z0-9]+)*$",
    re.IGNORECASE,
)
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "form",
    "nav",
    "aside",
    "footer",
    "button",
    "select",
    "svg",
    "canvas",
)
_PROTECTED_TAGS = frozenset({"html", "body", "main", "head"})
_COOKIE_LINE = re.compile(
    r"(vi bruger cookies|accept[eé]r (?:alle )?cookies|cookie-?indstillinger|cookiepolitik|"
    r"samtykke til (?:brug af )?cookies|we use cookies)",
    re.IGNORECASE,
)
_PUBLISHED_META = (
    ("property", "article:published_time"),
    ("name", "article:published_time"),
    ("itemprop", "datePublished"),
    ("name", "pubdate"),
    ("name", "publishdate"),
    ("name", "date"),
    ("name", "dc.date.issued"),
    ("name", "dc.date"),
    ("property", "og:published_time"),
)


def decode_html(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    found = _META_CHARSET.search(raw[:4096])
    if found:
        try:
            return raw.decode(found.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _parse_tree(text: str) -> lxml.html.HtmlElement | None:
    text = _XML_DECL.sub("", _CONTROL.sub("", text), count=1)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.LxmlError, ValueError):
        return None


def _bound(tree: lxml.html.HtmlElement) -> str | None:
    """Cut a page with more than MAX_ELEMENTS elements down to that many, in place; returns a warning.

    Both extractors cost ~0.15 ms per element in Python: a hostile 10 MB page of 500,000 empty <div>s
    held a poll thread for over a minute. The article's own region (<article>, <main>, articleBody) is
    kept whole when it fits; else the page is read up to its MAX_ELEMENTS-th element (articles come
    early in the body, endless footers and widget soup late).
    """
    count = sum(1 for _ in tree.iter())
    if count <= MAX_ELEMENTS:
        return None
    body = tree.find("body")
    regions = [
        el
        for el in tree.iter("article", "main", "div", "section")
        if el.tag in ("article", "main") or el.get("itemprop") == "articleBody"
    ]
    fitting = [(len(el.text_content()), el) for el in regions if sum(1 for _ in el.iter()) <= MAX_ELEMENTS]
    if body is not None and fitting:
        region = max(fitting, key=lambda pair: pair[0])[1]
        region.tail = None
        for child in list(body):
            body.remove(child)
        body.text = None
        body.append(region)
        return f"page has {count} elements: only its <{region.tag}> region was read"
    cut = next(el for i, el in enumerate(tree.iter()) if i == MAX_ELEMENTS)
    node: etree._Element | None = cut
    while node is not None and node.getparent() is not None:
        parent = node.getparent()
        for sibling in list(node.itersiblings()):
            parent.remove(sibling)
        node = parent
    if cut.getparent() is not None:
        cut.getparent().remove(cut)
    return f"page has {count} elements: only the first {MAX_ELEMENTS} were read"


def _is_boilerplate(element: etree._Element) -> bool:
    if not isinstance(element.tag, str) or element.tag.lower() in _PROTECTED_TAGS:
        return False
    tokens = (element.get("class") or "").split() + (element.get("id") or "").split()
    if element.get("role") in ("dialog", "alertdialog", "complementary", "navigation"):
        tokens.append("modal")
    if not any(len(token) <= 80 and _BOILERPLATE.match(token) for token in tokens[:20]):
        return False
    # The headline lives in the article; a block holding the <h1> is content, even if called "has-comments".
    return next(element.iter("h1"), None) is None


def prune_boilerplate(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """Return a copy of ``tree`` without scripts, navigation, cookie banners, comments and related links."""
    pruned = copy.deepcopy(tree)
    etree.strip_elements(pruned, *_DROP_TAGS, etree.Comment, with_tail=False)
    doomed = [el for el in pruned.iter() if _is_boilerplate(el)]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    return pruned


def _drop_cookie_lines(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not _COOKIE_LINE.search(line))


# -- metadata --------------------------------------------------------------------------------------------


def _title(tree: lxml.html.HtmlElement) -> str | None:
    for meta in tree.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:title" and meta.get("content"):
            return html_to_text(meta.get("content"))[:1000] or None
    for tag in ("h1", "title"):
        element = next(tree.iter(tag), None)
        if element is not None:
            text = " ".join(element.text_content().split())[:1000]
            if text:
                return text
    return None


def _published(tree: lxml.html.HtmlElement, ld_blocks: list[Any]) -> datetime | None:
    for meta in tree.iter("meta"):
        for attribute, wanted in _PUBLISHED_META:
            if (meta.get(attribute) or "").lower() == wanted.lower():
                value = parse_date(meta.get("content"))
                if value is not None:
                    return value
    for block in ld_blocks:
        for node in walk(block):
            raw = node.get("datePublished")
            if isinstance(raw, str):
                value = parse_date(raw)
                if value is not None:
                    return value
    times = list(tree.iter("time"))
    times.sort(key=lambda t: 0 if t.get("itemprop") == "datePublished" or t.get("pubdate") is not None else 1)
    for element in times:
        value = parse_date(element.get("datetime")) or parse_date(element.text_content())
        if value is not None:
            return value
    return None


# -- extractors ------------------------------------------------------------------------------------------


def _trafilatura(pruned: lxml.html.HtmlElement, url: str) -> str:
    text = trafilatura.extract(
        copy.deepcopy(pruned),
        url=url,
        include_comments=False,
        favor_precision=True,
        include_tables=False,
        include_images=False,
        include_links=False,
        with_metadata=False,
        deduplicate=False,
    )
    return text or ""


_INLINE = frozenset(
    {
        "a",
        "span",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "small",
        "mark",
        "abbr",
        "cite",
        "q",
        "sub",
        "sup",
        "time",
        "font",
        "code",
    }
)


def soup_extract(html: str) -> str:
    """Text-density fallback: the block element with the most non-link text, as lines of plain text.

    Works with <p> paragraphs and with text put straight into <div>s separated by <br>.
    """
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(list(_DROP_TAGS)):
        tag.decompose()
    for tag in [t for t in soup.find_all(True) if t.attrs is not None and _soup_boilerplate(t)]:
        tag.decompose()
    scores: dict[int, float] = {}
    blocks: dict[int, Tag] = {}
    for string in soup.find_all(string=True):
        if isinstance(string, Comment) or not isinstance(string, NavigableString):
            continue
        text = string.strip()
        if len(text) < 20:
            continue
        block = string.parent
        in_link = False
        while isinstance(block, Tag) and block.name in _INLINE:
            in_link = in_link or block.name == "a"
            block = block.parent
        if not isinstance(block, Tag) or block.name in ("[document]", "html", "head", "title"):
            continue
        weight = len(text) * (0.2 if in_link else 1.0) + text.count(",") * 5
        # The block's parent also collects, so sibling paragraphs pull their container upward.
        for target, share in ((block, 1.0), (block.parent, 0.7)):
            if isinstance(target, Tag) and target.name not in ("[document]", "html"):
                scores[id(target)] = scores.get(id(target), 0.0) + weight * share
                blocks[id(target)] = target
    if not scores:
        return ""
    best = blocks[max(scores, key=lambda key: scores[key])]
    return html_to_text(str(best), keep_lines=True)  # <br> and block elements become line breaks there


def _soup_boilerplate(tag: Tag) -> bool:
    if tag.name in _PROTECTED_TAGS:
        return False
    classes: object = tag.get("class") or []
    tokens = list(classes) if isinstance(classes, list) else str(classes).split()
    tokens += str(tag.get("id") or "").split()
    if not any(len(token) <= 80 and _BOILERPLATE.match(token) for token in tokens[:20]):
        return False
    return tag.find("h1") is None


# -- public ----------------------------------------------------------------------------------------------


def extract_article(html: bytes, url: str, feed_entry: ParsedEntry | None = None) -> ExtractedArticle:
    """Main text, title, published date and paywall flag of an article page. Never raises on bad HTML."""
    warnings: list[str] = []
    if len(html) > MAX_HTML_BYTES:
        warnings.append(f"page truncated to {MAX_HTML_BYTES} bytes")
    text_html = decode_html(html[:MAX_HTML_BYTES])
    tree = _parse_tree(text_html)
    if tree is None:
        warnings.append("page is not parsable HTML")
        if feed_entry is not None:
            return article_from_feed_summary(feed_entry, url=url, warnings=tuple(warnings))
        return ExtractedArticle(
            url=url, title=None, text="", method=ExtractionMethod.FALLBACK_SOUP, warnings=tuple(warnings)
        )
    bounded = _bound(tree)
    if bounded:
        warnings.append(bounded)
    ld_blocks = json_ld(tree)
    pruned = prune_boilerplate(tree)
    text, method = "", ExtractionMethod.TRAFILATURA
    try:
        text = _trafilatura(pruned, url)
    except Exception as exc:  # third-party extractor on hostile input: record, then use the fallback
        warnings.append(f"trafilatura failed: {type(exc).__name__}")
    if len(text) < MIN_GOOD_TEXT_CHARS:
        try:
            fallback = soup_extract(lxml.html.tostring(pruned, encoding="unicode"))
        except (RecursionError, ValueError, etree.LxmlError) as exc:
            warnings.append(f"fallback failed: {type(exc).__name__}")
            fallback = ""
        if len(fallback) > len(text):
            text, method = fallback, ExtractionMethod.FALLBACK_SOUP
    walled = consent_wall(text, url)
    if walled:
        # The link led to a cookie/consent dialog, not the article: no text, so the poll uses the feed's.
        warnings.append("consent wall instead of the article")
        text = ""
    text = _drop_cookie_lines(text)
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS]
        warnings.append(f"text truncated to {MAX_TEXT_CHARS} characters")
    published = _published(tree, ld_blocks) or find_danish_date(pruned.text_content()[:20_000])
    if published is None and feed_entry is not None:
        published = feed_entry.published
    feed_title = feed_entry.title if feed_entry is not None and feed_entry.title else None
    title = feed_title if walled else _title(tree) or feed_title  # not the dialog's "Før du fortsætter"
    if not text:
        warnings.append("no article text found")
    return ExtractedArticle(
        url=url,
        title=title,
        text=text,
        method=method,
        published=published,
        paywalled=paywalled(tree, pruned, ld_blocks, text),
        warnings=tuple(warnings),
    )


def article_from_feed_summary(
    entry: ParsedEntry, url: str | None = None, warnings: tuple[str, ...] = ()
) -> ExtractedArticle:
    """The feed's own text as the article, for pages that cannot be fetched or extracted: its full
    content (content:encoded, Atom content) when longer than the summary, else summary, else title."""
    # The title stays in .title; text is the body, as for pages.
    text = entry.content if len(entry.content) > len(entry.summary) else entry.summary or entry.title
    return ExtractedArticle(
        url=url or entry.url or "",
        title=entry.title or None,
        text=text[:MAX_TEXT_CHARS],
        method=ExtractionMethod.FEED_SUMMARY,
        published=entry.published,
        paywalled=False,
        warnings=warnings,
    )
