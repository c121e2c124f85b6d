from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from botrygt_nlp.storage import NewFeed, Store
from tests.api.helpers import XSS_TEXT, XSS_TITLE, FakeAnalyzer, build_app, seed_articles

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class Web:
    def __init__(self, client: TestClient, store: Store, analyzer: FakeAnalyzer) -> None:
        self.client = client
        self.store = store
        self.analyzer = analyzer
        _, self.secret = store.create_api_key("redaktør")

    def csrf(self, path: str = "/") -> str:
        m = CSRF_RE.search(self.client.get(path).text)
        assert m, "page has no CSRF token"
        return m.group(1)

    def login(self) -> None:
        r = self.client.post(
            "/login",
            data={"csrf_token": self.csrf("/login"), "api_key": self.secret, "next": "/kilder"},
            follow_redirects=False,
        )
        assert r.status_code == 303


def seed_hostile(store: Store, analyzer: FakeAnalyzer) -> None:
    """A feed and articles whose title and text carry script/onerror payloads (stored-XSS check)."""
    store.add_feed(NewFeed(url="https://evil.example/rss?<script>x</script>", outlet=XSS_TITLE))
    seed_articles(
        store,
        analyzer,
        outlet=XSS_TITLE,
        title=XSS_TITLE,
        text=XSS_TEXT,
        weeks=3,
        per_week=2,
        municipality="Ringsted",
    )


@pytest.fixture
def web(tmp_path: Path) -> Iterator[Web]:
    app, store, analyzer = build_app(tmp_path)
    with TestClient(app, base_url="http://127.0.0.1", headers={"accept": "text/html"}) as client:
        yield Web(client, store, analyzer)
    store.close()
