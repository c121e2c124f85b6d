"""Walls in front of an article: paywalls (flag the teaser) and consent walls (the page is no article).

Both are judged on the parsed page plus what extraction found, and only where they concern THIS article.
JSON-LD helpers live here too, because ``isAccessibleForFree`` is the strongest paywall signal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

SHORT_TEASER_CHARS = 700  # a text this short next to a login prompt is a paywall teaser
_MAX_JSONLD_CHARS = 500_000
_MAX_JSON_DEPTH = 12
_PROTECTED_TAGS = frozenset({"html", "body", "main", "head"})

_PAYWALL_PHRASES = (
    "kun for abonnenter",
    "log ind for at læse",
    "log ind for at lese",
    "plus-artikel",
    "plusartikel",
    "artiklen er forbeholdt abonnenter",
    "denne artikel er forbeholdt",
    "kræver abonnement",
    "bliv abonnent for at læse",
    "køb abonnement for at læse",
    "læs hele artiklen med",
    "fortsæt med at læse med",
)
# class/id of paywall overlays and locked-content containers
_WALL_BLOCK = re.compile(r"paywall|regwall|premium-(?:wall|content|lock)|subscriber-only|locked-content", re.IGNORECASE)
_LOGIN_PROMPTS = ("log ind", "login", "bliv abonnent", "køb abonnement", "abonnement", "opret konto")

# -- consent walls -----------------------------------------------------------------------------------------
# An article link that redirects to a consent manager (consent.example.dk/?continue=..., Google's
# consent.google.com for news.google.com links) or a page that is nothing but the cookie dialog: the
# extracted "article" would be the dialog's text, stored and scored as press coverage.
_CONSENT_HOST = re.compile(r"^(?:consent|samtykke|cookies?|cmp|privacy|gdpr)[.-]", re.IGNORECASE)
_CONSENT_PATH = re.compile(r"/(?:consent|samtykke|cookie-?(?:consent|wall|samtykke)|privacy-?gate)(?:/|\.|$)", re.I)
_CONSENT_TERMS = re.compile(
    r"cookies?|samtykke|consent|privatliv|personoplysninger|accepter alle|afvis alle|tillad alle|"
    r"accept all|reject all|partnere|personaliserede annoncer|administrer (?:indstillinger|valg)|"
    r"legitim interesse|dine valg|privacy",
    re.IGNORECASE,
)
CONSENT_WALL_MAX_CHARS = 2_500  # an article with a long text is an article, whatever its sidebar says


def consent_wall(text: str, url: str) -> bool:
    """True when the page is a consent dialog rather than the article: it came from a consent host or
    path, or its short text is mostly consent wording (half the lines, cookies and two more terms)."""
    if len(text) > CONSENT_WALL_MAX_CHARS:
        return False
    parts = urlsplit(url)
    if _CONSENT_HOST.match(parts.hostname or "") or _CONSENT_PATH.search(parts.path):
        return True
    # Every consent dialog names cookies; a short news item about a data leak ("personoplysninger",
    # "samtykke", "privatliv") usually does not. (Checked first: it is also the cheap test.)
    if "cookie" not in text.lower():
        return False
    lines = [line for line in text.splitlines() if line.strip()]
    terms = {m.group(0).lower() for m in _CONSENT_TERMS.finditer(text)}
    hits = sum(1 for line in lines if _CONSENT_TERMS.search(line))
    return len(terms) >= 3 and hits * 2 >= len(lines)


# -- JSON-LD -------------------------------------------------------------------------------------------------


def json_ld(tree: lxml.html.HtmlElement) -> list[Any]:
    blocks: list[Any] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        if len(script.text) > _MAX_JSONLD_CHARS:
            continue
        try:
            blocks.append(json.loads(script.text))
        except (ValueError, RecursionError):
            continue
    return blocks


def walk(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > _MAX_JSON_DEPTH:
        return
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from walk(child, depth + 1)
    elif isinstance(value, list):
        for child in value[:200]:
            yield from walk(child, depth + 1)


# -- paywalls ------------------------------------------------------------------------------------------------


def _locked_by_metadata(tree: lxml.html.HtmlElement, ld_blocks: list[Any]) -> bool:
    for block in ld_blocks:
        for node in walk(block):
            flag = node.get("isAccessibleForFree")
            if flag is False or (isinstance(flag, str) and flag.strip().lower() == "false"):
                return True
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").lower()
        if key == "article:content_tier" and (meta.get("content") or "").lower() == "locked":
            return True
    return False


def _wall_blocks(tree: lxml.html.HtmlElement) -> list[etree._Element]:
    return [
        el
        for el in tree.iter()
        if isinstance(el.tag, str)
        and el.tag not in _PROTECTED_TAGS
        and _WALL_BLOCK.search((el.get("class") or "") + " " + (el.get("id") or ""))
    ]


def paywalled(tree: lxml.html.HtmlElement, pruned: lxml.html.HtmlElement, ld_blocks: list[Any], text: str) -> bool:
    """Paywall signals, looked for only where they concern THIS article.

    Site headers on Danish news sites say "Log ind" and "Plus-artikler" on every page, so wording is
    searched in the article region (<article>, else <main>, else <body> of the pruned page) and in
    paywall-named blocks of the original page (overlays are often modals, which pruning removes).
    """
    if _locked_by_metadata(tree, ld_blocks):
        return True
    region = next(pruned.iter("article"), None)
    if region is None:
        region = next(pruned.iter("main"), pruned)
    walls = _wall_blocks(tree)
    wording = " ".join(" ".join(el.text_content().split()) for el in [region, *walls]).lower()
    if any(phrase in wording for phrase in _PAYWALL_PHRASES):
        return True
    if len(text) < SHORT_TEASER_CHARS:
        return bool(walls) or any(prompt in wording for prompt in _LOGIN_PROMPTS)
    return False
