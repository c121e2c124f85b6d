"""Property-based run of every /v1 operation from the OpenAPI schema (schemathesis): no input gives a 5xx,
every error is problem+json, and every success matches its documented schema.

A real SQLite store with feeds, articles and a key behind it, so the handlers run for real; the key is sent on
every request so writes reach their handlers too. Writes include DELETE: the fuzzer may delete a feed, fine.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import response_schema_conformance

from botrygt_nlp.storage import NewFeed
from tests.api.helpers import FakeAnalyzer, build_app, make_store, seed_articles

# Module level, because schemathesis needs the app when the tests are collected; removed at exit.
_tmp = Path(tempfile.mkdtemp(prefix="botrygt-fuzz-"))
_store = make_store(_tmp)
atexit.register(shutil.rmtree, _tmp, True)
atexit.register(_store.close)
_analyzer = FakeAnalyzer()
seed_articles(_store, _analyzer, weeks=3, per_week=2)
_store.add_feed(NewFeed(url="https://lokalavis.example/rss", outlet="Lokalavisen"))
SECRET = _store.create_api_key("fuzzer")[1]
APP = build_app(_tmp, store=_store, analyzer=_analyzer)[0]

schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.mark.slow
@schema.include(path_regex=r"^/(v1/|healthz|metrics)").parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors(case: Any) -> None:
    response = case.call(headers={"X-API-Key": SECRET})
    assert response.status_code < 500, (response.status_code, response.text[:500])
    if response.status_code < 300:
        # Responses built without the response model (POST /v1/assess) must still match the documented schema.
        case.validate_response(response, checks=[response_schema_conformance])
    if response.status_code >= 400:
        assert response.headers["content-type"][0].startswith("application/problem+json")
