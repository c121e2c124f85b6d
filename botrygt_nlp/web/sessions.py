"""Server-side web sessions: who is signed in, checked against the store on every page request.

The cookie carries a signed random session id (web/security.py); the store keeps only its SHA-256, the key it
was signed in with and an expiry (``web_sessions``). A session is live while its row exists, has not expired
and its key is not revoked, so logging out, ``botrygt keys revoke`` and the server-side lifetime each end it,
even for a copy of the cookie replayed later.

Every page router resolves the session once per request (:func:`load_session`, a router dependency) in the
thread pool, so the page chrome and :func:`signed_in` need no database access of their own.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from botrygt_nlp.errors import BotrygtError
from botrygt_nlp.web.security import SESSION_COOKIE, SESSION_TTL_S

if TYPE_CHECKING:
    from botrygt_nlp.web.kit import WebKit

log = logging.getLogger(__name__)

_STATE = "botrygt_web_session"


@dataclass(frozen=True, slots=True)
class WebSession:
    session_id: str
    key_id: str
    name: str  # the key's name, shown in the page chrome


@dataclass(frozen=True, slots=True)
class _Resolved:
    session: WebSession | None


def _kit(request: Request) -> WebKit:
    kit: WebKit = request.app.state.web
    return kit


def cookie_session_id(request: Request) -> str | None:
    """The session id in this request's cookie when the cookie is genuine and unexpired (no store access)."""
    return _kit(request).signer.read_session(request.cookies.get(SESSION_COOKIE))


async def resolve_session(request: Request) -> WebSession | None:
    """The live session of this request, looked up once and remembered; store errors propagate."""
    cached = getattr(request.state, _STATE, None)
    if isinstance(cached, _Resolved):
        return cached.session
    session_id = cookie_session_id(request)
    session: WebSession | None = None
    if session_id is not None:
        key = await run_in_threadpool(_kit(request).services.store.web_session_key, session_id)
        if key is not None:
            session = WebSession(session_id, key.key_id, key.name)
    setattr(request.state, _STATE, _Resolved(session))
    return session


async def load_session(request: Request) -> None:
    """Router dependency of every page: resolve the session before the page renders. A store that cannot be
    reached leaves the page signed out (pages that change something ask again, and then show the error)."""
    try:
        await resolve_session(request)
    except BotrygtError as exc:
        log.warning("web session could not be checked: %s", exc)


def signed_in(request: Request) -> WebSession | None:
    """The session resolved for this request (None when signed out or not resolved)."""
    cached = getattr(request.state, _STATE, None)
    return cached.session if isinstance(cached, _Resolved) else None


async def start_session(request: Request, key_id: str, name: str) -> str:
    """Open a session for a verified key; returns the cookie value. An earlier session of this browser ends."""
    kit = _kit(request)
    old = cookie_session_id(request)
    if old is not None:
        await run_in_threadpool(kit.services.store.end_web_session, old)
    session_id = await run_in_threadpool(kit.services.store.create_web_session, key_id, lifetime_s=SESSION_TTL_S)
    setattr(request.state, _STATE, _Resolved(WebSession(session_id, key_id, name)))
    return kit.signer.make_session(session_id)


async def end_session(request: Request) -> None:
    """Log this browser's session out in the store, so a copy of the cookie opens nothing afterwards."""
    session_id = cookie_session_id(request)
    if session_id is not None:
        await run_in_threadpool(_kit(request).services.store.end_web_session, session_id)
    setattr(request.state, _STATE, _Resolved(None))
