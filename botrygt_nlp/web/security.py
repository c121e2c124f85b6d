"""Signed session cookie, CSRF tokens and the security headers of every response.

Session: ``base64(json) . hmac`` in an HttpOnly, SameSite=Strict cookie; it holds a random session id (never
the key) and an expiry. The store keeps the id's SHA-256 with the key it was signed in with and a lifetime of
its own (web/sessions.py), so logout, key revocation and the server-side lifetime each end a session even
when an old cookie is replayed; the signature only spares the store lookups for forged cookies.

CSRF: a random per-browser value in its own cookie, and forms carry ``HMAC(secret, value)``; a cross-site
page can neither read the cookie nor compute the token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "botrygt_session"
CSRF_COOKIE = "botrygt_csrf"
CSRF_FIELD = "csrf_token"
SESSION_TTL_S = 8 * 3600

# Strict: no inline script or style anywhere (SVG charts use presentation attributes, not style=).
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


class Signer:
    def __init__(self, secret: str, clock: Callable[[], float] = time.time) -> None:
        self._key = hashlib.sha256(("botrygt-web:" + secret).encode()).digest()
        self.clock = clock

    def _mac(self, payload: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self._key, payload, hashlib.sha256).digest()).decode().rstrip("=")

    # Session -----------------------------------------------------------------
    def make_session(self, session_id: str) -> str:
        payload = base64.urlsafe_b64encode(
            json.dumps({"s": session_id, "exp": int(self.clock()) + SESSION_TTL_S}).encode()
        )
        return f"{payload.decode()}.{self._mac(payload)}"

    def read_session(self, cookie: str | None) -> str | None:
        """The session id in a genuine, unexpired cookie (whether it is still live is the store's call)."""
        if not cookie or "." not in cookie:
            return None
        payload, mac = cookie.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac(payload.encode())):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(payload.encode()))
        except ValueError:
            return None
        if not isinstance(data, dict) or int(data.get("exp", 0)) < self.clock():
            return None
        session_id = data.get("s")
        return session_id if isinstance(session_id, str) and session_id else None

    # CSRF --------------------------------------------------------------------
    @staticmethod
    def new_csrf_seed() -> str:
        return secrets.token_urlsafe(24)

    def csrf_token(self, seed: str) -> str:
        return self._mac(b"csrf:" + seed.encode())

    def check_csrf(self, seed: str | None, token: str | None) -> bool:
        return bool(seed and token) and hmac.compare_digest(self.csrf_token(seed or ""), token or "")

    # Signed blobs (audit results carried between requests without storing them) ----------------
    def sign_blob(self, data: bytes) -> str:
        payload = base64.urlsafe_b64encode(data).decode()
        return f"{payload}.{self._mac(b'blob:' + payload.encode())}"

    def read_blob(self, token: str) -> bytes | None:
        if "." not in token:
            return None
        payload, mac = token.rsplit(".", 1)
        if not hmac.compare_digest(mac, self._mac(b"blob:" + payload.encode())):
            return None
        try:
            return base64.urlsafe_b64decode(payload.encode())
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class CookiePolicy:
    """Every cookie we set: HttpOnly, SameSite=Strict, path /, Secure behind HTTPS."""

    secure: bool

    def set(self, response: Response, name: str, value: str, max_age: int | None) -> None:
        response.set_cookie(
            name, value, max_age=max_age, path="/", secure=self.secure, httponly=True, samesite="strict"
        )


class SecurityHeadersMiddleware:
    """Adds CSP and friends to every response (API included: harmless for JSON, vital for HTML)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                # setdefault: /docs sets its own, looser policy (Swagger UI's inline styles and bootstrap).
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
                headers.setdefault("X-Frame-Options", "DENY")
            await send(message)

        await self.app(scope, receive, send_wrapper)
