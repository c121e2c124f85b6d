"""Load the bundled sample feeds (samples.yaml) and publish them on a LoopbackSite."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from botrygt_nlp.demo.server import LoopbackSite, article_html, rss
from botrygt_nlp.storage.types import NewFeed


@dataclass(frozen=True, slots=True)
class DemoSite:
    site: LoopbackSite
    feeds: tuple[NewFeed, ...]


def load_samples() -> list[dict[str, Any]]:
    text = resources.files("botrygt_nlp.demo").joinpath("samples.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    outlets = data["outlets"]
    assert isinstance(outlets, list)
    return outlets


def build_demo_site(site: LoopbackSite | None = None) -> DemoSite:
    """Start (if needed) a loopback site with one RSS feed per sample outlet and one page per article."""
    site = site or LoopbackSite()
    site.__enter__()
    feeds: list[NewFeed] = []
    for outlet in load_samples():
        items = []
        for art in outlet["articles"]:
            path = f"/{outlet['slug']}/{art['slug']}"
            site.put(path, article_html(art["title"], art["paragraphs"], art.get("published")))
            items.append(
                {
                    "title": art["title"],
                    "link": site.url(path),
                    "guid": site.url(path),
                    "description": art["paragraphs"][0],
                    "pubDate": _rfc822(art.get("published")),
                    "author": art.get("author", ""),
                }
            )
        feed_path = f"/{outlet['slug']}/rss.xml"
        site.put(
            feed_path,
            rss(outlet["outlet"], site.url(f"/{outlet['slug']}/"), items),
            "application/rss+xml; charset=utf-8",
        )
        feeds.append(NewFeed(site.url(feed_path), outlet["outlet"], tuple(outlet.get("municipalities", ()))))
    return DemoSite(site, tuple(feeds))


def _rfc822(iso: str | None) -> str:
    if not iso:
        return ""
    from datetime import datetime
    from email.utils import format_datetime

    return format_datetime(datetime.fromisoformat(iso))
