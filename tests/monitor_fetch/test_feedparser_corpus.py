"""Every feed of feedparser's own test suite goes through parse_feed without an exception or a blow-up,
and keeps at least every entry plain feedparser finds in it.

The corpus (2,100 odd real-world feeds) lives outside the repository, in ../shared/corpora; CI has it.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import feedparser  # the reference: what the adapter must never do worse than
import pytest

from botrygt_nlp.monitor.parse import parse_feed
from tests.conftest import require_or_skip

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora" / "feedparser-tests"
# Output characters per input byte. Plain text out of markup can never be much longer than its source;
# entity bombs are what would break this.
MAX_EXPANSION = 4
# Files of the corpus that are not test feeds.
_DOCS = frozenset({"COMMIT", "LICENSE", "README.md"})
# feedparser's suite serves some files with an HTTP Content-Type, written in the file's header comment
# ("Header: Content-type: text/plain; charset=utf-8"); the encoding tests are about exactly that header.
# Content-Location is the base the relative-link tests resolve against; it is the URL a feed came from.
_HEADER = re.compile(rb"Header:\s+(Content-type|Content-Location):\s*([^\r\n]*?)\s*(?:-->|\r?\n)", re.IGNORECASE)


def _headers(body: bytes) -> dict[str, str]:
    return {m.group(1).decode().lower(): m.group(2).decode("latin-1") for m in _HEADER.finditer(body[:2000])}


@pytest.mark.slow
def test_every_corpus_feed_survives() -> None:
    require_or_skip("BOTRYGT_REQUIRE_FEED_CORPUS", CORPUS.is_dir(), f"feedparser corpus not found at {CORPUS}")
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name not in _DOCS)
    # Every file is a test feed: a renamed extension or a new folder cannot drop out of the test unseen.
    assert len(files) > 2000 and all(p.suffix == ".xml" for p in files), [p for p in files if p.suffix != ".xml"]
    with_entries = with_header = 0
    fewer: list[str] = []
    for path in files:
        body = path.read_bytes()
        headers = _headers(body)
        content_type = headers.get("content-type")
        with_header += bool(headers)
        url = headers.get("content-location", "http://example.com/feed.xml")
        feed = parse_feed(body, url, content_type)  # any exception fails the test
        chars = len(feed.title) + sum(
            len(e.title) + len(e.summary) + len(e.content) + len(e.author or "") for e in feed.entries
        )
        assert chars <= MAX_EXPANSION * max(len(body), 100), path
        for entry in feed.entries:
            assert entry.published is None or entry.published.tzinfo is not None, path
            assert entry.url is None or entry.url.startswith(("http://", "https://")), path
        reference = feedparser.parse(
            io.BytesIO(body), response_headers={"content-type": content_type or "text/xml", "content-location": url}
        )
        if len(feed.entries) < len(reference.entries):
            fewer.append(f"{path.relative_to(CORPUS)}: {len(feed.entries)} < {len(reference.entries)}")
        with_entries += bool(feed.entries)
    assert fewer == []
    assert with_header >= 90  # the HTTP-header cases (49 Content-Type, 43 Content-Location) were really read
    # 1,194 of 2,106 files have at least one entry (plain feedparser finds the same 1,194); many corpus
    # files test channel-level elements only. Guard against regressions in recovery.
    assert with_entries >= 1190
