"""Fakes for the poll loop's seams: a fetcher serving canned bytes and a tiny deterministic analyzer."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import format_datetime

from botrygt_nlp.domain import Assessment, CrimeType
from botrygt_nlp.errors import EmptyTextError
from botrygt_nlp.news.types import FetchResult, FetchStatus
from tests.storage.helpers import T0


@dataclass
class Canned:
    status: FetchStatus = FetchStatus.OK
    body: bytes | None = None
    http_status: int | None = 200
    retry_after_s: float | None = None
    error: str | None = None
    content_type: str | None = "text/html; charset=utf-8"


@dataclass
class FakeFetcher:
    responses: dict[str, Canned] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)
    hold_s: float = 0.0  # keep a fetch "in flight" a moment (overlap detection)
    overlaps: list[str] = field(default_factory=list)
    _active: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def put(self, url: str, body: bytes | str, content_type: str = "text/html; charset=utf-8") -> None:
        data = body.encode() if isinstance(body, str) else body
        self.responses[url] = Canned(body=data, content_type=content_type)

    def fail(
        self, url: str, status: FetchStatus, http_status: int | None = 503, retry_after_s: float | None = None
    ) -> None:
        self.responses[url] = Canned(
            status=status,
            http_status=http_status,
            retry_after_s=retry_after_s,
            error=f"HTTP {http_status}" if http_status else status.value,
        )

    def _get(self, url: str, previous_sha256: str | None) -> FetchResult:
        with self._lock:
            self.calls[url] += 1
            if url in self._active:
                self.overlaps.append(url)
            self._active.add(url)
        try:
            if self.hold_s:
                time.sleep(self.hold_s)
            c = self.responses.get(url, Canned(FetchStatus.SOFT_FAILURE, None, 404, error="HTTP 404"))
            digest = hashlib.sha256(c.body).hexdigest() if c.body is not None else None
            status = c.status
            if status is FetchStatus.OK and digest is not None and digest == previous_sha256:
                status = FetchStatus.NOT_MODIFIED
            return FetchResult(
                url=url,
                final_url=url,
                status=status,
                http_status=c.http_status,
                body=c.body if status is FetchStatus.OK else None,
                content_type=c.content_type,
                etag=None,
                last_modified=None,
                body_sha256=digest,
                retry_after_s=c.retry_after_s,
                error=c.error,
            )
        finally:
            with self._lock:
                self._active.discard(url)

    def fetch_feed(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        previous_sha256: str | None = None,
    ) -> FetchResult:
        return self._get(url, previous_sha256)

    def fetch_page(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        previous_sha256: str | None = None,
    ) -> FetchResult:
        return self._get(url, previous_sha256)


class FakeAnalyzer:
    def __init__(self, version: str = "fake-1", fail_on: str | None = None) -> None:
        self.model_version = version
        self.fail_on = fail_on
        self.calls = 0

    def assess(self, text: str, *, title: str | None = None) -> Assessment:
        self.calls += 1
        if not text.strip() or (self.fail_on and self.fail_on in text):
            raise EmptyTextError("cannot assess this text")
        low = f"{title or ''} {text}".lower()
        relevant = "indbrud" in low or "tyv" in low
        return Assessment(
            relevant=relevant,
            crime_type=CrimeType.HOME_BURGLARY if relevant else CrimeType.NOT_RELEVANT,
            constructive=relevant and "husk" in low,
            score=0.5,
            alarmist="bølge" in low,
            witness_appeal=False,
            principles=(),
            advice_spans=(),
            alarm_spans=(),
            lix=0.0,
            model_version=self.model_version,
        )


def rss_doc(base: str, items: list[tuple[str, str]], *, guid: str | None = None, title: str = "Avis") -> str:
    """RSS with (slug, title) items linking to base/slug; ``guid`` forces one GUID on every item."""
    from xml.sax.saxutils import escape

    parts = [
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>{base}/</link><description>d</description>"
    ]
    for i, (slug, t) in enumerate(items):
        g = guid or f"{base}/{slug}"
        parts.append(
            f"<item><title>{escape(t)}</title><link>{base}/{slug}</link><guid>{escape(g)}</guid>"
            f"<description>{escape('Resumé: ' + t)}</description>"
            f"<pubDate>{format_datetime(T0)}</pubDate></item>"
        )
        del i
    parts.append("</channel></rss>")
    return "".join(parts)


def page(title: str, body: str) -> str:
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"<p>{body}</p><p>Politiet oplyser, at sagen efterforskes, og at der endnu ikke er nogen anholdt "
        f"i sagen fra kvarteret.</p></article></body></html>"
    )
