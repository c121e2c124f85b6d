"""The Store: every read and write of botrygt-nlp's database goes through here (no SQL anywhere else).

Feeds, leases and poll results live in this module; articles/assessments/trend facts in articles.py and
feedback/API keys in access.py (mixins over one engine, so each file keeps one job).
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from botrygt_nlp.config import Settings
from botrygt_nlp.domain import Assessment
from botrygt_nlp.errors import InputError, StorageError
from botrygt_nlp.news.dedup import KnownKeys, url_variants
from botrygt_nlp.reference import resolve_district, resolve_municipality
from botrygt_nlp.storage import migrations
from botrygt_nlp.storage.access import AccessMixin
from botrygt_nlp.storage.articles import ArticlesMixin
from botrygt_nlp.storage.clean import clean_text, column_length, fit_key_for, fit_values
from botrygt_nlp.storage.engine import create_engine
from botrygt_nlp.storage.failures import as_storage_error
from botrygt_nlp.storage.tables import feed_events, feeds
from botrygt_nlp.storage.types import (
    FeedEvent,
    FeedEventKind,
    FeedPause,
    FeedRecord,
    FeedStateUpdate,
    FeedStatus,
    InsertOutcome,
    NewArticle,
    NewFeed,
)
from botrygt_nlp.storage.validation import ValidationMixin

if TYPE_CHECKING:
    from botrygt_nlp.storage.ports import AccessStore, ArticleStore, FeedbackStore, FeedStore, ValidationStore

_URL_CHARS = column_length(feeds, "url") or 2048
_OUTLET_CHARS = column_length(feeds, "outlet") or 200


class FeedExistsError(InputError):
    code = "feed_exists"


class UnknownFeedError(InputError):
    code = "unknown_feed"


def _now() -> datetime:
    return datetime.now(UTC)


def worker_id() -> str:
    """Lease owner name: host and pid first, so a restarted worker can recognise its dead predecessor."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Store(ArticlesMixin, AccessMixin, ValidationMixin):
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    def open(cls, url: str, *, pg_schema: str | None = None, migrate: bool = True) -> Store:
        """Connect and bring the schema up to date (migrations are idempotent and safe to race)."""
        try:
            engine = create_engine(url, pg_schema=pg_schema)
            if migrate:
                migrations.migrate(engine)
        except sa.exc.SQLAlchemyError as exc:
            raise StorageError(f"cannot open database: {exc}") from exc
        return cls(engine)

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        return cls.open(settings.effective_database_url)

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        try:
            with self._engine.begin() as conn:
                yield conn
        except sa.exc.IntegrityError:
            raise
        except sa.exc.SQLAlchemyError as exc:
            raise as_storage_error(exc) from exc  # a full disk says so; no SQL or parameters in the message

    # ------------------------------------------------------------------ feeds
    def add_feed(self, feed: NewFeed, *, now: datetime | None = None) -> FeedRecord:
        """Validate places (reference table) and add; the new feed is due immediately."""
        now = now or _now()
        places = [resolve_municipality(m) for m in feed.municipalities]
        names = tuple(dict.fromkeys(p.name for p in places))
        district = resolve_district(feed.district) if feed.district else None
        if district is None:
            districts = {p.district for p in places}
            district = districts.pop() if len(districts) == 1 else None
        if not feed.url.lower().startswith(("http://", "https://")):
            raise InputError(f"feed URL must be http(s): {feed.url!r}")
        if not feed.outlet.strip():
            raise InputError("outlet must not be empty")
        # Refused rather than cut: a shortened URL is another URL, a shortened outlet another outlet.
        for name, value, limit in (("feed URL", feed.url, _URL_CHARS), ("outlet", feed.outlet, _OUTLET_CHARS)):
            if len(value.strip()) > limit or clean_text(value) != value:
                raise InputError(f"{name} is longer than {limit} characters or contains NUL/invalid characters")
        try:
            with self._tx() as conn:
                new_id = conn.execute(
                    feeds.insert()
                    .values(
                        url=feed.url.strip(),
                        outlet=feed.outlet.strip(),
                        municipalities=json.dumps(names),
                        district=district,
                        status=FeedStatus.ACTIVE.value,
                        failure_count=0,
                        next_poll_at=now,
                        created_at=now,
                    )
                    .returning(feeds.c.id)
                ).scalar_one()
                conn.execute(
                    feed_events.insert().values(
                        feed_id=new_id, at=now, kind=FeedEventKind.ADDED.value, message=None, new_articles=0
                    )
                )
        except sa.exc.IntegrityError as exc:
            raise FeedExistsError(f"feed already added: {feed.url}") from exc
        return self.get_feed(new_id)

    def get_feed(self, feed: int | str) -> FeedRecord:
        cond = feeds.c.id == feed if isinstance(feed, int) else feeds.c.url == feed
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(feeds).where(cond)).mappings().first()
        if row is None:
            raise UnknownFeedError(f"no such feed: {feed}")
        return _feed_record(row)

    def list_feeds(self, *, status: FeedStatus | None = None) -> list[FeedRecord]:
        q = sa.select(feeds).order_by(feeds.c.id)
        if status is not None:
            q = q.where(feeds.c.status == status.value)
        with self._engine.connect() as conn:
            return [_feed_record(r) for r in conn.execute(q).mappings()]

    def remove_feed(self, feed: int | str) -> bool:
        """Delete the feed and its event log; its articles stay (for trends) with feed_id cleared."""
        cond = feeds.c.id == feed if isinstance(feed, int) else feeds.c.url == feed
        with self._tx() as conn:
            return conn.execute(sa.delete(feeds).where(cond)).rowcount > 0

    def resume_feed(self, feed_id: int, *, now: datetime | None = None) -> FeedRecord:
        now = now or _now()
        with self._tx() as conn:
            n = conn.execute(
                sa.update(feeds)
                .where(feeds.c.id == feed_id)
                .values(status=FeedStatus.ACTIVE.value, pause_reason=None, failure_count=0, next_poll_at=now)
            ).rowcount
            if n == 0:
                raise UnknownFeedError(f"no such feed: {feed_id}")
            conn.execute(
                feed_events.insert().values(
                    feed_id=feed_id, at=now, kind=FeedEventKind.RESUMED.value, message=None, new_articles=0
                )
            )
        return self.get_feed(feed_id)

    def feed_events(self, feed_id: int, *, limit: int = 50) -> list[FeedEvent]:
        q = (
            sa.select(feed_events)
            .where(feed_events.c.feed_id == feed_id)
            .order_by(feed_events.c.id.desc())
            .limit(limit)
        )
        with self._engine.connect() as conn:
            return [
                FeedEvent(r["feed_id"], r["at"], FeedEventKind(r["kind"]), r["message"], r["new_articles"])
                for r in conn.execute(q).mappings()
            ]

    # ------------------------------------------------------------------ leases
    def claim_due_feed(
        self, owner: str, *, now: datetime | None = None, lease_s: float = 600.0, exclude: Sequence[int] = ()
    ) -> FeedRecord | None:
        """Atomically lease the most overdue active feed, or None when nothing is due.

        On PostgreSQL the candidate row is picked with FOR UPDATE SKIP LOCKED, so concurrent workers
        never block on, nor both take, the same feed; the UPDATE re-checks the lease. SQLite serialises
        writers (BEGIN IMMEDIATE), so the plain UPDATE is already atomic there.
        """
        now = now or _now()
        free = sa.or_(feeds.c.lease_until.is_(None), feeds.c.lease_until < now)
        due = sa.and_(feeds.c.status == FeedStatus.ACTIVE.value, feeds.c.next_poll_at <= now, free)
        if exclude:
            due = sa.and_(due, feeds.c.id.not_in(list(exclude)))
        pick = (
            sa.select(feeds.c.id)
            .where(due)
            .order_by(feeds.c.next_poll_at, feeds.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        stmt = (
            sa.update(feeds)
            .where(feeds.c.id == pick.scalar_subquery())
            .where(free)
            .values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_s))
            .returning(*feeds.c)
        )
        with self._tx() as conn:
            row = conn.execute(stmt).mappings().first()
        return _feed_record(row) if row is not None else None

    def release_lease(self, feed_id: int, owner: str) -> None:
        with self._tx() as conn:
            conn.execute(
                sa.update(feeds)
                .where(feeds.c.id == feed_id, feeds.c.lease_owner == owner)
                .values(lease_owner=None, lease_until=None)
            )

    def renew_lease(self, feed_id: int, owner: str, until: datetime) -> bool:
        """Extend our lease on a feed being polled; False when it is no longer ours (it expired and
        another worker took the feed over)."""
        with self._tx() as conn:
            return self._renew(conn, feed_id, owner, until)

    @staticmethod
    def _renew(conn: Connection, feed_id: int, owner: str, until: datetime) -> bool:
        stmt = sa.update(feeds).where(feeds.c.id == feed_id, feeds.c.lease_owner == owner).values(lease_until=until)
        return conn.execute(stmt).rowcount > 0

    def save_articles(
        self,
        feed_id: int,
        owner: str,
        items: Sequence[tuple[NewArticle, Assessment]],
        *,
        lease_until: datetime,
        title_window_days: int = 3,
    ) -> tuple[InsertOutcome, bool]:
        """Commit part of a long poll: these articles and a longer lease, in one transaction.

        The feed's validators are NOT touched: if the worker dies later, the next poll reads the feed
        again, finds these articles known, and carries on with the rest. Returns (outcome, lease still
        ours).
        """
        with self._tx() as conn:
            outcome = self._insert_articles(conn, items, title_window_days=title_window_days)
            ours = self._renew(conn, feed_id, owner, lease_until)
        return outcome, ours

    def release_dead_local_leases(self) -> int:
        """Free leases held by processes on this host that no longer exist (e.g. after kill -9)."""
        host = socket.gethostname()
        freed = 0
        with self._tx() as conn:
            rows = conn.execute(
                sa.select(feeds.c.id, feeds.c.lease_owner).where(feeds.c.lease_owner.is_not(None))
            ).all()
            for fid, owner in rows:
                parts = str(owner).split(":")
                if len(parts) >= 2 and parts[0] == host and parts[1].isdigit() and not _pid_alive(int(parts[1])):
                    freed += conn.execute(
                        sa.update(feeds)
                        .where(feeds.c.id == fid, feeds.c.lease_owner == owner)
                        .values(lease_owner=None, lease_until=None)
                    ).rowcount
        return freed

    # ------------------------------------------------------------------ polling
    def known_keys(
        self,
        feed_id: int,
        outlet: str,
        *,
        guids: Sequence[str],
        url_norms: Sequence[str],
        title_norms: Sequence[str],
        title_since: datetime,
    ) -> KnownKeys:
        """Which of these keys the store already has (GUIDs per feed; URLs and recent titles per outlet)."""
        a = self._articles_table()
        # Looked up as stored (storage.clean fits long keys), answered in the caller's own terms.
        as_stored = {
            name: {fit_key_for(a, name, v): v for v in values if v}
            for name, values in (("guid", guids), ("url_norm", url_norms), ("title_norm", title_norms))
        }
        for url_norm in url_norms:  # the same page under http/https or with/without www.
            for variant in url_variants(url_norm):
                as_stored["url_norm"].setdefault(fit_key_for(a, "url_norm", variant), url_norm)
        stored_outlet = fit_values(a, {"outlet": outlet})["outlet"]
        found: dict[str, set[str]] = {"guid": set(), "url_norm": set(), "title_norm": set()}
        scope = {
            "guid": a.c.feed_id == feed_id,
            "url_norm": a.c.outlet == stored_outlet,
            "title_norm": sa.and_(
                a.c.outlet == stored_outlet, sa.func.coalesce(a.c.published, a.c.fetched_at) >= title_since
            ),
        }
        with self._engine.connect() as conn:
            for name, keys in as_stored.items():
                column = a.c[name]
                for chunk in _chunks(list(keys)):
                    hits = conn.execute(sa.select(column).where(scope[name], column.in_(chunk))).scalars()
                    found[name].update(keys[hit] for hit in hits)
        return KnownKeys(frozenset(found["guid"]), frozenset(found["url_norm"]), frozenset(found["title_norm"]))

    def save_poll(
        self,
        feed_id: int,
        owner: str | None,
        update: FeedStateUpdate,
        items: Sequence[tuple[NewArticle, Assessment]] = (),
        *,
        title_window_days: int = 3,
    ) -> InsertOutcome:
        """Store a poll's new articles and the feed's new state (ETag, hash, schedule) in ONE transaction.

        A crash before commit loses both (the next poll refetches with the old validators); after commit
        both are there. Either way nothing is lost and, thanks to the unique constraints, nothing doubles.
        """
        values: dict[str, Any] = dict(
            status=update.status.value,
            next_poll_at=update.next_poll_at,
            last_polled_at=update.polled_at,
            failure_count=update.failure_count,
            last_http_status=update.http_status,
            last_error=update.last_error,
            pause_reason=update.pause.encode() if update.pause is not None else None,
            lease_owner=None,
            lease_until=None,
        )
        if update.event is FeedEventKind.NOT_MODIFIED:
            # 304s often omit validators: refresh only what the server sent, keep the body hash.
            values.update(
                {
                    k: v
                    for k, v in (
                        ("etag", update.etag),
                        ("last_modified", update.last_modified),
                        ("body_sha256", update.body_sha256),
                    )
                    if v is not None
                }
            )
        elif not update.keep_validators:
            values.update(etag=update.etag, last_modified=update.last_modified, body_sha256=update.body_sha256)
        if update.success:
            values["last_success_at"] = update.polled_at
        if update.title:
            values["title"] = update.title
        with self._tx() as conn:
            outcome = self._insert_articles(conn, items, title_window_days=title_window_days)
            stmt = sa.update(feeds).where(feeds.c.id == feed_id)
            if owner is not None:
                # A lease that expired and was taken over must not be clobbered; the articles are safe
                # either way (constraints), the new owner records the state.
                stmt = stmt.where(sa.or_(feeds.c.lease_owner == owner, feeds.c.lease_owner.is_(None)))
            # Server-chosen strings (ETag, Last-Modified, error texts) are fitted like any other input.
            conn.execute(stmt.values(**fit_values(feeds, values)))
            self._event(conn, feed_id, update.polled_at, update.event, update.message, outcome.inserted)
            if update.status is FeedStatus.PAUSED:
                self._event(conn, feed_id, update.polled_at, FeedEventKind.PAUSED, update.pause_reason, 0)
        return outcome

    def log_feed_event(
        self, feed_id: int, kind: FeedEventKind, message: str | None, *, now: datetime | None = None
    ) -> None:
        with self._tx() as conn:
            self._event(conn, feed_id, now or _now(), kind, message, 0)

    @staticmethod
    def _event(
        conn: Connection, feed_id: int, at: datetime, kind: FeedEventKind, message: str | None, new_articles: int
    ) -> None:
        row = {"feed_id": feed_id, "at": at, "kind": kind.value, "message": message, "new_articles": new_articles}
        conn.execute(feed_events.insert().values(**fit_values(feed_events, row)))


def _chunks(items: list[str], size: int = 500) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _feed_record(row: Any) -> FeedRecord:
    return FeedRecord(
        id=row["id"],
        url=row["url"],
        outlet=row["outlet"],
        municipalities=tuple(json.loads(row["municipalities"] or "[]")),
        district=row["district"],
        status=FeedStatus(row["status"]),
        pause=FeedPause.decode(row["pause_reason"]) if row["pause_reason"] else None,
        etag=row["etag"],
        last_modified=row["last_modified"],
        body_sha256=row["body_sha256"],
        failure_count=row["failure_count"],
        last_error=row["last_error"],
        last_http_status=row["last_http_status"],
        last_polled_at=row["last_polled_at"],
        last_success_at=row["last_success_at"],
        next_poll_at=row["next_poll_at"],
        created_at=row["created_at"],
        title=row["title"],
    )


if TYPE_CHECKING:

    def _satisfies_every_port(
        store: Store,
    ) -> tuple[FeedStore, ArticleStore, AccessStore, FeedbackStore, ValidationStore]:
        """mypy checks here that the concrete Store conforms to every per-aggregate Protocol."""
        return store, store, store, store, store
