"""Feed lists in and out: OPML, TOML and YAML -> NewFeed records (validation happens in Store.add_feed).

TOML::

    [[feeds]]
    url = "https://www.tv2fyn.dk/rss"
    outlet = "TV 2 Fyn"
    municipalities = ["Odense", "Svendborg"]   # optional; "municipality" (one name) works too
    district = "Fyns Politi"                    # optional; derived from the municipalities when omitted

YAML: the same keys, either a top-level list or under ``feeds:``. OPML: ``<outline xmlUrl=… text=…>``;
the outlet is ``text``/``title`` (or the enclosing category outline's), optional attributes
``municipality`` / ``municipalities`` (comma-separated) and ``district``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from lxml import etree

from botrygt_nlp.errors import InputError, MalformedRecordError
from botrygt_nlp.storage.types import NewFeed

MAX_FEED_LIST_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class FeedListError:
    where: str  # "item 3", "outline 7"
    error: str


def _split(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(p.strip() for p in value.split(",") if p.strip())
    if isinstance(value, Iterable):
        return tuple(str(p).strip() for p in value if str(p).strip())
    raise MalformedRecordError(f"expected a name or a list of names, got {value!r}")


def feed_from_mapping(item: Mapping[str, Any]) -> NewFeed:
    url = str(item.get("url") or item.get("xmlUrl") or "").strip()
    outlet = str(item.get("outlet") or item.get("title") or item.get("text") or "").strip()
    if not url:
        raise MalformedRecordError("missing url")
    if not outlet:
        raise MalformedRecordError(f"missing outlet for {url}")
    munis = _split(item.get("municipalities")) + _split(item.get("municipality"))
    district = item.get("district")
    return NewFeed(url=url, outlet=outlet, municipalities=munis, district=str(district) if district else None)


def _from_items(items: object) -> tuple[list[NewFeed], list[FeedListError]]:
    if isinstance(items, Mapping):
        items = items.get("feeds", items.get("feed"))
    if not isinstance(items, list):
        raise InputError("expected a list of feeds (or a 'feeds' key holding one)")
    feeds: list[NewFeed] = []
    errors: list[FeedListError] = []
    for i, item in enumerate(items, start=1):
        try:
            if not isinstance(item, Mapping):
                raise MalformedRecordError(f"expected a table/mapping, got {type(item).__name__}")
            feeds.append(feed_from_mapping(item))
        except MalformedRecordError as exc:
            errors.append(FeedListError(f"item {i}", exc.message))
    return feeds, errors


def parse_opml(data: bytes) -> tuple[list[NewFeed], list[FeedListError]]:
    # No DTDs, no entities, no network: OPML files come from strangers too (entity bombs, XXE).
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"not valid OPML/XML: {exc}") from exc
    feeds: list[NewFeed] = []
    errors: list[FeedListError] = []
    for i, node in enumerate(root.iter("outline"), start=1):
        attrs = {str(k): str(v) for k, v in node.attrib.items()}
        if not attrs.get("xmlUrl"):
            continue
        if not (attrs.get("text") or attrs.get("title")):
            parent = node.getparent()
            if parent is not None and parent.tag == "outline":
                attrs["outlet"] = str(parent.get("text") or parent.get("title") or "")
        try:
            feeds.append(feed_from_mapping(attrs))
        except MalformedRecordError as exc:
            errors.append(FeedListError(f"outline {i}", exc.message))
    return feeds, errors


def read_feed_list(path: Path) -> tuple[list[NewFeed], list[FeedListError]]:
    """Parse a feed list by extension (.opml/.xml, .toml, .yaml/.yml); content sniffing as fallback."""
    if path.stat().st_size > MAX_FEED_LIST_BYTES:
        raise InputError(f"{path} is larger than {MAX_FEED_LIST_BYTES} bytes")
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in (".opml", ".xml") or data.lstrip()[:5] in (b"<?xml", b"<opml"):
        return parse_opml(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8") from exc
    if suffix == ".toml":
        try:
            return _from_items(tomllib.loads(text))
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"invalid TOML: {exc}") from exc
    try:
        return _from_items(yaml.safe_load(text))
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}") from exc
