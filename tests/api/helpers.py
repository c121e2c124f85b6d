"""Shared builders for API and web tests: a real SQLite Store in a temp dir, seeded articles, an app."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from botrygt_nlp.asgi import create_app
from botrygt_nlp.config import Settings
from botrygt_nlp.domain import AdviceSpan, Assessment, CrimeType, Principle, Span
from botrygt_nlp.monitor.fetch import Fetcher
from botrygt_nlp.service.limits import RateLimiter
from botrygt_nlp.service.options import ApiOptions
from botrygt_nlp.storage import NewArticle, Store

XSS_TITLE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">Tyv "hærger" & co'
XSS_TEXT = 'Indbrud <script>window.__xss=3</script><svg onload="window.__xss=4"></svg>. Husk at låse døren.'


class FakeAnalyzer:
    """Deterministic stand-in: relevant when the text mentions 'indbrud'/'tyveri', advice on 'Husk'."""

    model_version = "fake-1"

    def __init__(self) -> None:
        self.calls = 0

    def assess(self, text: str, *, title: str | None = None) -> Assessment:
        from botrygt_nlp.errors import EmptyTextError

        self.calls += 1
        if not text.strip():
            raise EmptyTextError("The text is empty or only whitespace.")
        low = text.lower()
        relevant = "indbrud" in low or "tyveri" in low
        advice: list[AdviceSpan] = []
        pos = text.find("Husk")
        if relevant and pos >= 0:
            end = text.find(".", pos)
            end = len(text) if end < 0 else end + 1
            advice.append(AdviceSpan(pos, end, text[pos:end], Principle.SVAERT))
        # A witness appeal: the sentence that mentions witnesses ("vidne…"), as the real analyzer shows it.
        witness: list[Span] = []
        wpos = low.find("vidne")
        if wpos >= 0:
            wstart = max(text.rfind(". ", 0, wpos) + 2, text.rfind("\n", 0, wpos) + 1, 0)
            wend = text.find(".", wpos)
            wend = len(text) if wend < 0 else wend + 1
            witness.append(Span(wstart, wend, text[wstart:wend]))
        alarm: list[Span] = []
        apos = low.find("hærger")
        if apos >= 0:
            alarm.append(Span(apos, apos + 6, text[apos : apos + 6]))
        return Assessment(
            relevant=relevant,
            crime_type=CrimeType.HOME_BURGLARY if relevant else CrimeType.NOT_RELEVANT,
            constructive=bool(advice),
            score=0.9 if advice else 0.1,
            alarmist=bool(alarm),
            witness_appeal=bool(witness),
            principles=(Principle.SVAERT,) if advice else (),
            advice_spans=tuple(advice),
            alarm_spans=tuple(alarm),
            lix=30.0,
            model_version=self.model_version,
            witness_spans=tuple(witness),
        )


def make_settings(tmp: Path) -> Settings:
    return Settings(data_dir=tmp / "data", database_url=f"sqlite:///{tmp / 'test.sqlite3'}")


def make_store(tmp: Path) -> Store:
    return Store.open(f"sqlite:///{tmp / 'test.sqlite3'}")


def seed_articles(
    store: Store,
    analyzer: FakeAnalyzer,
    *,
    outlet: str = "Ringsted Avis",
    municipality: str | None = "Ringsted",
    start: datetime | None = None,
    weeks: int = 8,
    per_week: int = 3,
    title: str | None = None,
    text: str | None = None,
) -> None:
    start = start or datetime(2026, 1, 5, 12, tzinfo=UTC)
    items = []
    for w in range(weeks):
        for i in range(per_week):
            body = text or (f"Indbrud nr. {i} i uge {w} på Søgade. " + ("Husk at låse døren." if i % 2 else ""))
            t = title or f"Indbrud {w}-{i}"
            url = f"https://{outlet.replace(' ', '').lower()}.example/{w}-{i}"
            published = start + timedelta(days=7 * w + i)
            items.append(
                (
                    NewArticle(
                        outlet=outlet,
                        url=url,
                        url_norm=url,
                        title=t,
                        title_norm=f"{t.lower()}-{outlet}-{w}-{i}",
                        text=body,
                        published=published,
                        fetched_at=published,
                        extraction_method=None,
                        municipality=municipality,
                        district="Midt- og Vestsjællands Politi" if municipality else None,
                    ),
                    analyzer.assess(body, title=t),
                )
            )
    store.insert_articles(items)


def build_app(
    tmp: Path,
    *,
    store: Store | None = None,
    analyzer: FakeAnalyzer | None = None,
    clock: Callable[[], float] | None = None,
    per_minute: int = 100_000,
    burst: int = 100_000,
    fetcher_factory: Callable[[], Fetcher] | None = None,
    **options: Any,
) -> tuple[FastAPI, Store, FakeAnalyzer]:
    store = store or make_store(tmp)
    analyzer = analyzer or FakeAnalyzer()
    opts = ApiOptions(session_secret="test-secret", rate_limit_per_minute=per_minute, rate_limit_burst=burst, **options)
    limiter = RateLimiter(per_minute, burst, clock) if clock else None
    app = create_app(
        make_settings(tmp),
        analyzer=analyzer,
        store=store,
        options=opts,
        limiter=limiter,
        fetcher_factory=fetcher_factory,
    )
    return app, store, analyzer


def pause_feed(store: Store, feed_id: int, reason: str) -> None:
    """Pause a feed the way the poller does after repeated failures (without running a poll)."""
    import sqlalchemy as sa

    from botrygt_nlp.storage.tables import feeds

    with store.engine.begin() as conn:
        conn.execute(sa.update(feeds).where(feeds.c.id == feed_id).values(status="paused", pause_reason=reason))
