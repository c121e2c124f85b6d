"""API keys, per-key rate limits, the key-for-reads setting, CORS off by default."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.api.conftest import Env
from tests.api.helpers import build_app

FEED = {"url": "https://lokalavis.example/rss", "outlet": "Lokalavisen"}


def test_writes_need_a_key(env: Env) -> None:
    r = env.client.post("/v1/feeds", json=FEED)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json()["code"] == "unauthorized"
    assert env.client.post("/v1/feeds", json=FEED, headers=env.auth).status_code == 201
    assert env.client.delete("/v1/feeds/1").status_code == 401
    assert env.client.post("/v1/feedback", json={"text": "x", "label": "relevant", "value": True}).status_code == 401


def test_x_api_key_header_works_too(env: Env) -> None:
    assert env.client.post("/v1/feeds", json=FEED, headers={"X-API-Key": env.secret}).status_code == 201


def test_unknown_or_revoked_key_is_refused_even_on_reads(env: Env) -> None:
    assert env.client.get("/v1/feeds", headers={"X-API-Key": "btk_wrong"}).status_code == 401
    key_id, secret = env.store.create_api_key("temp")
    assert env.client.get("/v1/feeds", headers={"X-API-Key": secret}).status_code == 200
    env.store.revoke_api_key(key_id)
    assert env.client.get("/v1/feeds", headers={"X-API-Key": secret}).status_code == 401


def test_reads_need_a_key_when_configured(tmp_path: Path) -> None:
    app, store, _ = build_app(tmp_path, require_key_for_reads=True)
    _, secret = store.create_api_key("reader")
    with TestClient(app) as client:
        assert client.get("/v1/feeds").status_code == 401
        assert client.post("/v1/assess", json={"text": "indbrud"}).status_code == 401
        assert client.get("/v1/feeds", headers={"X-API-Key": secret}).status_code == 200
        assert client.get("/healthz").status_code == 200  # liveness stays open


def test_rate_limit_per_key_with_retry_after(tmp_path: Path) -> None:
    now = [1000.0]
    app, store, _ = build_app(tmp_path, clock=lambda: now[0], per_minute=60, burst=3)
    _, key_a = store.create_api_key("a")
    _, key_b = store.create_api_key("b")
    with TestClient(app) as client:
        a = {"X-API-Key": key_a}
        codes = [client.get("/v1/feeds", headers=a).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = client.get("/v1/feeds", headers=a)
        assert r.json()["code"] == "rate_limited" and r.json()["retryable"] is True
        assert int(r.headers["retry-after"]) >= 1
        # Another key has its own bucket.
        assert client.get("/v1/feeds", headers={"X-API-Key": key_b}).status_code == 200
        now[0] += 2.0  # one token per second refills
        assert client.get("/v1/feeds", headers=a).status_code == 200


def test_cors_is_off_by_default(env: Env) -> None:
    r = env.client.options(
        "/v1/assess", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in r.headers
    r = env.client.get("/healthz", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers


def test_cors_when_configured(tmp_path: Path) -> None:
    app, _, _ = build_app(tmp_path, cors_origins=("https://kommune.example",))
    with TestClient(app) as client:
        r = client.get("/healthz", headers={"Origin": "https://kommune.example"})
        assert r.headers["access-control-allow-origin"] == "https://kommune.example"
        r = client.get("/healthz", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in r.headers
