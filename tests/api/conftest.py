from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from botrygt_nlp.storage import Store
from tests.api.helpers import FakeAnalyzer, build_app


class Env:
    def __init__(self, app: FastAPI, store: Store, analyzer: FakeAnalyzer) -> None:
        self.app = app
        self.store = store
        self.analyzer = analyzer
        self.client = TestClient(app, base_url="http://127.0.0.1")
        _, self.secret = store.create_api_key("tester")

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"}


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    app, store, analyzer = build_app(tmp_path)
    e = Env(app, store, analyzer)
    with e.client:
        yield e
    store.close()
