"""The current schema, as SQLAlchemy Core tables (queries use these; migrations.py creates them).

Every change here needs a new step in migrations.py; tests/storage checks that the migrated database and
this metadata agree column for column.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in Python on every backend.

    SQLite has no timezone type, so values are stored as naive UTC text (which also sorts correctly);
    PostgreSQL gets ``timestamptz``.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # pragma: no cover - defensive: raw text from a hand-edited SQLite file
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = sa.MetaData()

feeds = sa.Table(
    "feeds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("url", sa.String(2048), nullable=False, unique=True),
    sa.Column("outlet", sa.String(200), nullable=False),
    sa.Column("municipalities", sa.Text, nullable=False, default="[]"),  # JSON list of canonical names
    sa.Column("district", sa.String(100)),
    sa.Column("title", sa.Text),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("pause_reason", sa.Text),
    sa.Column("etag", sa.String(1024)),
    sa.Column("last_modified", sa.String(200)),
    sa.Column("body_sha256", sa.String(64)),
    sa.Column("failure_count", sa.Integer, nullable=False, default=0),
    sa.Column("last_error", sa.Text),
    sa.Column("last_http_status", sa.Integer),
    sa.Column("last_polled_at", UTCDateTime()),
    sa.Column("last_success_at", UTCDateTime()),
    sa.Column("next_poll_at", UTCDateTime(), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("lease_owner", sa.String(200)),
    sa.Column("lease_until", UTCDateTime()),
    sa.Index("ix_feeds_due", "status", "next_poll_at"),
)

feed_events = sa.Table(
    "feed_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("message", sa.Text),
    sa.Column("new_articles", sa.Integer, nullable=False, default=0),
    sa.Index("ix_feed_events_feed_at", "feed_id", "at"),
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="SET NULL")),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("external_id", sa.String(500)),
    sa.Column("outlet", sa.String(200), nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("url_norm", sa.String(2048), nullable=False),
    sa.Column("guid", sa.String(1024)),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("title_norm", sa.String(1024), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("published", UTCDateTime()),
    sa.Column("fetched_at", UTCDateTime(), nullable=False),
    sa.Column("extraction_method", sa.String(32)),
    sa.Column("from_feed_summary", sa.Boolean, nullable=False, default=False),
    sa.Column("paywalled", sa.Boolean, nullable=False, default=False),
    sa.Column("story_id", sa.String(64), nullable=False),
    sa.Column("wire", sa.Boolean, nullable=False, default=False),
    sa.Column("municipality", sa.String(100)),
    sa.Column("district", sa.String(100)),
    # The dedup guarantees live in the database, so concurrent workers cannot store an article twice.
    sa.UniqueConstraint("outlet", "url_norm", name="uq_articles_outlet_url"),
    sa.UniqueConstraint("feed_id", "guid", name="uq_articles_feed_guid"),
    sa.Index("ix_articles_outlet_title", "outlet", "title_norm"),
    sa.Index("ix_articles_title_norm", "title_norm"),
    sa.Index("ix_articles_published", "published"),
    sa.Index("ix_articles_story", "story_id"),
)

assessments = sa.Table(
    "assessments",
    metadata,
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("model_version", sa.String(100), primary_key=True),
    sa.Column("assessed_at", UTCDateTime(), nullable=False),
    sa.Column("relevant", sa.Boolean, nullable=False),
    sa.Column("crime_type", sa.String(32), nullable=False),
    sa.Column("constructive", sa.Boolean, nullable=False),
    sa.Column("alarmist", sa.Boolean, nullable=False),
    sa.Column("witness_appeal", sa.Boolean, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),  # Assessment.to_json() as JSON
    sa.Index("ix_assessments_model", "model_version", "assessed_at"),
)

feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="SET NULL")),
    sa.Column("text", sa.Text),
    sa.Column("label", sa.String(64), nullable=False),
    sa.Column("value", sa.Text, nullable=False),  # JSON
    sa.Column("who", sa.String(200)),
    sa.Column("at", UTCDateTime(), nullable=False),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("key_id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("secret_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("revoked_at", UTCDateTime()),
    sa.Column("last_used_at", UTCDateTime()),
)

# Web sign-ins: the browser holds a random session id, the store only its SHA-256. Logging out deletes the
# row, revoking the key deletes its rows, and ``expires_at`` is the server-side lifetime.
web_sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("id_sha256", sa.String(64), primary_key=True),
    sa.Column("key_id", sa.String(32), sa.ForeignKey("api_keys.key_id", ondelete="CASCADE"), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("expires_at", UTCDateTime(), nullable=False),
    sa.Index("ix_web_sessions_key", "key_id"),
    sa.Index("ix_web_sessions_expires", "expires_at"),
)

submissions = sa.Table(
    "submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("external_id", sa.String(500)),
    sa.Column("title", sa.Text),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("who", sa.String(200)),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Column("model_version", sa.String(100), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),  # Assessment.to_json() as JSON
)

schema_migrations = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("applied_at", UTCDateTime(), nullable=False),
)

# Validation samples (issue 9): a random sample of stored articles that people label, so the classifier's
# error rates on the user's own press can be measured and trends corrected for them. Kept apart from
# `feedback`, which is not a random sample.
validation_samples = sa.Table(
    "validation_samples",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("seed", sa.BigInteger, nullable=False),
    sa.Column("requested_size", sa.Integer, nullable=False),
    sa.Column("stratify", sa.String(16), nullable=False),
    sa.Column("since", UTCDateTime()),
    sa.Column("until", UTCDateTime()),
    sa.Column("model_version", sa.String(100)),
    sa.Column("population", sa.Integer, nullable=False),
    sa.Column("design", sa.Text, nullable=False),  # JSON: strata with population, drawn, inclusion probability
)

validation_items = sa.Table(
    "validation_items",
    metadata,
    sa.Column("sample_id", sa.Integer, sa.ForeignKey("validation_samples.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("stratum", sa.String(200), nullable=False),
    sa.Column("inclusion_probability", sa.Float, nullable=False),
    sa.Index("ix_validation_items_article", "article_id"),
)

validation_labels = sa.Table(
    "validation_labels",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    sa.Column("relevant", sa.Boolean, nullable=False),
    sa.Column("constructive", sa.Boolean, nullable=False),
    sa.Column("crime_type", sa.String(32)),
    sa.Column("annotator", sa.String(200)),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Index("ix_validation_labels_article", "article_id", "id"),
)
