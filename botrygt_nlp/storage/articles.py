"""Articles and their assessments: insert-once, list with filters and cursors, rescore, trend facts."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from botrygt_nlp.domain import Assessment, CrimeType
from botrygt_nlp.errors import InputError
from botrygt_nlp.storage.clean import clean_text, fit_values
from botrygt_nlp.storage.tables import articles, assessments
from botrygt_nlp.storage.types import (
    ArticleFilter,
    ArticleRecord,
    ArticleSource,
    InsertOutcome,
    NewArticle,
    StoredAssessment,
    TrendFact,
)

# Two outlets with the same headline the same days are one wire story only when the headline says
# something: "Indbrud", "Døgnrapport" or "Trafikuheld i nat" appear everywhere, every day, independently.
WIRE_MIN_TITLE_WORDS = 4


def story_id_for(outlet: str, url_norm: str) -> str:
    return hashlib.sha256(f"{outlet}\x00{url_norm}".encode()).hexdigest()[:24]


def _encode_cursor(article_id: int) -> str:
    return base64.urlsafe_b64encode(f"a:{article_id}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        if kind != "a":
            raise ValueError(kind)
        return int(value)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"invalid cursor {cursor!r}") from exc


def _article_values(art: NewArticle) -> dict[str, Any]:
    """The row for ``art``, cleaned and fitted to the columns (see storage.clean)."""
    return fit_values(
        articles,
        {
            "feed_id": art.feed_id,
            "source": art.source.value,
            "external_id": art.external_id,
            "outlet": art.outlet,
            "url": art.url,
            "url_norm": art.url_norm,
            "guid": art.guid,
            "title": art.title,
            "title_norm": art.title_norm,
            "text": art.text,
            "published": art.published,
            "fetched_at": art.fetched_at,
            "extraction_method": art.extraction_method.value if art.extraction_method else None,
            "from_feed_summary": art.from_feed_summary,
            "paywalled": art.paywalled,
            # From the values as stored, so the same article always gets the same story id.
            "story_id": story_id_for(clean_text(art.outlet), clean_text(art.url_norm)),
            "wire": art.wire,
            "municipality": art.municipality,
            "district": art.district,
        },
    )


class ArticlesMixin:
    _engine: Engine

    def _tx(self) -> AbstractContextManager[Connection]:  # provided by Store
        raise NotImplementedError

    @staticmethod
    def _articles_table() -> sa.Table:
        return articles

    def _insert_ignore(self, table: sa.Table) -> Any:
        if self._engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            return pg_insert(table).on_conflict_do_nothing()
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table).on_conflict_do_nothing()

    # ------------------------------------------------------------------ writes
    def insert_articles(
        self,
        items: Sequence[tuple[NewArticle, Assessment]],
        *,
        title_window_days: int = 3,
        dedup_titles: bool = True,
    ) -> InsertOutcome:
        """Insert articles with their assessments; duplicates (URL, GUID, recent title) are skipped."""
        with self._tx() as conn:
            return self._insert_articles(conn, items, title_window_days=title_window_days, dedup_titles=dedup_titles)

    def _insert_articles(
        self,
        conn: Connection,
        items: Sequence[tuple[NewArticle, Assessment]],
        *,
        title_window_days: int,
        dedup_titles: bool = True,
    ) -> InsertOutcome:
        ids: list[int] = []
        duplicates = 0
        window = timedelta(days=title_window_days)
        for art, assessment in items:
            day = art.published or art.fetched_at
            row = _article_values(art)
            wire = art.wire
            if row["title_norm"]:
                near = sa.and_(
                    articles.c.title_norm == row["title_norm"],
                    sa.func.coalesce(articles.c.published, articles.c.fetched_at).between(day - window, day + window),
                )
                if dedup_titles:
                    same_outlet = conn.execute(
                        sa.select(articles.c.id).where(near, articles.c.outlet == row["outlet"]).limit(1)
                    ).first()
                    if same_outlet is not None:  # re-published under a new URL: the same article
                        duplicates += 1
                        continue
                other = (
                    conn.execute(
                        sa.select(articles.c.story_id)
                        .where(near, articles.c.outlet != row["outlet"])
                        .order_by(articles.c.id)
                        .limit(1)
                    ).first()
                    if len(row["title_norm"].split()) >= WIRE_MIN_TITLE_WORDS
                    else None
                )
                if other is not None:  # the same story in another outlet: wire copy, linked, counted apart
                    row["story_id"], wire = other[0], True
                    conn.execute(sa.update(articles).where(articles.c.story_id == other[0]).values(wire=True))
            row["wire"] = wire
            new_id = conn.execute(self._insert_ignore(articles).values(**row).returning(articles.c.id)).scalar()
            if new_id is None:
                duplicates += 1
                continue
            ids.append(int(new_id))
            self._write_assessment(conn, int(new_id), assessment, art.fetched_at)
        return InsertOutcome(inserted=len(ids), duplicates=duplicates, article_ids=tuple(ids))

    def _write_assessment(self, conn: Connection, article_id: int, a: Assessment, at: datetime) -> bool:
        row = fit_values(
            assessments,
            {
                "article_id": article_id,
                "model_version": a.model_version,
                "assessed_at": at,
                "relevant": a.relevant,
                "crime_type": a.crime_type.value,
                "constructive": a.constructive,
                "alarmist": a.alarmist,
                "witness_appeal": a.witness_appeal,
                "score": float(a.score),
                "payload": json.dumps(a.to_json(), ensure_ascii=False),
            },
        )
        res = conn.execute(self._insert_ignore(assessments).values(**row).returning(assessments.c.article_id))
        # RETURNING, not rowcount: drivers disagree on rowcount for ON CONFLICT DO NOTHING.
        return res.first() is not None

    def add_assessments(self, items: Sequence[tuple[int, Assessment]], *, now: datetime | None = None) -> int:
        """Add assessments (one per article and model_version; existing ones are kept, not replaced)."""
        now = now or datetime.now(UTC)
        with self._tx() as conn:
            return sum(self._write_assessment(conn, aid, a, now) for aid, a in items)

    # ------------------------------------------------------------------ reads
    def latest_model_version(self) -> str | None:
        """The model version of the most recent assessment: what trends and listings use by default."""
        q = (
            sa.select(assessments.c.model_version)
            .order_by(assessments.c.assessed_at.desc(), assessments.c.model_version.desc())
            .limit(1)
        )
        with self._engine.connect() as conn:
            return conn.execute(q).scalar()

    def model_versions(self) -> list[tuple[str, int]]:
        q = (
            sa.select(assessments.c.model_version, sa.func.count())
            .group_by(assessments.c.model_version)
            .order_by(assessments.c.model_version)
        )
        with self._engine.connect() as conn:
            return [(str(v), int(n)) for v, n in conn.execute(q)]

    def count_articles(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(articles)).scalar_one())

    def articles_missing_version(
        self, model_version: str, *, after_id: int = 0, limit: int = 200
    ) -> list[tuple[int, str, str]]:
        """(id, title, text) of articles without an assessment by ``model_version``, in id order."""
        has = sa.exists().where(assessments.c.article_id == articles.c.id, assessments.c.model_version == model_version)
        q = (
            sa.select(articles.c.id, articles.c.title, articles.c.text)
            .where(~has, articles.c.id > after_id)
            .order_by(articles.c.id)
            .limit(limit)
        )
        with self._engine.connect() as conn:
            return [(int(i), str(t), str(x)) for i, t, x in conn.execute(q)]

    def assessments_for(self, article_id: int) -> list[StoredAssessment]:
        q = sa.select(assessments).where(assessments.c.article_id == article_id).order_by(assessments.c.assessed_at)
        with self._engine.connect() as conn:
            return [_stored(r) for r in conn.execute(q).mappings()]

    def list_articles(
        self, filters: ArticleFilter | None = None, *, limit: int = 50, cursor: str | None = None
    ) -> tuple[list[ArticleRecord], str | None]:
        """Newest first (by id); ``next_cursor`` is None on the last page. Assessment filters use the
        latest model version unless ``filters.model_version`` names one."""
        f = filters or ArticleFilter()
        limit = max(1, min(limit, 500))
        version = f.model_version or self.latest_model_version()
        join_on = sa.and_(assessments.c.article_id == articles.c.id, assessments.c.model_version == version)
        q = sa.select(articles, *[c.label(f"a_{c.name}") for c in assessments.c]).select_from(
            articles.outerjoin(assessments, join_on)
        )
        day = sa.func.coalesce(articles.c.published, articles.c.fetched_at)
        conds: list[Any] = []
        if f.outlet is not None:
            conds.append(articles.c.outlet == f.outlet)
        if f.municipality is not None:
            conds.append(articles.c.municipality == f.municipality)
        if f.district is not None:
            conds.append(articles.c.district == f.district)
        if f.crime_type is not None:
            conds.append(assessments.c.crime_type == f.crime_type.value)
        if f.relevant is not None:
            conds.append(assessments.c.relevant == f.relevant)
        if f.constructive is not None:
            conds.append(assessments.c.constructive == f.constructive)
        if f.since is not None:
            conds.append(day >= f.since)
        if f.until is not None:
            conds.append(day < f.until)
        if cursor is not None:
            conds.append(articles.c.id < _decode_cursor(cursor))
        q = q.where(*conds).order_by(articles.c.id.desc()).limit(limit + 1)
        with self._engine.connect() as conn:
            rows = list(conn.execute(q).mappings())
        records = [_article(r) for r in rows[:limit]]
        next_cursor = _encode_cursor(records[-1].id) if len(rows) > limit and records else None
        return records, next_cursor

    def get_article(self, article_id: int, *, model_version: str | None = None) -> ArticleRecord | None:
        version = model_version or self.latest_model_version()
        join_on = sa.and_(assessments.c.article_id == articles.c.id, assessments.c.model_version == version)
        q = (
            sa.select(articles, *[c.label(f"a_{c.name}") for c in assessments.c])
            .select_from(articles.outerjoin(assessments, join_on))
            .where(articles.c.id == article_id)
        )
        with self._engine.connect() as conn:
            row = conn.execute(q).mappings().first()
        return _article(row) if row is not None else None

    def iter_articles(self, *, model_version: str | None = None, batch: int = 500) -> Iterator[ArticleRecord]:
        """Every article (oldest first) with its assessment by the given/latest model version."""
        last = 0
        version = model_version or self.latest_model_version()
        join_on = sa.and_(assessments.c.article_id == articles.c.id, assessments.c.model_version == version)
        while True:
            q = (
                sa.select(articles, *[c.label(f"a_{c.name}") for c in assessments.c])
                .select_from(articles.outerjoin(assessments, join_on))
                .where(articles.c.id > last)
                .order_by(articles.c.id)
                .limit(batch)
            )
            with self._engine.connect() as conn:
                rows = list(conn.execute(q).mappings())
            if not rows:
                return
            for r in rows:
                yield _article(r)
            last = int(rows[-1]["id"])

    def trend_facts(self, *, since: datetime | None, until: datetime | None, model_version: str) -> list[TrendFact]:
        day = sa.func.coalesce(articles.c.published, articles.c.fetched_at)
        # One typed date column and plain tuples: this reads every article in the range, and per-row
        # overhead (a mapping per row, two datetime conversions) was most of GET /v1/trends's time.
        q = (
            sa.select(
                articles.c.id,
                sa.type_coerce(day, articles.c.published.type).label("day"),
                articles.c.outlet,
                articles.c.municipality,
                articles.c.district,
                assessments.c.crime_type,
                assessments.c.relevant,
                assessments.c.constructive,
                assessments.c.alarmist,
            )
            .select_from(articles.join(assessments, assessments.c.article_id == articles.c.id))
            .where(assessments.c.model_version == model_version)
        )
        if since is not None:
            q = q.where(day >= since)
        if until is not None:
            q = q.where(day < until)
        with self._engine.connect() as conn:
            rows = conn.execute(q).all()
        crime = {c.value: c for c in CrimeType}
        return [
            TrendFact(
                article_id=aid,
                day=when,
                outlet=outlet,
                municipality=municipality,
                district=district,
                crime_type=crime[crime_type],
                relevant=bool(relevant),
                constructive=bool(constructive),
                alarmist=bool(alarmist),
                model_version=model_version,
            )
            for aid, when, outlet, municipality, district, crime_type, relevant, constructive, alarmist in rows
        ]


def _stored(r: Any, prefix: str = "") -> StoredAssessment:
    return StoredAssessment(
        article_id=r[prefix + "article_id"],
        model_version=r[prefix + "model_version"],
        assessed_at=r[prefix + "assessed_at"],
        relevant=bool(r[prefix + "relevant"]),
        crime_type=CrimeType(r[prefix + "crime_type"]),
        constructive=bool(r[prefix + "constructive"]),
        alarmist=bool(r[prefix + "alarmist"]),
        witness_appeal=bool(r[prefix + "witness_appeal"]),
        score=float(r[prefix + "score"]),
        payload=json.loads(r[prefix + "payload"]),
    )


def _article(r: Any) -> ArticleRecord:
    a = _stored(r, "a_") if r.get("a_model_version") is not None else None
    return ArticleRecord(
        id=r["id"],
        outlet=r["outlet"],
        url=r["url"],
        title=r["title"],
        text=r["text"],
        published=r["published"],
        fetched_at=r["fetched_at"],
        source=ArticleSource(r["source"]),
        feed_id=r["feed_id"],
        guid=r["guid"],
        external_id=r["external_id"],
        extraction_method=r["extraction_method"],
        from_feed_summary=bool(r["from_feed_summary"]),
        paywalled=bool(r["paywalled"]),
        story_id=r["story_id"],
        wire=bool(r["wire"]),
        municipality=r["municipality"],
        district=r["district"],
        assessment=a,
    )
