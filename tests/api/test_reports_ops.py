"""Report parse/rewrite, advice templates, healthz, metrics, OpenAPI."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from botrygt_nlp.asgi import create_app
from botrygt_nlp.config import Settings, get_settings
from botrygt_nlp.service.options import ApiOptions
from tests.api.conftest import Env
from tests.api.helpers import FakeAnalyzer, make_store
from tests.rewrite.test_publish import rebuild_from_json

REPORT = """Døgnrapport fra Midt- og Vestsjællands Politi

Indbrud i villa i Ringsted
Natten til tirsdag var der indbrud i en villa på Søgade. Politiet hører gerne fra vidner på 114.

Tyveri fra varebil i Slagelse
Der var tyveri af værktøj fra en varebil. Husk at tømme bilen for værktøj om natten.

Færdselsuheld ved Sorø
En bil kørte i grøften.
"""


def test_parse_json_gives_incidents_with_offsets(env: Env) -> None:
    r = env.client.post("/v1/reports/parse", json={"text": REPORT})
    assert r.status_code == 200
    body = r.json()
    assert body["stored"] is False
    incidents = body["report"]["incidents"]
    assert [i["title"] for i in incidents][:2] == [
        "Indbrud i villa i Ringsted",
        "Tyveri fra varebil i Slagelse",
    ]
    for inc in incidents:
        assert REPORT[inc["title_start"] : inc["title_end"]] == inc["title"]
        a = inc["assessment"]
        for s in a["advice_spans"]:
            assert inc["body"][s["start"] : s["end"]] == s["text"]


def test_rewrite_raw_text_body_with_query_options(env: Env) -> None:
    r = env.client.post(
        "/v1/reports/rewrite?style=short&date=2026-12-20",
        content=REPORT.encode(),
        headers={"content-type": "text/plain; charset=utf-8"},
    )
    assert r.status_code == 200
    body = r.json()
    changes = body["changes"]
    assert changes["style"] == "short" and changes["season"] == "christmas"
    assert [i["incident"] for i in changes["insertions"]] == [0]
    ins = changes["insertions"][0]
    assert body["text"].startswith(REPORT[: ins["offset"]])
    # Idempotent: rewriting the output changes nothing.
    again = env.client.post(
        "/v1/reports/rewrite", json={"text": body["text"], "style": "short", "date": "2026-12-20"}
    ).json()
    assert again["changes"]["changed"] is False and again["text"] == body["text"]


HTML_REPORT = (
    "<html><body><h1>Døgnrapport fra Fyns Politi</h1>"
    "<h2>Indbrud i villa i Odense</h2><p>Tyven tog smykker &amp; kontanter.</p>"
    "<h2>Tyveri fra kiosk i Nyborg</h2><p>Der var tyveri fra en kiosk.</p></body></html>"
)
MD_REPORT = REPORT.replace("Indbrud i villa", "## Indbrud i villa").replace("Tyveri fra", "## Tyveri fra")


@pytest.mark.parametrize(("report", "fmt"), [(REPORT, "text"), (MD_REPORT, "markdown"), (HTML_REPORT, "html")])
@pytest.mark.parametrize("style", ["full", "short"])
def test_rewrite_without_markers_is_ready_to_publish(env: Env, report: str, fmt: str, style: str) -> None:
    body = {"text": report, "format": fmt, "style": style, "markers": False}
    r = env.client.post("/v1/reports/rewrite", json=body)
    assert r.status_code == 200, r.text
    out, changes = r.json()["text"], r.json()["changes"]
    assert changes["markers"] is False and changes["insertions"]
    assert "botrygt:advice" not in out and "data-template" not in out and "Undgå" in out
    assert rebuild_from_json(out, changes) == report
    again = env.client.post("/v1/reports/rewrite", json={**body, "text": out}).json()
    assert again["changes"]["changed"] is False and again["text"] == out
    # The default keeps the markers.
    marked = env.client.post("/v1/reports/rewrite", json={**body, "markers": True}).json()
    assert "botrygt:advice" in marked["text"] and marked["changes"]["markers"] is True


def test_rewrite_without_markers_takes_out_the_markers_already_there(env: Env) -> None:
    marked = env.client.post("/v1/reports/rewrite", json={"text": REPORT}).json()["text"]
    r = env.client.post("/v1/reports/rewrite", json={"text": marked, "markers": False}).json()
    fresh = env.client.post("/v1/reports/rewrite", json={"text": REPORT, "markers": False}).json()
    assert r["text"] == fresh["text"] and "botrygt:advice" not in r["text"]
    assert [m["text"].strip() for m in r["changes"]["removed_markers"]] == ["[botrygt:advice home_burglary.v1]"]
    assert rebuild_from_json(r["text"], r["changes"]) == marked


def test_rewrite_raw_document_with_markers_false_in_the_query(env: Env) -> None:
    r = env.client.post(
        "/v1/reports/rewrite?markers=false&style=short",
        content=HTML_REPORT.encode(),
        headers={"content-type": "text/html; charset=utf-8"},
    )
    assert r.status_code == 200, r.text
    out = r.json()["text"]
    assert r.json()["changes"]["markers"] is False and "<!--" not in out and 'class="botrygt-advice"' in out
    marked = env.client.post(
        "/v1/reports/rewrite?markers=true", content=REPORT.encode(), headers={"content-type": "text/plain"}
    )
    assert "[botrygt:advice " in marked.json()["text"]


def test_markers_in_the_query_with_a_json_body(env: Env) -> None:
    # A default for a body that leaves it out; the same value twice is fine; different values are a 422.
    r = env.client.post("/v1/reports/rewrite?markers=false", json={"text": REPORT})
    assert r.status_code == 200 and r.json()["changes"]["markers"] is False
    r = env.client.post("/v1/reports/rewrite?markers=false", json={"text": REPORT, "markers": False})
    assert r.status_code == 200 and r.json()["changes"]["markers"] is False
    r = env.client.post("/v1/reports/rewrite?markers=false", json={"text": REPORT, "markers": True})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["query", "markers"]
    for bad in ("no", "False", "0", ""):
        r = env.client.post(f"/v1/reports/rewrite?markers={bad}", json={"text": REPORT})
        assert r.status_code == 422 and r.json()["code"] == "validation_error", bad
        r = env.client.post(
            f"/v1/reports/rewrite?markers={bad}", content=REPORT.encode(), headers={"content-type": "text/plain"}
        )
        assert r.status_code == 422, bad
    r = env.client.post("/v1/reports/rewrite", json={"text": REPORT, "markers": "false"})
    assert r.status_code == 422  # a JSON boolean, not a string


def test_report_errors(env: Env) -> None:
    r = env.client.post("/v1/reports/parse", content=b"\x89PNG", headers={"content-type": "image/png"})
    assert r.status_code == 415
    r = env.client.post("/v1/reports/parse", content=b"\xff\xfe bad", headers={"content-type": "text/plain"})
    assert r.status_code == 422 and r.json()["code"] == "bad_encoding"
    r = env.client.post("/v1/reports/parse", json={"text": "x", "format": "pdf"})
    assert r.status_code == 422
    r = env.client.post("/v1/reports/parse", content=b"", headers={"content-type": "application/json"})
    assert r.status_code == 422


def test_templates_list_and_detail(env: Env) -> None:
    rows = env.client.get("/v1/templates").json()
    ids = {t["template"] for t in rows}
    assert "van_tool_theft.v1" in ids
    assert all("path" not in t for t in rows)  # server paths are not leaked
    d = env.client.get("/v1/templates/van_tool_theft").json()
    assert d["template"] == "van_tool_theft.v1" and d["version"] == 1
    assert [p["principle"] for p in d["points"]] == [
        "gor_tyven_utryg",
        "gor_det_svaert",
        "frist_ikke_tyven",
        "gor_tyvens_liv_surt",
        "skraem_tyven_vaek",
    ]
    assert env.client.get("/v1/templates/home_burglary.christmas.v1").json()["season"] == "christmas"
    nf = env.client.get("/v1/templates/nope")
    assert nf.status_code == 404 and nf.headers["content-type"] == "application/problem+json"


def test_templates_in_use_counts_the_topic(env: Env) -> None:
    rows = {t["template"]: t for t in env.client.get("/v1/templates").json()}
    # Every built-in template is the one chosen for its crime type, season and topic: all in use.
    assert all(t["in_use"] for t in rows.values()), [n for n, t in rows.items() if not t["in_use"]]
    for name, topic in [
        ("car_theft.catalytic_converter.v1", "catalytic_converter"),
        ("fraud.fake_police.v1", "fake_police"),
        ("home_burglary.apartment.v1", "apartment"),
    ]:
        assert rows[name]["topic"] == topic and rows[name]["in_use"] is True, name
    assert rows["car_theft.v1"]["topic"] == "none" and rows["home_burglary.christmas.v1"]["topic"] == "none"
    detail = env.client.get("/v1/templates/fraud.fake_police.v1").json()
    assert detail["topic"] == "fake_police" and detail["in_use"] is True


def test_templates_in_use_agrees_with_the_cli_when_a_district_supersedes_a_topic_template(tmp_path: Path) -> None:
    folder = tmp_path / "district"
    folder.mkdir()
    builtin = get_settings().templates_dir / "advice" / "car_theft.catalytic_converter.v1.md.j2"
    (folder / "car_theft.catalytic_converter.v2.md.j2").write_text(builtin.read_text(encoding="utf-8"), "utf-8")
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'test.sqlite3'}",
        template_override_dir=folder,
    )
    store = make_store(tmp_path)
    app = create_app(settings, analyzer=FakeAnalyzer(), store=store, options=ApiOptions(session_secret="s"))
    try:
        with TestClient(app, base_url="http://127.0.0.1") as client:
            rows = {t["template"]: t for t in client.get("/v1/templates").json()}
            one = client.get("/v1/templates/car_theft.catalytic_converter.v1").json()
    finally:
        store.close()
    assert rows["car_theft.catalytic_converter.v2"]["in_use"] is True
    assert rows["car_theft.catalytic_converter.v2"]["source"] == "override"
    assert rows["car_theft.catalytic_converter.v1"]["in_use"] is False and one["in_use"] is False
    assert rows["car_theft.v1"]["in_use"] is True  # the general advice is still used where the topic is not

    from botrygt_nlp.rewrite import build_store

    cli_store = build_store(settings.templates_dir, folder)  # what `botrygt templates list` marks with *
    assert {n: t["in_use"] for n, t in rows.items()} == {
        t.template_id: cli_store.is_current(t) for t in cli_store.templates
    }


def test_healthz_and_metrics(env: Env) -> None:
    assert env.client.get("/healthz").json()["status"] == "ok"
    env.client.post("/v1/assess", json={"items": [{"text": "Indbrud. Husk at låse."}, {"text": "Indbrud."}]})
    env.client.get("/v1/nothing-here")
    text = env.client.get("/metrics").text
    assert 'botrygt_assessments_total{constructive="true"} 1' in text
    assert 'botrygt_assessments_total{constructive="false"} 1' in text
    assert 'botrygt_http_requests_total{method="POST",route="/v1/assess",status="200"} 1' in text
    assert 'route="unmatched",status="404"' in text
    assert 'botrygt_http_request_duration_seconds_count{route="/v1/assess"} 1' in text
    assert "# TYPE botrygt_feed_polls_total counter" in text
    assert 'botrygt_feeds{status="active"} 0' in text and "botrygt_feeds_failing 0" in text


def test_openapi_lists_the_v1_surface(env: Env) -> None:
    paths = env.client.get("/openapi.json").json()["paths"]
    for p in (
        "/v1/assess",
        "/v1/reports/parse",
        "/v1/reports/rewrite",
        "/v1/templates",
        "/v1/templates/{name}",
        "/v1/feeds",
        "/v1/feeds/{feed_id}",
        "/v1/articles",
        "/v1/trends",
        "/v1/export",
        "/v1/feedback",
        "/healthz",
        "/metrics",
    ):
        assert p in paths, p
    assert not any(p.startswith(("/skriv", "/kilder")) for p in paths)
    assert env.client.get("/docs").status_code == 200


def test_unknown_route_is_problem_json(env: Env) -> None:
    r = env.client.get("/v1/nope")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"


def test_docs_page_works_offline(env: Env) -> None:
    page = env.client.get("/docs")
    assert page.status_code == 200
    assert "/docs-static/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    asset = env.client.get("/docs-static/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.content) > 100_000


@pytest.mark.parametrize(
    "body",
    [
        b'{"text": "x", "n": ' + b"9" * 5000 + b"}",  # over Python's int-string limit: ValueError, not JSONDecodeError
        b"[" * 100_000 + b"]" * 100_000,  # RecursionError
        b'{"text": "\xff\xfe bad"}',  # not UTF-8: UnicodeDecodeError
    ],
)
def test_hostile_json_report_body_is_a_problem_not_a_500(env: Env, body: bytes) -> None:
    for path in ("/v1/reports/parse", "/v1/reports/rewrite"):
        r = env.client.post(path, content=body, headers={"content-type": "application/json"})
        assert r.status_code == 400, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["code"] == "bad_input"
