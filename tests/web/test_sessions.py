"""Web sessions end for real (logout, key revocation, server-side lifetime), and wrong keys on the login form
lock the address out (issue 10, points 2 and 6)."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from botrygt_nlp.cli import app as cli
from botrygt_nlp.config import get_settings
from botrygt_nlp.service.lockout import AuthFailures
from tests.web.conftest import CSRF_RE, Web

SIGNED_OUT = "Log ind med en API-nøgle"
FEED = {"url": "https://a.example/rss", "outlet": "A", "municipalities": "Ringsted"}


def _add_feed(web: Web) -> int:
    """POST the add-feed form with this browser's CSRF token; returns the status."""
    token = web.csrf("/login")
    return web.client.post("/kilder", data={"csrf_token": token, **FEED}, follow_redirects=False).status_code


def _assert_signed_out(web: Web) -> None:
    page = web.client.get("/kilder").text
    assert SIGNED_OUT in page and "Logget ind som" not in page
    assert _add_feed(web) == 401
    assert web.store.list_feeds() == []


def test_a_cookie_replayed_after_logout_is_signed_out(web: Web) -> None:
    web.login()
    cookie = web.client.cookies.get("botrygt_session")
    assert cookie and "Logget ind som redaktør" in web.client.get("/kilder").text
    r = web.client.post("/logout", data={"csrf_token": web.csrf("/kilder")}, follow_redirects=False)
    assert r.status_code == 303 and web.client.cookies.get("botrygt_session") is None
    # The attacker (or a shared computer's browser history) kept a copy of the cookie: it opens nothing.
    web.client.cookies.set("botrygt_session", cookie)
    _assert_signed_out(web)
    assert "Du er logget ud" in web.client.post("/kilder", data={"csrf_token": web.csrf("/login"), **FEED}).text


def test_logging_in_again_ends_the_browsers_earlier_session(web: Web) -> None:
    web.login()
    first = web.client.cookies.get("botrygt_session")
    web.login()
    assert first and web.client.cookies.get("botrygt_session") not in (None, first)
    web.client.cookies.delete("botrygt_session")
    web.client.cookies.set("botrygt_session", first)
    _assert_signed_out(web)


def test_revoking_the_key_with_botrygt_keys_revoke_ends_its_session(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    web.store.create_api_key("redaktør")  # another key with the same name must not keep the session alive
    web.login()
    assert _add_feed(web) == 303
    web.store.remove_feed(web.store.list_feeds()[0].id)
    key = web.store.verify_api_key(web.secret, touch=False)
    assert key is not None
    monkeypatch.setenv("BOTRYGT_DATABASE_URL", web.store.engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["keys", "revoke", key.key_id])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    _assert_signed_out(web)


def test_the_server_side_lifetime_ends_a_session_the_cookie_still_allows(web: Web) -> None:
    web.login()
    assert "Logget ind som redaktør" in web.client.get("/kilder").text
    with web.store.engine.begin() as conn:  # the session's own 8 hours are up; the cookie's are not
        conn.execute(sa.text("UPDATE web_sessions SET expires_at = created_at"))
    _assert_signed_out(web)


def test_wrong_keys_on_the_login_form_lock_the_address_out_logged_once(
    web: Web, caplog: pytest.LogCaptureFixture
) -> None:
    now = [1000.0]
    services = web.client.app.state.services  # type: ignore[attr-defined]
    services.auth_failures = AuthFailures(max_failures=5, window_s=60, lockout_s=120, clock=lambda: now[0])
    token = web.csrf("/login")

    def attempt(client: TestClient, key: str) -> int:
        data = {"csrf_token": token, "api_key": key, "next": "/kilder"}
        return client.post("/login", data=data, follow_redirects=False).status_code

    with caplog.at_level(logging.WARNING, logger="botrygt_nlp.service.lockout"):
        codes = [attempt(web.client, f"btk_guess{i}") for i in range(40)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    assert len([r for r in caplog.records if r.name == "botrygt_nlp.service.lockout"]) == 1
    r = web.client.post("/login", data={"csrf_token": token, "api_key": web.secret}, follow_redirects=False)
    assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 120
    assert "For mange forsøg" in r.text and web.client.cookies.get("botrygt_session") is None
    # The right key from another address signs in at once.
    other = TestClient(web.client.app, base_url="http://127.0.0.1", client=("192.0.2.7", 50000))
    m = CSRF_RE.search(other.get("/login").text)
    assert m
    r = other.post(
        "/login", data={"csrf_token": m.group(1), "api_key": web.secret, "next": "/kilder"}, follow_redirects=False
    )
    assert r.status_code == 303 and other.cookies.get("botrygt_session")
    # The lockout ends on its own.
    now[0] += 121
    assert attempt(web.client, web.secret) == 303
