"""Property-based run of every /v1 operation from the OpenAPI schema (schemathesis): no input gives a 5xx,
every status code and Content-Type is one the schema documents for the operation, every body (errors
included, as application/problem+json) matches its documented schema, and schema-violating input is refused.

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
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

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


CHECKS = [
    status_code_conformance,  # e.g. a 404 or 409 the operation does not list
    content_type_conformance,  # errors are documented as application/problem+json, and sent as that
    response_headers_conformance,
    response_schema_conformance,  # bodies built without the response model (POST /v1/assess) too
    negative_data_rejection,  # {"store": 0}, ?until=0: what the schema forbids, the server refuses
]


@pytest.mark.slow
@schema.include(path_regex=r"^/(v1/|healthz|metrics)").parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors(case: Any) -> None:
    response = case.call(headers={"X-API-Key": SECRET})
    assert response.status_code < 500, (response.status_code, response.text[:500])
    # A "wrongly typed" text/plain or text/html body is still just text once sent: no negative check there.
    text_body = str(case.media_type or "").startswith("text/")
    case.validate_response(response, checks=[c for c in CHECKS if not (text_body and c is negative_data_rejection)])
    if response.status_code >= 400:
        assert response.headers["content-type"][0].startswith("application/problem+json")


def test_schema_documents_problems_as_problem_json_and_reads_as_key_optional() -> None:
    spec = APP.openapi()
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            for status, response in op["responses"].items():
                if int(status) >= 400:
                    assert set(response["content"]) == {"application/problem+json"}, (method, path, status)
                    assert response["content"]["application/problem+json"]["schema"] == {
                        "$ref": "#/components/schemas/ProblemOut"
                    }
    components = spec["components"]["schemas"]
    assert {"ProblemOut", "ProblemIssue", "ReportRequest"} <= set(components)
    assert {} in spec["paths"]["/v1/articles"]["get"]["security"]  # reads: key optional
    assert {} not in spec["paths"]["/v1/feeds"]["post"]["security"]  # writes: key required
    tags = [t for ops in spec["paths"].values() for op in ops.values() for t in op.get("tags", [])]
    assert tags.count("templates") == 2 and "reports" in tags  # the template routes under one tag, not two
