"""What people send us: feedback on assessments, texts they asked us to keep, API keys and the web sessions
signed in with them (only a SHA-256 of each key secret and session id is ever stored)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from botrygt_nlp.domain import Assessment
from botrygt_nlp.errors import InputError, StorageError
from botrygt_nlp.storage.clean import fit_values
from botrygt_nlp.storage.tables import api_keys, articles, feedback, submissions, web_sessions
from botrygt_nlp.storage.types import ApiKeyInfo, FeedbackRecord, NewSubmission, SubmissionRecord

SECRET_PREFIX = "btk_"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# A key's "last used" time is written at most this often: a write per request would make every keyed read a
# write, and the time is shown to the minute.
KEY_TOUCH_INTERVAL = timedelta(minutes=1)


class AccessMixin:
    _engine: Engine

    def _tx(self) -> AbstractContextManager[Connection]:  # provided by Store
        raise NotImplementedError

    # ------------------------------------------------------------------ feedback
    def add_feedback(
        self,
        text_or_article_id: str | int,
        label: str,
        value: object,
        who: str | None = None,
        when: datetime | None = None,
    ) -> int:
        """Record feedback on an article (int id) or a free text (str); returns the feedback id."""
        if not label.strip():
            raise InputError("feedback label must not be empty")
        article_id: int | None = None
        text: str | None = None
        with self._tx() as conn:
            if isinstance(text_or_article_id, int):
                found = conn.execute(sa.select(articles.c.id).where(articles.c.id == text_or_article_id)).first()
                if found is None:
                    raise InputError(f"no such article: {text_or_article_id}")
                article_id = text_or_article_id
            else:
                if not text_or_article_id.strip():
                    raise InputError("feedback text must not be empty")
                text = text_or_article_id
            return int(
                conn.execute(
                    feedback.insert()
                    .values(
                        **fit_values(
                            feedback,
                            {
                                "article_id": article_id,
                                "text": text,
                                "label": label,
                                "value": json.dumps(value, ensure_ascii=False),
                                "who": who,
                                "at": when or datetime.now(UTC),
                            },
                        )
                    )
                    .returning(feedback.c.id)
                ).scalar_one()
            )

    def list_feedback(self, *, limit: int = 100, article_id: int | None = None) -> list[FeedbackRecord]:
        q = sa.select(feedback).order_by(feedback.c.id.desc()).limit(limit)
        if article_id is not None:
            q = q.where(feedback.c.article_id == article_id)
        with self._engine.connect() as conn:
            return [
                FeedbackRecord(
                    r["id"], r["article_id"], r["text"], r["label"], json.loads(r["value"]), r["who"], r["at"]
                )
                for r in conn.execute(q).mappings()
            ]

    # ------------------------------------------------------------------ submissions
    def save_submission(
        self,
        *,
        text: str,
        title: str | None,
        external_id: str | None,
        assessment: Assessment,
        who: str | None,
        when: datetime | None = None,
    ) -> int:
        """Keep a text an API caller submitted *and asked us to store*, with its assessment.

        Kept apart from ``articles``: submissions are not press coverage and never enter the trends.
        """
        return self.save_submissions([NewSubmission(text, title, external_id, assessment)], who=who, when=when)[0]

    def save_submissions(
        self, items: Sequence[NewSubmission], *, who: str | None, when: datetime | None = None
    ) -> list[int]:
        """Keep a batch of submitted texts in one transaction: all of them, or (on any failure) none, so an
        error answer never hides a half-stored batch that a retry would store twice."""
        for item in items:
            if not item.text.strip():
                raise InputError("submitted text must not be empty")
        at = when or datetime.now(UTC)
        ids: list[int] = []
        with self._tx() as conn:
            for item in items:
                values = {
                    "external_id": item.external_id,
                    "title": item.title,
                    "text": item.text,
                    "who": who,
                    "at": at,
                    "model_version": item.assessment.model_version,
                    "payload": json.dumps(item.assessment.to_json(), ensure_ascii=False),
                }
                inserted = conn.execute(
                    submissions.insert().values(**fit_values(submissions, values)).returning(submissions.c.id)
                )
                ids.append(int(inserted.scalar_one()))
        return ids

    def list_submissions(self, *, limit: int = 100) -> list[SubmissionRecord]:
        q = sa.select(submissions).order_by(submissions.c.id.desc()).limit(limit)
        with self._engine.connect() as conn:
            return [
                SubmissionRecord(
                    r["id"],
                    r["external_id"],
                    r["title"],
                    r["text"],
                    r["who"],
                    r["at"],
                    r["model_version"],
                    Assessment.from_json(json.loads(r["payload"])),
                )
                for r in conn.execute(q).mappings()
            ]

    # ------------------------------------------------------------------ API keys
    def create_api_key(self, name: str, *, now: datetime | None = None) -> tuple[str, str]:
        """A new key: returns (key_id, secret). The secret is shown once and stored only as its SHA-256."""
        if not name.strip():
            raise InputError("API key name must not be empty")
        key_id = secrets.token_hex(8)
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        with self._tx() as conn:
            conn.execute(
                api_keys.insert().values(
                    key_id=key_id,
                    name=name.strip(),
                    secret_sha256=hash_secret(secret),
                    created_at=now or datetime.now(UTC),
                )
            )
        return key_id, secret

    def verify_api_key(self, secret: str, *, touch: bool = True) -> ApiKeyInfo | None:
        """The key's info when ``secret`` belongs to an unrevoked key, else None."""
        digest = hash_secret(secret)
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(api_keys).where(api_keys.c.secret_sha256 == digest)).mappings().first()
        # Lookup is by hash (an index), the compare below keeps the check constant-time regardless.
        if row is None or not hmac.compare_digest(row["secret_sha256"], digest) or row["revoked_at"] is not None:
            return None
        now = datetime.now(UTC)
        last = row["last_used_at"]
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=UTC)  # SQLite hands back naive datetimes
        if touch and (last is None or now - last >= KEY_TOUCH_INTERVAL):
            try:
                with self._tx() as conn:
                    conn.execute(sa.update(api_keys).where(api_keys.c.key_id == row["key_id"]).values(last_used_at=now))
            except StorageError:
                # "Last used" is bookkeeping: a full disk or a read-only store must not turn a valid key away
                # (every keyed read would fail). The store's own failure log has already said what went wrong.
                pass
        return _key(row)

    def list_api_keys(self) -> list[ApiKeyInfo]:
        with self._engine.connect() as conn:
            return [_key(r) for r in conn.execute(sa.select(api_keys).order_by(api_keys.c.created_at)).mappings()]

    def revoke_api_key(self, key_id: str, *, now: datetime | None = None) -> bool:
        """Revoke a key and end every web session signed in with it (in one transaction)."""
        with self._tx() as conn:
            revoked = (
                conn.execute(
                    sa.update(api_keys)
                    .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
                    .values(revoked_at=now or datetime.now(UTC))
                ).rowcount
                > 0
            )
            conn.execute(sa.delete(web_sessions).where(web_sessions.c.key_id == key_id))
            return revoked

    # ------------------------------------------------------------------ web sessions
    def create_web_session(self, key_id: str, *, lifetime_s: int, now: datetime | None = None) -> str:
        """A new web session for a key: returns its random id (the cookie's content), stored only hashed.

        The session ends at ``now + lifetime_s`` whatever the cookie says; expired rows are swept here.
        """
        if lifetime_s <= 0:
            raise InputError("session lifetime must be positive")
        now = now or datetime.now(UTC)
        token = secrets.token_urlsafe(32)
        with self._tx() as conn:
            conn.execute(sa.delete(web_sessions).where(web_sessions.c.expires_at <= now))
            conn.execute(
                web_sessions.insert().values(
                    id_sha256=hash_secret(token),
                    key_id=key_id,
                    created_at=now,
                    expires_at=now + timedelta(seconds=lifetime_s),
                )
            )
        return token

    def web_session_key(self, token: str, *, now: datetime | None = None) -> ApiKeyInfo | None:
        """The key a live session was signed in with; None once it is logged out, expired or its key revoked."""
        if not token:
            return None
        now = now or datetime.now(UTC)
        q = (
            sa.select(api_keys)
            .join(web_sessions, web_sessions.c.key_id == api_keys.c.key_id)
            .where(
                web_sessions.c.id_sha256 == hash_secret(token),
                web_sessions.c.expires_at > now,
                api_keys.c.revoked_at.is_(None),
            )
        )
        try:
            with self._engine.connect() as conn:
                row = conn.execute(q).mappings().first()
        except sa.exc.SQLAlchemyError as exc:
            raise StorageError(f"database error: {exc}") from exc
        return _key(row) if row is not None else None

    def end_web_session(self, token: str) -> bool:
        """Log a session out (its id no longer opens anything); False when it was not live."""
        if not token:
            return False
        with self._tx() as conn:
            gone = conn.execute(sa.delete(web_sessions).where(web_sessions.c.id_sha256 == hash_secret(token)))
            return gone.rowcount > 0


def _key(r: Any) -> ApiKeyInfo:
    return ApiKeyInfo(r["key_id"], r["name"], r["created_at"], r["revoked_at"], r["last_used_at"])
