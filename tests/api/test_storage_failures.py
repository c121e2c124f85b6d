"""The API when the store fails: a 503 in words before any byte of an export, a broken stream after."""

from __future__ import annotations

import http.client
import socket
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from botrygt_nlp.errors import StorageError
from tests.api.conftest import Env
from tests.api.helpers import build_app, seed_articles
from tests.storage.diskfull import full_sqlite_error

RAW = ("sqlite3", "OperationalError", "SELECT", "INSERT", "[SQL", "sqlalche.me")


def _fail_with(env: Env, monkeypatch: pytest.MonkeyPatch, method: str, error: Callable[[], BaseException]) -> None:
    def broken(*_a: Any, **_k: Any) -> Any:
        raise error()

    monkeypatch.setattr(env.store, method, broken)


def test_export_checks_the_store_before_the_first_byte(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_articles(env.store, env.analyzer, weeks=1, per_week=2)
    _fail_with(env, monkeypatch, "list_articles", full_sqlite_error)  # a read raises the raw driver error
    r = env.client.get("/v1/export")
    assert r.status_code == 503 and r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["code"] == "storage_full" and body["title_da"] == "Lageret er fuldt" and body["retryable"] is True
    assert "full" in body["detail"] and r.headers["retry-after"]
    assert not any(word in r.text for word in RAW)


@pytest.mark.parametrize(
    ("error", "code", "title_da"),
    [
        (
            lambda: StorageError(
                "database error: (sqlite3.OperationalError) database is locked [SQL: SELECT articles.id FROM articles]"
            ),
            "storage_error",
            "Databasen er ikke tilgængelig",
        ),
        (
            lambda: sa.exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError("unable to open database file")),
            "storage_error",
            "Databasen er ikke tilgængelig",
        ),
        (full_sqlite_error, "storage_full", "Lageret er fuldt"),
    ],
    ids=["StorageError", "raw-operational", "raw-full"],
)
def test_storage_errors_are_named_in_words(
    env: Env, monkeypatch: pytest.MonkeyPatch, error: Callable[[], BaseException], code: str, title_da: str
) -> None:
    _fail_with(env, monkeypatch, "list_articles", error)
    _fail_with(env, monkeypatch, "add_feed", error)
    for r in (
        env.client.get("/v1/articles"),
        env.client.post("/v1/feeds", json={"url": "https://avis.example/rss", "outlet": "Avis"}, headers=env.auth),
    ):
        assert r.status_code == 503, r.text
        body = r.json()
        assert (body["code"], body["title_da"]) == (code, title_da)
        assert not any(word in r.text for word in RAW), r.text


class _Server:
    def __init__(self, app: Any) -> None:
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="critical", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        for _ in range(500):
            if self.server.started:
                return self
            self.thread.join(0.01)
        raise AssertionError("uvicorn did not start")

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[_Server, Any, Any]]:
    app, store, analyzer = build_app(tmp_path)
    with _Server(app) as server:
        yield server, store, analyzer
    store.close()


def test_export_failing_mid_stream_is_a_broken_download_not_a_short_file(
    served: tuple[_Server, Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, store, analyzer = served
    seed_articles(store, analyzer, weeks=2, per_week=3)
    monkeypatch.setattr("botrygt_nlp.api.routes.monitor.EXPORT_PAGE", 2)
    real = store.list_articles
    calls = {"n": 0}

    def fails_on_third_page(*a: Any, **k: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise full_sqlite_error()
        return real(*a, **k)

    monkeypatch.setattr(store, "list_articles", fails_on_third_page)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", "/v1/export")
        resp = conn.getresponse()
        assert resp.status == 200  # the first pages were there when the answer started
        with pytest.raises((http.client.IncompleteRead, ConnectionError)):
            resp.read()  # no terminating chunk: the client knows the file is incomplete
    finally:
        conn.close()
    assert calls["n"] == 3

    # The same export with a store that keeps working is complete.
    monkeypatch.setattr(store, "list_articles", real)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", "/v1/export")
        resp = conn.getresponse()
        assert resp.status == 200 and len(resp.read().decode().splitlines()) == 1 + 6
    finally:
        conn.close()
