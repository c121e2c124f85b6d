"""Deduplication keys and the in-document rules (pure functions; the Store enforces them across time).

Order of trust, after Media Cloud's rss-fetcher: the GUID (only while unique within the feed document:
some CMSs give every item the same GUID), then the normalised URL, then the normalised title per outlet
within a few days (re-published items with a new URL). The same wire story in several outlets is *not* a
duplicate: it is stored per outlet and linked by story id (see Store.save_poll).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from botrygt_nlp.news.types import ParsedEntry
from botrygt_nlp.visible import visible_text

TITLE_WINDOW_DAYS = 3

_TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref_src"})
_WIRE_RE = re.compile(r"(^|[\s/(\-–—])ritzau(\s*/|\b)", re.IGNORECASE)
_PUNCT_RE = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE_RE = re.compile(r"\s+")


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments, utm_*/click ids and trailing slashes."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port is not None and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in _TRACKING_PARAMS
    ]
    path = parts.path.rstrip("/")
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def url_variants(url_norm: str) -> tuple[str, ...]:
    """Other spellings of the same page that sites switch between: http <-> https, with/without "www.".

    Used to recognise known articles only (a site that moved to https must not have its whole feed
    stored again); the stored key stays as it was first seen, so no migration is needed.
    """
    parts = urlsplit(url_norm)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ()
    hosts = [parts.netloc, parts.netloc[4:] if parts.netloc.startswith("www.") else "www." + parts.netloc]
    variants = [
        urlunsplit((scheme, host, parts.path, parts.query, ""))
        for scheme in ("https", "http")
        for host in hosts
        if (scheme, host) != (parts.scheme, parts.netloc)
    ]
    return tuple(variants)


def normalise_title(title: str) -> str:
    """Case, punctuation, quotes and spacing folded; empty for titles with no word characters."""
    # Soft hyphens and zero-width characters are dropped first: as word breaks they made "Ti\u00adme\u00adre"
    # another title than "Timere".
    s = unicodedata.normalize("NFKC", visible_text(title).text).casefold()
    s = _PUNCT_RE.sub(" ", s)
    return _SPACE_RE.sub(" ", s).strip()[:1000]


def looks_like_wire(*texts: str | None) -> bool:
    """Ritzau credits ("/ritzau/", "Ritzau") in byline, title or body mark wire copy."""
    return any(t and _WIRE_RE.search(t[:400] + " " + t[-400:]) for t in texts)


@dataclass(frozen=True, slots=True)
class EntryKeys:
    """An entry of one feed document with its dedup keys; ``guid`` is None when not trusted."""

    entry: ParsedEntry
    guid: str | None
    url: str
    url_norm: str
    title_norm: str


@dataclass(frozen=True, slots=True)
class KnownKeys:
    """What the store already holds for a feed/outlet (Store.known_keys)."""

    guids: frozenset[str]
    url_norms: frozenset[str]
    title_norms: frozenset[str]


def entry_keys(entries: Sequence[ParsedEntry]) -> list[EntryKeys]:
    """Keys for every usable entry; duplicates *within* the document are dropped here.

    An entry with neither link nor GUID cannot be addressed again and is skipped; an entry with only a
    GUID gets a synthetic ``guid:`` URL key so the unique constraint still protects it.
    """
    counts = Counter(e.guid for e in entries if e.guid)
    seen_urls: set[str] = set()
    out: list[EntryKeys] = []
    for e in entries:
        guid = e.guid if e.guid and counts[e.guid] == 1 else None
        if e.url:
            url, url_norm = e.url, normalise_url(e.url)
        elif guid:
            url, url_norm = guid, "guid:" + guid
        else:
            continue
        if url_norm in seen_urls:
            continue
        seen_urls.add(url_norm)
        out.append(EntryKeys(e, guid, url, url_norm, normalise_title(e.title or "")))
    return out


def select_new(keys: Iterable[EntryKeys], known: KnownKeys) -> list[EntryKeys]:
    """Entries not yet stored: unknown GUID, unknown URL, and (non-empty) title not seen recently."""
    new: list[EntryKeys] = []
    titles: set[str] = set()
    for k in keys:
        if k.guid is not None and k.guid in known.guids:
            continue
        if k.url_norm in known.url_norms:
            continue
        if k.title_norm and (k.title_norm in known.title_norms or k.title_norm in titles):
            continue
        if k.title_norm:
            titles.add(k.title_norm)
        new.append(k)
    return new
