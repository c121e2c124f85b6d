"""The Store seen per aggregate: one Protocol per group of tables, each listing exactly that group's methods.

The concrete :class:`~botrygt_nlp.storage.store.Store` satisfies all of them (a mypy check in ``store.py``
and a test say so); code outside ``storage/`` types against the narrowest one it uses, so a reader sees
what a use case may touch and a fake for a test needs only those methods.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from botrygt_nlp.domain import Assessment
from botrygt_nlp.news.dedup import KnownKeys
from botrygt_nlp.storage.types import (
    ApiKeyInfo,
    ArticleFilter,
    ArticleRecord,
    FeedbackRecord,
    FeedEvent,
    FeedEventKind,
    FeedRecord,
    FeedStateUpdate,
    FeedStatus,
    InsertOutcome,
    NewArticle,
    NewFeed,
    NewSubmission,
    StoredAssessment,
    SubmissionRecord,
    TrendFact,
)
from botrygt_nlp.storage.validation import (
    LabelledVerdictRecord,
    LabelSource,
    NewValidationSample,
    SampleCandidate,
    SampledItem,
    StoredLabel,
    ValidationLabel,
    ValidationSampleInfo,
)

__all__ = ["AccessStore", "ArticleStore", "FeedStore", "FeedbackStore", "TrendSource", "ValidationStore"]


@runtime_checkable
class FeedStore(Protocol):
    """Feeds, their leases, polls and events: what the poller and the Kilder page use."""

    def add_feed(self, feed: NewFeed, *, now: datetime | None = None) -> FeedRecord: ...
    def get_feed(self, feed: int | str) -> FeedRecord: ...
    def list_feeds(self, *, status: FeedStatus | None = None) -> list[FeedRecord]: ...
    def remove_feed(self, feed: int | str) -> bool: ...
    def resume_feed(self, feed_id: int, *, now: datetime | None = None) -> FeedRecord: ...
    def feed_events(self, feed_id: int, *, limit: int = 50) -> list[FeedEvent]: ...
    def claim_due_feed(
        self, owner: str, *, now: datetime | None = None, lease_s: float = 600.0, exclude: Sequence[int] = ()
    ) -> FeedRecord | None: ...
    def release_lease(self, feed_id: int, owner: str) -> None: ...
    def renew_lease(self, feed_id: int, owner: str, until: datetime) -> bool: ...
    def save_articles(
        self,
        feed_id: int,
        owner: str,
        items: Sequence[tuple[NewArticle, Assessment]],
        *,
        lease_until: datetime,
        title_window_days: int = 3,
    ) -> tuple[InsertOutcome, bool]: ...
    def release_dead_local_leases(self) -> int: ...
    def known_keys(
        self,
        feed_id: int,
        outlet: str,
        *,
        guids: Sequence[str],
        url_norms: Sequence[str],
        title_norms: Sequence[str],
        title_since: datetime,
    ) -> KnownKeys: ...
    def save_poll(
        self,
        feed_id: int,
        owner: str | None,
        update: FeedStateUpdate,
        items: Sequence[tuple[NewArticle, Assessment]] = (),
        *,
        title_window_days: int = 3,
    ) -> InsertOutcome: ...
    def log_feed_event(
        self, feed_id: int, kind: FeedEventKind, message: str | None, *, now: datetime | None = None
    ) -> None: ...


@runtime_checkable
class TrendSource(Protocol):
    """The part of :class:`ArticleStore` that trend figures read."""

    def latest_model_version(self) -> str | None: ...
    def trend_facts(self, *, since: datetime | None, until: datetime | None, model_version: str) -> list[TrendFact]: ...


@runtime_checkable
class ArticleStore(TrendSource, Protocol):
    """Articles, their assessments (one per model version), trend facts and model versions."""

    def insert_articles(
        self,
        items: Sequence[tuple[NewArticle, Assessment]],
        *,
        title_window_days: int = 3,
        dedup_titles: bool = True,
    ) -> InsertOutcome: ...
    def add_assessments(self, items: Sequence[tuple[int, Assessment]], *, now: datetime | None = None) -> int: ...
    def model_versions(self) -> list[tuple[str, int]]: ...
    def count_articles(self) -> int: ...
    def articles_missing_version(
        self, model_version: str, *, after_id: int = 0, limit: int = 200
    ) -> list[tuple[int, str, str]]: ...
    def assessments_for(self, article_id: int) -> list[StoredAssessment]: ...
    def list_articles(
        self, filters: ArticleFilter | None = None, *, limit: int = 50, cursor: str | None = None
    ) -> tuple[list[ArticleRecord], str | None]: ...
    def get_article(self, article_id: int, *, model_version: str | None = None) -> ArticleRecord | None: ...
    def iter_articles(self, *, model_version: str | None = None, batch: int = 500) -> Iterator[ArticleRecord]: ...


@runtime_checkable
class AccessStore(Protocol):
    """API keys and the web sessions signed in with them."""

    def create_api_key(self, name: str, *, now: datetime | None = None) -> tuple[str, str]: ...
    def verify_api_key(self, secret: str, *, touch: bool = True) -> ApiKeyInfo | None: ...
    def list_api_keys(self) -> list[ApiKeyInfo]: ...
    def revoke_api_key(self, key_id: str, *, now: datetime | None = None) -> bool: ...
    def create_web_session(self, key_id: str, *, lifetime_s: int, now: datetime | None = None) -> str: ...
    def web_session_key(self, token: str, *, now: datetime | None = None) -> ApiKeyInfo | None: ...
    def end_web_session(self, token: str) -> bool: ...


@runtime_checkable
class FeedbackStore(Protocol):
    """What users told us: feedback on verdicts and the texts submitted for assessment."""

    def add_feedback(
        self,
        text_or_article_id: str | int,
        label: str,
        value: object,
        who: str | None = None,
        when: datetime | None = None,
    ) -> int: ...
    def list_feedback(self, *, limit: int = 100, article_id: int | None = None) -> list[FeedbackRecord]: ...
    def save_submission(
        self,
        *,
        text: str,
        title: str | None,
        external_id: str | None,
        assessment: Assessment,
        who: str | None,
        when: datetime | None = None,
    ) -> int: ...
    def save_submissions(
        self, items: Sequence[NewSubmission], *, who: str | None, when: datetime | None = None
    ) -> list[int]: ...
    def list_submissions(self, *, limit: int = 100) -> list[SubmissionRecord]: ...


@runtime_checkable
class ValidationStore(Protocol):
    """Validation samples drawn from the stored articles and the labels people gave them."""

    def sample_candidates(self, *, since: datetime | None, until: datetime | None) -> list[SampleCandidate]: ...
    def save_validation_sample(self, sample: NewValidationSample, *, now: datetime | None = None) -> int: ...
    def validation_samples(self) -> list[ValidationSampleInfo]: ...
    def sample_items(self, sample_id: int) -> list[tuple[SampledItem, bool]]: ...
    def sampled_article_ids(self, article_ids: Iterable[int]) -> set[int]: ...
    def add_validation_labels(
        self, labels: Sequence[ValidationLabel], *, source: LabelSource, now: datetime | None = None
    ) -> int: ...
    def add_sampled_validation_labels(
        self, labels: Sequence[ValidationLabel], *, source: LabelSource, now: datetime | None = None
    ) -> tuple[int, set[int]]: ...
    def latest_labels(self) -> list[StoredLabel]: ...
    def labelled_verdicts(self, model_version: str) -> list[LabelledVerdictRecord]: ...
