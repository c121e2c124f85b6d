"""What an integrator expects of HTTP itself: HEAD, OPTIONS, Allow, 415 for the wrong Content-Type, charsets,
strict booleans and dates, one rule for empty date ranges, and a useful 401 for a malformed Authorization."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Env
from tests.api.helpers import build_app

REPORT = "Døgnrapport\n\nIndbrud på Ærøvej\nDer var indbrud i nat på Ærøvej. Husk at låse døren.\n"


def test_head_answers_like_get_without_a_body(env: Env) -> None:
    for path in ("/healthz", "/v1/feeds", "/v1/templates", "/v1/export"):
        get = env.client.get(path)
        head = env.client.head(path)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]


def test_options_lists_every_method_of_the_path(env: Env) -> None:
    r = env.client.options("/v1/feeds")
    assert r.status_code == 204
    assert r.headers["allow"] == "GET, HEAD, POST, OPTIONS"
    assert env.client.options("/v1/feeds/1").headers["allow"] == "DELETE, OPTIONS"
    assert env.client.options("/v1/no-such-thing").status_code == 404


def test_405_names_all_methods_not_only_the_first_route(env: Env) -> None:
    r = env.client.put("/v1/feeds", json={})
    assert r.status_code == 405 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "method_not_allowed"
    # Starlette alone said "Allow: GET" here, though POST /v1/feeds exists.
    assert r.headers["allow"] == "GET, HEAD, POST, OPTIONS"


@pytest.mark.parametrize("path", ["/v1/assess", "/v1/feeds", "/v1/feedback"])
@pytest.mark.parametrize("media", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; b=x"])
def test_json_routes_refuse_other_content_types_with_415(env: Env, path: str, media: str) -> None:
    r = env.client.post(path, content=b'{"text": "Indbrud."}', headers={"content-type": media, **env.auth})
    assert r.status_code == 415, r.text
    assert r.json()["code"] == "unsupported_media_type"


def test_json_routes_take_a_json_suffix_and_say_what_to_send_without_a_content_type(env: Env) -> None:
    body = b'{"text": "Der var indbrud i nat."}'
    assert env.client.post("/v1/assess", content=body, headers={"content-type": "application/vnd.x+json"}).is_success
    bare = env.client.post("/v1/assess", content=body)  # FastAPI would not parse it: a 415, not a puzzling 422
    assert bare.status_code == 415 and "Content-Type: application/json" in bare.json()["detail"]


def test_a_declared_charset_is_honoured(env: Env) -> None:
    r = env.client.post(
        "/v1/reports/parse",
        content=REPORT.encode("cp1252"),
        headers={"content-type": "text/plain; charset=windows-1252"},
    )
    assert r.status_code == 200, r.text
    incidents = r.json()["report"]["incidents"]
    assert any("Ærøvej" in i["body"] for i in incidents)
    # Undeclared, the same bytes are not UTF-8: refused as before, with the core's code.
    r = env.client.post("/v1/reports/parse", content=REPORT.encode("cp1252"), headers={"content-type": "text/plain"})
    assert r.status_code == 422 and r.json()["code"] == "bad_encoding"
    # The hint is in HTTP's terms, not the CLI's.
    assert "charset=cp1252" in r.json()["detail"] and "--encoding" not in r.json()["detail"]
    followed = env.client.post(  # the hint, followed to the letter, is understood
        "/v1/reports/parse", content=REPORT.encode("cp1252"), headers={"content-type": "text/plain; charset=cp1252"}
    )
    assert followed.status_code == 200


@pytest.mark.parametrize("charset", ["klingon", "base64", "rot13", "utf-7", "UTF-7"])
def test_an_unknown_or_non_text_charset_is_415(env: Env, charset: str) -> None:
    r = env.client.post(
        "/v1/reports/parse", content=REPORT.encode(), headers={"content-type": f"text/plain; charset={charset}"}
    )
    assert r.status_code == 415 and r.json()["code"] == "unsupported_media_type"


def test_query_options_apply_to_a_json_report_body_too(env: Env) -> None:
    short = env.client.post("/v1/reports/rewrite?style=short", json={"text": REPORT})
    assert short.status_code == 200
    assert short.json()["changes"]["style"] == "short"  # not silently ignored
    clash = env.client.post("/v1/reports/rewrite?style=short", json={"text": REPORT, "style": "full"})
    assert clash.status_code == 422 and clash.json()["errors"][0]["loc"] == ["query", "style"]
    bad = env.client.post("/v1/reports/rewrite?style=AAA", json={"text": REPORT})
    assert bad.status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {"text": "Der var indbrud.", "store": 0},
        {"text": "Der var indbrud.", "store": "true"},
        {"text": None},
    ],
)
def test_assess_booleans_are_booleans(env: Env, body: dict[str, object]) -> None:
    assert env.client.post("/v1/assess", json=body).status_code == 422


def test_feedback_value_must_be_a_real_boolean(env: Env) -> None:
    r = env.client.post(
        "/v1/feedback", json={"text": "Indbrud.", "label": "constructive", "value": 0}, headers=env.auth
    )
    assert r.status_code == 422


@pytest.mark.parametrize("value", ["0", "1700000000", "2026-01-01T00:00:00", "2026-1-1"])
def test_dates_are_yyyy_mm_dd_only(env: Env, value: str) -> None:
    for path in ("/v1/articles", "/v1/export", "/v1/trends"):
        r = env.client.get(path, params={"until": value})
        assert r.status_code == 422, (path, value, r.text[:200])
    r = env.client.post("/v1/reports/rewrite", json={"text": REPORT, "date": value})
    assert r.status_code == 422


def test_an_empty_date_range_is_the_same_422_everywhere(env: Env) -> None:
    for path in ("/v1/articles", "/v1/export", "/v1/trends"):
        r = env.client.get(path, params={"since": "2026-02-01", "until": "2026-02-01"})
        assert r.status_code == 422, path
        assert r.json()["code"] == "validation_error"


@pytest.mark.parametrize("value", ["{secret}", "Bearer", "Bearer   "])
def test_a_key_sent_without_the_bearer_scheme_is_a_clear_401(env: Env, value: str) -> None:
    header = value.replace("{secret}", env.secret)
    r = env.client.get("/v1/feeds", headers={"Authorization": header})
    assert r.status_code == 401
    assert "Bearer <key>" in r.json()["detail"]


def test_a_basic_auth_proxy_in_front_does_not_hide_the_api_key(env: Env) -> None:
    basic = "Basic " + base64.b64encode(b"proxy:pass").decode()
    r = env.client.post(
        "/v1/feeds",
        json={"url": "https://lokal.example/rss", "outlet": "Lokal"},
        headers={"Authorization": basic, "X-API-Key": env.secret},
    )
    assert r.status_code == 201


def test_docs_have_a_strict_csp_that_allows_exactly_their_bootstrap(env: Env) -> None:
    page = env.client.get("/docs")
    csp = page.headers["content-security-policy"]
    scripts = re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL)
    assert scripts, "Swagger UI's bootstrap script is inline"
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert "connect-src 'self'" in csp and "default-src 'none'" in csp
    assert '"validatorUrl": null' in page.text  # no badge fetched from validator.swagger.io


def test_a_too_large_page_upload_gets_the_danish_error_page(tmp_path: Path) -> None:
    app, store, _ = build_app(tmp_path, max_upload_bytes=4096)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        files = {"file": ("stor.txt", b"a" * 10_000, "text/plain")}
        html = client.post("/skriv", files=files, headers={"accept": "text/html"})
        assert html.status_code == 413
        assert html.headers["content-type"].startswith("text/html")
        assert "For stor" in html.text and "4 KiB" in html.text
        api = client.post("/skriv", files=files, headers={"accept": "application/json"})
        assert api.status_code == 413 and api.headers["content-type"] == "application/problem+json"
    store.close()


def test_a_paused_feed_is_resumed_through_the_api(env: Env) -> None:
    from botrygt_nlp.storage import NewFeed
    from tests.api.helpers import pause_feed

    feed = env.store.add_feed(NewFeed(url="https://lokal.example/rss", outlet="Lokal"))
    pause_feed(env.store, feed.id, "too many failures")
    assert env.client.post(f"/v1/feeds/{feed.id}/resume").status_code == 401  # a write: key needed
    r = env.client.post(f"/v1/feeds/{feed.id}/resume", headers=env.auth)
    assert r.status_code == 200 and r.json()["status"] == "active" and r.json()["failure_count"] == 0
    missing = env.client.post("/v1/feeds/999/resume", headers=env.auth)
    assert missing.status_code == 404 and missing.json()["code"] == "unknown_feed"


def test_with_keys_required_for_reads_the_schema_says_so(tmp_path: Path) -> None:
    app, store, _ = build_app(tmp_path, require_key_for_reads=True)
    spec = app.openapi()
    for ops in spec["paths"].values():
        for op in ops.values():
            assert {} not in op.get("security", []), op["operationId"]
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert client.get("/v1/articles").status_code == 401
    store.close()
