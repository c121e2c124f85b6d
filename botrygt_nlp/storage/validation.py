"""Validation samples and their labels: which stored articles were drawn for people to label, with the
design they were drawn under, and what the people said.

Labels live apart from ``feedback`` on purpose: feedback is what users chose to correct (not a random
sample), so it must never feed an error-rate estimate. A label is accepted only for an article that some
validation sample drew; the latest label of an article counts (an annotator may correct themselves).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from botrygt_nlp.domain import CrimeType
from botrygt_nlp.storage.clean import fit_values
from botrygt_nlp.storage.tables import (
    articles,
    assessments,
    validation_items,
    validation_labels,
    validation_samples,
)


class Stratify(StrEnum):
    OUTLET = "outlet"
    NONE = "none"


class LabelSource(StrEnum):
    IMPORT = "import"  # `botrygt validate import`
    WEB = "web"  # the Kontrol page


@dataclass(frozen=True, slots=True)
class SampleCandidate:
    article_id: int
    outlet: str


@dataclass(frozen=True, slots=True)
class SampledItem:
    article_id: int
    position: int
    stratum: str
    inclusion_probability: float


@dataclass(frozen=True, slots=True)
class NewValidationSample:
    seed: int
    requested_size: int
    stratify: Stratify
    since: datetime | None
    until: datetime | None
    model_version: str | None
    population: int
    design: dict[str, Any]
    items: tuple[SampledItem, ...]


@dataclass(frozen=True, slots=True)
class ValidationSampleInfo:
    id: int
    created_at: datetime
    seed: int
    requested_size: int
    stratify: Stratify
    since: datetime | None
    until: datetime | None
    model_version: str | None
    population: int
    design: dict[str, Any]
    drawn: int
    labelled: int


@dataclass(frozen=True, slots=True)
class ValidationLabel:
    article_id: int
    relevant: bool
    constructive: bool  # always False when not relevant (constructive is judged among relevant texts)
    crime_type: CrimeType | None = None
    annotator: str | None = None


@dataclass(frozen=True, slots=True)
class StoredLabel:
    article_id: int
    relevant: bool
    constructive: bool
    crime_type: CrimeType | None
    annotator: str | None
    source: LabelSource
    at: datetime


@dataclass(frozen=True, slots=True)
class LabelledVerdictRecord:
    """The latest label of one sampled article beside one model version's verdict on it (``None``
    where that version never assessed the article: `botrygt rescore` first)."""

    label: StoredLabel
    outlet: str
    said_relevant: bool | None
    said_constructive: bool | None
    said_crime_type: CrimeType | None


class UnknownSampleArticle(ValueError):
    """A label for an article no validation sample drew (labels must come from a random sample)."""


class ValidationMixin:
    _engine: Engine

    def _tx(self) -> AbstractContextManager[Connection]:  # provided by Store
        raise NotImplementedError

    # ------------------------------------------------------------------ samples
    def sample_candidates(self, *, since: datetime | None, until: datetime | None) -> list[SampleCandidate]:
        """Every stored article in the range (publication time, fetch time when unknown), relevant or
        not, in id order (so a seeded draw is reproducible)."""
        day = sa.func.coalesce(articles.c.published, articles.c.fetched_at)
        q = sa.select(articles.c.id, articles.c.outlet).order_by(articles.c.id)
        if since is not None:
            q = q.where(day >= since)
        if until is not None:
            q = q.where(day < until)
        with self._engine.connect() as conn:
            return [SampleCandidate(int(r.id), str(r.outlet)) for r in conn.execute(q)]

    def save_validation_sample(self, sample: NewValidationSample, *, now: datetime | None = None) -> int:
        with self._tx() as conn:
            sample_id = int(
                conn.execute(
                    validation_samples.insert()
                    .values(
                        created_at=now or datetime.now(UTC),
                        seed=sample.seed,
                        requested_size=sample.requested_size,
                        stratify=sample.stratify.value,
                        since=sample.since,
                        until=sample.until,
                        model_version=sample.model_version,
                        population=sample.population,
                        design=json.dumps(sample.design, ensure_ascii=False, sort_keys=True),
                    )
                    .returning(validation_samples.c.id)
                ).scalar_one()
            )
            if sample.items:
                conn.execute(
                    validation_items.insert(),
                    [
                        fit_values(
                            validation_items,
                            {
                                "sample_id": sample_id,
                                "article_id": it.article_id,
                                "position": it.position,
                                "stratum": it.stratum,
                                "inclusion_probability": it.inclusion_probability,
                            },
                        )
                        for it in sample.items
                    ],
                )
        return sample_id

    def validation_samples(self) -> list[ValidationSampleInfo]:
        """Every sample, newest first, with how many of its articles are labelled."""
        drawn = (
            sa.select(validation_items.c.sample_id, sa.func.count().label("n"))
            .group_by(validation_items.c.sample_id)
            .subquery()
        )
        labelled_ids = sa.select(validation_labels.c.article_id).distinct().subquery()
        labelled = (
            sa.select(validation_items.c.sample_id, sa.func.count().label("n"))
            .join(labelled_ids, labelled_ids.c.article_id == validation_items.c.article_id)
            .group_by(validation_items.c.sample_id)
            .subquery()
        )
        q = (
            sa.select(
                validation_samples,
                sa.func.coalesce(drawn.c.n, 0).label("drawn"),
                sa.func.coalesce(labelled.c.n, 0).label("labelled"),
            )
            .outerjoin(drawn, drawn.c.sample_id == validation_samples.c.id)
            .outerjoin(labelled, labelled.c.sample_id == validation_samples.c.id)
            .order_by(validation_samples.c.id.desc())
        )
        with self._engine.connect() as conn:
            return [_sample_info(r) for r in conn.execute(q).mappings()]

    def sample_items(self, sample_id: int) -> list[tuple[SampledItem, bool]]:
        """The sample's articles in drawing order, each with whether it has a label yet."""
        labelled = sa.exists().where(validation_labels.c.article_id == validation_items.c.article_id)
        q = (
            sa.select(validation_items, labelled.label("labelled"))
            .where(validation_items.c.sample_id == sample_id)
            .order_by(validation_items.c.position)
        )
        with self._engine.connect() as conn:
            return [
                (
                    SampledItem(int(r.article_id), int(r.position), str(r.stratum), float(r.inclusion_probability)),
                    bool(r.labelled),
                )
                for r in conn.execute(q)
            ]

    def sampled_article_ids(self, article_ids: Iterable[int]) -> set[int]:
        """Those of ``article_ids`` that some validation sample drew."""
        wanted = sorted(set(article_ids))
        found: set[int] = set()
        with self._engine.connect() as conn:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                q = sa.select(validation_items.c.article_id).where(validation_items.c.article_id.in_(chunk))
                found.update(int(x) for x in conn.execute(q).scalars())
        return found

    # ------------------------------------------------------------------ labels
    def add_validation_labels(
        self, labels: Sequence[ValidationLabel], *, source: LabelSource, now: datetime | None = None
    ) -> int:
        """Store labels (all or none); :class:`UnknownSampleArticle` names an article outside every sample."""
        missing = self._unsampled(labels)
        if missing:
            raise UnknownSampleArticle(
                f"article {min(missing)} is in no validation sample"
                + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
            )
        return self._insert_labels(labels, source, now)

    def add_sampled_validation_labels(
        self, labels: Sequence[ValidationLabel], *, source: LabelSource, now: datetime | None = None
    ) -> tuple[int, set[int]]:
        """Store the labels of sampled articles, skip the others: how many were stored, and the articles that
        no validation sample drew (whose labels were not stored). One look-up of the samples."""
        missing = self._unsampled(labels)
        return self._insert_labels([lab for lab in labels if lab.article_id not in missing], source, now), missing

    def _unsampled(self, labels: Sequence[ValidationLabel]) -> set[int]:
        """The articles of ``labels`` that no validation sample drew."""
        if not labels:
            return set()
        return {lab.article_id for lab in labels} - self.sampled_article_ids(lab.article_id for lab in labels)

    def _insert_labels(self, labels: Sequence[ValidationLabel], source: LabelSource, now: datetime | None) -> int:
        if not labels:
            return 0
        at = now or datetime.now(UTC)
        rows = [
            fit_values(
                validation_labels,
                {
                    "article_id": lab.article_id,
                    "relevant": lab.relevant,
                    "constructive": lab.relevant and lab.constructive,
                    "crime_type": lab.crime_type.value if lab.crime_type else None,
                    "annotator": lab.annotator,
                    "source": source.value,
                    "at": at,
                },
            )
            for lab in labels
        ]
        with self._tx() as conn:
            conn.execute(validation_labels.insert(), rows)
        return len(rows)

    def latest_labels(self) -> list[StoredLabel]:
        """The latest label of every labelled article, in article order."""
        with self._engine.connect() as conn:
            q = _latest_labels_query().order_by(validation_labels.c.article_id)
            return [_label(r) for r in conn.execute(q).mappings()]

    def labelled_verdicts(self, model_version: str) -> list[LabelledVerdictRecord]:
        """Latest labels joined with ``model_version``'s assessment of the same article."""
        latest = _latest_labels_query().subquery()
        q = (
            sa.select(
                latest,
                articles.c.outlet,
                assessments.c.relevant.label("said_relevant"),
                assessments.c.constructive.label("said_constructive"),
                assessments.c.crime_type.label("said_crime_type"),
            )
            .join(articles, articles.c.id == latest.c.article_id)
            .outerjoin(
                assessments,
                sa.and_(
                    assessments.c.article_id == latest.c.article_id,
                    assessments.c.model_version == model_version,
                ),
            )
            .order_by(latest.c.article_id)
        )
        with self._engine.connect() as conn:
            out = []
            for r in conn.execute(q).mappings():
                has = r["said_relevant"] is not None
                out.append(
                    LabelledVerdictRecord(
                        label=_label(r),
                        outlet=str(r["outlet"]),
                        said_relevant=bool(r["said_relevant"]) if has else None,
                        said_constructive=bool(r["said_constructive"]) if has else None,
                        said_crime_type=CrimeType(r["said_crime_type"]) if has else None,
                    )
                )
            return out


def _latest_labels_query() -> sa.Select[Any]:
    newest = sa.select(sa.func.max(validation_labels.c.id)).group_by(validation_labels.c.article_id).scalar_subquery()
    return sa.select(validation_labels).where(validation_labels.c.id.in_(newest))


def _label(r: Any) -> StoredLabel:
    return StoredLabel(
        article_id=int(r["article_id"]),
        relevant=bool(r["relevant"]),
        constructive=bool(r["constructive"]),
        crime_type=CrimeType(r["crime_type"]) if r["crime_type"] else None,
        annotator=r["annotator"],
        source=LabelSource(r["source"]),
        at=r["at"],
    )


def _sample_info(r: Any) -> ValidationSampleInfo:
    return ValidationSampleInfo(
        id=int(r["id"]),
        created_at=r["created_at"],
        seed=int(r["seed"]),
        requested_size=int(r["requested_size"]),
        stratify=Stratify(r["stratify"]),
        since=r["since"],
        until=r["until"],
        model_version=r["model_version"],
        population=int(r["population"]),
        design=json.loads(r["design"]),
        drawn=int(r["drawn"]),
        labelled=int(r["labelled"]),
    )
