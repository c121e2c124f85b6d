"""GET /v1/trends?corrected=true, GET /v1/validation/report and POST /v1/validation/labels."""

from __future__ import annotations

from botrygt_nlp.storage.validation import LabelSource
from tests.api.conftest import Env
from tests.validation.test_validation_flow import VERSION, fill, label_truthfully


def _label_sample(env: Env) -> None:
    label_truthfully(env.store)


def test_trends_corrected_adds_the_correction_to_every_row(env: Env) -> None:
    _label_sample(env)
    plain = env.client.get("/v1/trends", params={"period": "quarter", "model_version": VERSION}, headers=env.auth)
    assert plain.status_code == 200 and "share_corrected" in plain.json()[0]
    assert plain.json()[0]["share_corrected"] is None  # only asked for
    r = env.client.get(
        "/v1/trends", params={"period": "quarter", "corrected": "true", "model_version": VERSION}, headers=env.auth
    )
    assert r.status_code == 200
    rows = r.json()
    assert len(rows) == len(plain.json())
    for row in rows:
        assert row["correction_method"] == "constrained-inverse" and row["correction_labels"] == 120
        assert 0 <= row["corrected_low"] <= row["share_corrected"] <= row["corrected_high"] <= 1
    r = env.client.get("/v1/trends", params={"corrected": "true", "error_rates": "county"}, headers=env.auth)
    assert r.status_code == 422


def test_trends_corrected_without_labels_says_why(env: Env) -> None:
    fill(env.store, per_outlet=10)
    r = env.client.get("/v1/trends", params={"corrected": "true", "model_version": VERSION}, headers=env.auth)
    assert r.status_code == 200
    assert all(row["share_corrected"] is None and "at least" in row["correction_note"] for row in r.json())


def test_validation_report_and_labels(env: Env) -> None:
    r = env.client.get("/v1/validation/report", headers=env.auth)
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    _label_sample(env)
    r = env.client.get("/v1/validation/report", params={"model_version": VERSION}, headers=env.auth)
    assert r.status_code == 200
    js = r.json()
    assert js["n_labelled"] == 120 and js["method"] == "two-phase"
    assert {"precision", "recall", "f1"} <= set(js["relevant"]) and {"precision", "recall"} <= set(js["constructive"])
    sampled = env.store.validation_samples()[0]
    first = env.store.sample_items(sampled.id)[0][0].article_id
    body = {"labels": [{"article_id": first, "relevant": True, "constructive": False}]}
    assert env.client.post("/v1/validation/labels", json=body).status_code == 401
    r = env.client.post("/v1/validation/labels", json=body, headers=env.auth)
    assert r.status_code == 201 and r.json() == {"stored": 1, "annotator": "tester"}
    latest = next(lab for lab in env.store.latest_labels() if lab.article_id == first)
    assert latest.annotator == "tester" and latest.source is LabelSource.WEB and not latest.constructive
    bad = {"labels": [{"article_id": first, "relevant": False, "constructive": True}]}
    assert env.client.post("/v1/validation/labels", json=bad, headers=env.auth).status_code == 422
    sampled_ids = {it.article_id for it, _ in env.store.sample_items(sampled.id)}
    outside = next(a.id for a in env.store.iter_articles() if a.id not in sampled_ids)
    r = env.client.post(
        "/v1/validation/labels",
        json={"labels": [{"article_id": outside, "relevant": True, "constructive": False}]},
        headers=env.auth,
    )
    assert r.status_code == 422 and r.json()["code"] == "not_sampled"
