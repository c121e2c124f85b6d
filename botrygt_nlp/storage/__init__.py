"""Storage: one Store over SQLAlchemy (SQLite WAL embedded by default, PostgreSQL by URL)."""

from botrygt_nlp.storage.store import FeedExistsError, Store, UnknownFeedError, worker_id
from botrygt_nlp.storage.types import (
    ApiKeyInfo,
    ArticleFilter,
    ArticleRecord,
    ArticleSource,
    FeedbackRecord,
    FeedEvent,
    FeedEventKind,
    FeedRecord,
    FeedStateUpdate,
    FeedStatus,
    InsertOutcome,
    NewArticle,
    NewFeed,
    StoredAssessment,
    SubmissionRecord,
    TrendFact,
)

__all__ = [
    "ApiKeyInfo",
    "ArticleFilter",
    "ArticleRecord",
    "ArticleSource",
    "FeedEvent",
    "FeedEventKind",
    "FeedExistsError",
    "FeedRecord",
    "FeedStateUpdate",
    "FeedStatus",
    "FeedbackRecord",
    "InsertOutcome",
    "NewArticle",
    "NewFeed",
    "Store",
    "StoredAssessment",
    "SubmissionRecord",
    "TrendFact",
    "UnknownFeedError",
    "worker_id",
]
