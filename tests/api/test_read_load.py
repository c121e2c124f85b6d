"""Reads under load (issue 10, point 8): reads never wait for an assessment or for a database writer.

Under a mixed load reads had a p99 of seconds: every SQLite read began with BEGIN IMMEDIATE (the write
lock), so reads queued one at a time behind each other and behind writers, and short texts were assessed
on the event loop. These tests hold a writer or an assessment open and check that a read is still
answered (within a generous bound, not a latency threshold); `scripts/bench_api --mixed` measures.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from botrygt_nlp.domain import Assessment
from tests.api.helpers import FakeAnalyzer, build_app, seed_articles

BOUND_S = 15.0  # "answered at all": far above any normal latency, far below SQLite's 30 s busy timeout


class BlockingAnalyzer(FakeAnalyzer):
    """Holds every assessment until released, like a long text would hold a CPU."""

    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()
        self.release = threading.Event()

    def assess(self, text: str, *, title: str | None = None) -> Assessment:
        self.started.set()
        self.release.wait(BOUND_S * 2)
        return super().assess(text, title=title)


def _in_thread(fn: object) -> tuple[threading.Thread, list[object]]:
    out: list[object] = []
    thread = threading.Thread(target=lambda: out.append(fn()), daemon=True)  # type: ignore[operator]
    thread.start()
    return thread, out


@pytest.fixture
def blocked(tmp_path: Path) -> Iterator[tuple[TestClient, BlockingAnalyzer]]:
    analyzer = BlockingAnalyzer()
    app, store, _ = build_app(tmp_path, analyzer=analyzer, analysis_workers=1, analysis_queue=0)
    seed_articles(store, FakeAnalyzer(), weeks=2)
    try:
        with TestClient(app, base_url="http://127.0.0.1") as client:
            yield client, analyzer
    finally:
        analyzer.release.set()
        store.close()


def test_reads_do_not_wait_for_a_database_writer(tmp_path: Path) -> None:
    app, store, analyzer = build_app(tmp_path)
    seed_articles(store, analyzer, weeks=2)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert client.get("/v1/articles").status_code == 200  # the store is open and warm
        with store.engine.begin() as conn:  # a writer holds SQLite's write lock (as a poll does)
            conn.exec_driver_sql("UPDATE articles SET title = title")
            reads = [_in_thread(lambda p=p: client.get(p)) for p in ("/v1/articles", "/v1/trends", "/v1/export")]
            for thread, _ in reads:
                thread.join(BOUND_S)
            answered = [out[0].status_code for thread, out in reads if out]  # type: ignore[attr-defined]
        for thread, _ in reads:
            thread.join(BOUND_S)
    store.close()
    assert answered == [200, 200, 200], "reads waited for the writer's lock"


def test_reads_and_health_answer_while_a_text_is_being_assessed(
    blocked: tuple[TestClient, BlockingAnalyzer],
) -> None:
    client, analyzer = blocked
    text = "Der var indbrud i nat. Husk at låse døren."  # short: it used to be assessed on the event loop
    assessing, result = _in_thread(lambda: client.post("/v1/assess", json={"text": text}))
    assert analyzer.started.wait(BOUND_S)
    reads = [_in_thread(lambda p=p: client.get(p)) for p in ("/healthz", "/v1/articles", "/v1/trends")]
    for thread, _ in reads:
        thread.join(BOUND_S)
    answered = [out[0].status_code for _, out in reads if out]  # type: ignore[attr-defined]
    analyzer.release.set()
    assessing.join(BOUND_S)
    assert answered == [200, 200, 200], "reads waited for the assessment"
    assert result and result[0].status_code == 200  # type: ignore[attr-defined]


def test_assessments_beyond_the_queue_are_refused_503_busy(blocked: tuple[TestClient, BlockingAnalyzer]) -> None:
    client, analyzer = blocked
    first, _ = _in_thread(lambda: client.post("/v1/assess", json={"text": "Indbrud i nat."}))
    assert analyzer.started.wait(BOUND_S)
    second, out = _in_thread(lambda: client.post("/v1/assess", json={"text": "Tyveri i går."}))
    second.join(BOUND_S)
    analyzer.release.set()
    first.join(BOUND_S)
    assert out, "the second assessment queued without bound instead of being refused"
    refused = out[0]
    assert refused.status_code == 503  # type: ignore[attr-defined]
    assert refused.headers["Retry-After"] == "1"  # type: ignore[attr-defined]
    assert refused.json()["code"] == "busy"  # type: ignore[attr-defined]
