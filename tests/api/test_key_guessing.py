"""Wrong API keys count against the caller's address and lock it out (issue 10, point 6)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from botrygt_nlp.service.lockout import AuthFailures
from tests.api.conftest import Env
from tests.api.helpers import build_app

LOCKOUT_LOGGER = "botrygt_nlp.service.lockout"


def test_a_burst_of_wrong_keys_gets_429_with_the_default_settings(env: Env) -> None:
    codes = [env.client.get("/v1/feeds", headers={"X-API-Key": f"btk_guess{i}"}).status_code for i in range(200)]
    assert codes[0] == 401 and 429 in codes
    assert codes.index(429) <= 20 and set(codes[codes.index(429) :]) == {429}


def test_lockout_is_per_address_logged_once_and_ends(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    now = [1000.0]
    app, store, _ = build_app(tmp_path)
    app.state.services.auth_failures = AuthFailures(max_failures=10, window_s=60, lockout_s=300, clock=lambda: now[0])
    _, secret = store.create_api_key("tester")
    attacker = TestClient(app, base_url="http://127.0.0.1", client=("198.51.100.9", 40000))
    honest = TestClient(app, base_url="http://127.0.0.1", client=("203.0.113.5", 40000))
    with attacker, caplog.at_level(logging.WARNING, logger=LOCKOUT_LOGGER):
        codes = []
        for i in range(2000):
            headers = {"Authorization": f"Bearer btk_guess{i}"} if i % 2 else {"X-API-Key": f"btk_guess{i}"}
            codes.append(attacker.get("/v1/feeds", headers=headers).status_code)
        assert codes[:10] == [401] * 10 and set(codes[10:]) == {429}
        assert sum(r.name == LOCKOUT_LOGGER for r in caplog.records) == 1  # once per lockout, not per attempt
        r = attacker.post("/v1/feeds", json={"url": "https://a.example/rss", "outlet": "A"}, headers={"X-API-Key": "x"})
        assert r.status_code == 429
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["code"] == "rate_limited" and r.json()["retryable"] is True
        assert 1 <= int(r.headers["retry-after"]) <= 300
        # While locked out even the right key is refused from there (a guess cannot be confirmed) ...
        assert attacker.get("/v1/feeds", headers={"X-API-Key": secret}).status_code == 429
        # ... requests without a key are not authentication attempts ...
        assert attacker.get("/v1/feeds").status_code == 200
        # ... and another address with the right key is not affected at all.
        assert honest.get("/v1/feeds", headers={"X-API-Key": secret}).status_code == 200
        assert honest.get("/v1/feeds", headers={"X-API-Key": "btk_typo"}).status_code == 401
        now[0] += 301
        assert attacker.get("/v1/feeds", headers={"X-API-Key": secret}).status_code == 200
    store.close()


def test_failures_drain_over_the_window() -> None:
    now = [0.0]
    guard = AuthFailures(max_failures=5, window_s=60, lockout_s=30, clock=lambda: now[0])
    for _ in range(4):
        assert guard.failed("a") == 0
    now[0] += 12  # one failure drained (5 per 60 s)
    assert guard.failed("a") == 0 and guard.retry_after("a") == 0
    assert guard.failed("a") == 30 and guard.retry_after("a") == 30
    assert guard.retry_after("b") == 0
    assert guard.failed("a") == 0  # a request in flight when the lockout began: not a second lockout
    now[0] += 29.5
    assert guard.retry_after("a") == 1
    now[0] += 1
    assert guard.retry_after("a") == 0 and guard.failed("a") == 0


def test_the_tenth_wrong_key_in_a_real_burst_starts_the_lockout() -> None:
    """Attempts a fraction of a second apart drain the counter a little; the tenth still locks the address."""
    now = [0.0]
    guard = AuthFailures(max_failures=10, window_s=60, lockout_s=60, clock=lambda: now[0])
    started = []
    for _ in range(10):
        now[0] += 0.3
        started.append(guard.failed("127.0.0.3"))
    assert started[:9] == [0] * 9 and started[9] == 60
    assert guard.retry_after("127.0.0.3") == 60
    slow = AuthFailures(max_failures=10, window_s=60, lockout_s=60, clock=lambda: now[0])
    for _ in range(10):
        now[0] += 7.0  # more than a full attempt drains between two tries: never a burst
        assert slow.failed("127.0.0.4") == 0
