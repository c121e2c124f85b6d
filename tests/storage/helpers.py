"""Builders shared by the storage, poll and trends tests."""

from __future__ import annotations

from datetime import UTC, datetime

from botrygt_nlp.domain import Assessment, CrimeType
from botrygt_nlp.news.dedup import normalise_title, normalise_url
from botrygt_nlp.news.types import ExtractionMethod
from botrygt_nlp.storage import ArticleSource, NewArticle

T0 = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


def assessment(
    *,
    relevant: bool = True,
    constructive: bool = False,
    alarmist: bool = False,
    crime: CrimeType = CrimeType.HOME_BURGLARY,
    version: str = "test-v1",
) -> Assessment:
    return Assessment(
        relevant=relevant,
        crime_type=crime if relevant else CrimeType.NOT_RELEVANT,
        constructive=constructive,
        score=0.9 if constructive else 0.1,
        alarmist=alarmist,
        witness_appeal=False,
        principles=(),
        advice_spans=(),
        alarm_spans=(),
        lix=30.0,
        model_version=version,
    )


def article(
    url: str,
    title: str,
    *,
    outlet: str = "Avis",
    published: datetime | None = T0,
    feed_id: int | None = None,
    guid: str | None = None,
    municipality: str | None = None,
    district: str | None = None,
    text: str = "Indbrud i villa.",
    wire: bool = False,
) -> NewArticle:
    return NewArticle(
        outlet=outlet,
        url=url,
        url_norm=normalise_url(url),
        title=title,
        title_norm=normalise_title(title),
        text=text,
        published=published,
        fetched_at=published or T0,
        extraction_method=ExtractionMethod.TRAFILATURA,
        source=ArticleSource.FEED,
        feed_id=feed_id,
        guid=guid,
        municipality=municipality,
        district=district,
        wire=wire,
    )
