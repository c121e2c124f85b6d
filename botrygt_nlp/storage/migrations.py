"""A small versioned migration runner, applied at startup (``Store.open``).

Each step is a frozen snapshot of the DDL it ran (its own MetaData), never a reference to tables.py: the
current schema moves on, old steps must keep producing what they produced. Steps run in one transaction
each, recorded in ``schema_migrations``; concurrent starters serialise on a PostgreSQL advisory lock (SQLite
serialises writers anyway with BEGIN IMMEDIATE, see engine.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from botrygt_nlp.storage.tables import UTCDateTime, schema_migrations

_ADVISORY_LOCK_ID = 0x6B07_7297  # arbitrary, constant: "botrygt migrations"


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Connection], None]


def _v1_monitor_core(conn: Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "feeds",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("url", sa.String(2048), nullable=False, unique=True),
        sa.Column("outlet", sa.String(200), nullable=False),
        sa.Column("municipalities", sa.Text, nullable=False),
        sa.Column("district", sa.String(100)),
        sa.Column("title", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("pause_reason", sa.Text),
        sa.Column("etag", sa.String(1024)),
        sa.Column("last_modified", sa.String(200)),
        sa.Column("body_sha256", sa.String(64)),
        sa.Column("failure_count", sa.Integer, nullable=False),
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
    sa.Table(
        "feed_events",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("message", sa.Text),
        sa.Column("new_articles", sa.Integer, nullable=False),
        sa.Index("ix_feed_events_feed_at", "feed_id", "at"),
    )
    sa.Table(
        "articles",
        md,
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
        sa.Column("from_feed_summary", sa.Boolean, nullable=False),
        sa.Column("paywalled", sa.Boolean, nullable=False),
        sa.Column("story_id", sa.String(64), nullable=False),
        sa.Column("wire", sa.Boolean, nullable=False),
        sa.Column("municipality", sa.String(100)),
        sa.Column("district", sa.String(100)),
        sa.UniqueConstraint("outlet", "url_norm", name="uq_articles_outlet_url"),
        sa.UniqueConstraint("feed_id", "guid", name="uq_articles_feed_guid"),
        sa.Index("ix_articles_outlet_title", "outlet", "title_norm"),
        sa.Index("ix_articles_title_norm", "title_norm"),
        sa.Index("ix_articles_published", "published"),
        sa.Index("ix_articles_story", "story_id"),
    )
    sa.Table(
        "assessments",
        md,
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("model_version", sa.String(100), primary_key=True),
        sa.Column("assessed_at", UTCDateTime(), nullable=False),
        sa.Column("relevant", sa.Boolean, nullable=False),
        sa.Column("crime_type", sa.String(32), nullable=False),
        sa.Column("constructive", sa.Boolean, nullable=False),
        sa.Column("alarmist", sa.Boolean, nullable=False),
        sa.Column("witness_appeal", sa.Boolean, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Index("ix_assessments_model", "model_version", "assessed_at"),
    )
    md.create_all(conn)


def _v2_feedback_and_api_keys(conn: Connection) -> None:
    md = sa.MetaData()
    sa.Table("articles", md, sa.Column("id", sa.Integer, primary_key=True))  # FK target only, not created
    sa.Table(
        "feedback",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="SET NULL")),
        sa.Column("text", sa.Text),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("who", sa.String(200)),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    sa.Table(
        "api_keys",
        md,
        sa.Column("key_id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("secret_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime()),
        sa.Column("last_used_at", UTCDateTime()),
    )
    md.create_all(conn, tables=[md.tables["feedback"], md.tables["api_keys"]])


def _v3_submissions(conn: Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "submissions",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("external_id", sa.String(500)),
        sa.Column("title", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("who", sa.String(200)),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("model_version", sa.String(100), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
    )
    md.create_all(conn)


def _v4_web_sessions(conn: Connection) -> None:
    md = sa.MetaData()
    sa.Table("api_keys", md, sa.Column("key_id", sa.String(32), primary_key=True))  # FK target only
    sa.Table(
        "web_sessions",
        md,
        sa.Column("id_sha256", sa.String(64), primary_key=True),
        sa.Column("key_id", sa.String(32), sa.ForeignKey("api_keys.key_id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Index("ix_web_sessions_key", "key_id"),
        sa.Index("ix_web_sessions_expires", "expires_at"),
    )
    md.create_all(conn, tables=[md.tables["web_sessions"]])


def _v5_validation(conn: Connection) -> None:
    md = sa.MetaData()
    sa.Table("articles", md, sa.Column("id", sa.Integer, primary_key=True))  # FK target only
    sa.Table(
        "validation_samples",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("seed", sa.BigInteger, nullable=False),
        sa.Column("requested_size", sa.Integer, nullable=False),
        sa.Column("stratify", sa.String(16), nullable=False),
        sa.Column("since", UTCDateTime()),
        sa.Column("until", UTCDateTime()),
        sa.Column("model_version", sa.String(100)),
        sa.Column("population", sa.Integer, nullable=False),
        sa.Column("design", sa.Text, nullable=False),
    )
    sa.Table(
        "validation_items",
        md,
        sa.Column(
            "sample_id", sa.Integer, sa.ForeignKey("validation_samples.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("stratum", sa.String(200), nullable=False),
        sa.Column("inclusion_probability", sa.Float, nullable=False),
        sa.Index("ix_validation_items_article", "article_id"),
    )
    sa.Table(
        "validation_labels",
        md,
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
    md.create_all(
        conn,
        tables=[md.tables[n] for n in ("validation_samples", "validation_items", "validation_labels")],
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "monitor core: feeds, feed_events, articles, assessments", _v1_monitor_core),
    Migration(2, "feedback and api_keys", _v2_feedback_and_api_keys),
    Migration(3, "submissions (texts API callers asked us to keep)", _v3_submissions),
    Migration(4, "web_sessions (revocable web sign-ins, ids stored hashed)", _v4_web_sessions),
    Migration(5, "validation samples, their items and labels", _v5_validation),
)

LATEST_VERSION = MIGRATIONS[-1].version


def current_version(engine: Engine) -> int:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("schema_migrations"):
            return 0
        found = conn.execute(sa.select(sa.func.max(schema_migrations.c.version))).scalar()
        return int(found or 0)


def migrate(engine: Engine, target: int | None = None, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[int]:
    """Apply pending steps up to ``target`` (default: all); returns the versions applied now."""
    target = migrations[-1].version if target is None else target
    applied: list[int] = []
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_LOCK_ID})
        schema_migrations.create(conn, checkfirst=True)
    for step in migrations:
        if step.version > target:
            break
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_LOCK_ID})
            done = conn.execute(
                sa.select(schema_migrations.c.version).where(schema_migrations.c.version == step.version)
            ).first()
            if done is not None:
                continue
            step.apply(conn)
            conn.execute(
                schema_migrations.insert().values(version=step.version, name=step.name, applied_at=datetime.now(UTC))
            )
            applied.append(step.version)
    return applied
