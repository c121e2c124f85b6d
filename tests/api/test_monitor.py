"""Feeds, articles (filters + cursor pagination), trends, CSV export, feedback."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from tests.api.conftest import Env
from tests.api.helpers import seed_articles


def test_feed_lifecycle(env: Env) -> None:
    r = env.client.post(
        "/v1/feeds",
        json={
            "url": "https://lokalavis.example/rss",
            "outlet": "Lokalavisen",
            "municipalities": ["Ringsted"],
        },
        headers=env.auth,
    )
    assert r.status_code == 201
    feed = r.json()
    assert feed["status"] == "active" and feed["municipalities"] == ["Ringsted"]
    assert feed["district"]  # resolved from the municipality
    dup = env.client.post("/v1/feeds", json={"url": "https://lokalavis.example/rss", "outlet": "X"}, headers=env.auth)
    assert dup.status_code == 409 and dup.json()["code"] == "feed_exists"
    assert [f["id"] for f in env.client.get("/v1/feeds").json()] == [feed["id"]]
    assert env.client.delete(f"/v1/feeds/{feed['id']}", headers=env.auth).status_code == 204
    assert env.client.delete(f"/v1/feeds/{feed['id']}", headers=env.auth).status_code == 404
    assert env.client.get("/v1/feeds").json() == []


def test_feed_with_bad_scheme_or_place_is_a_client_error(env: Env) -> None:
    r = env.client.post("/v1/feeds", json={"url": "ftp://lokalavis.example/rss", "outlet": "X"}, headers=env.auth)
    assert r.status_code == 422
    r = env.client.post(
        "/v1/feeds",
        json={"url": "https://a.example/rss", "outlet": "X", "municipalities": ["Atlantis"]},
        headers=env.auth,
    )
    assert 400 <= r.status_code < 500


def test_articles_filters_and_cursor(env: Env) -> None:
    seed_articles(env.store, env.analyzer, weeks=4, per_week=3)
    seed_articles(env.store, env.analyzer, outlet="Andet Blad", municipality="Køge", weeks=1, per_week=2)
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 5, "outlet": "Ringsted Avis"}
        if cursor:
            params["cursor"] = cursor
        page = env.client.get("/v1/articles", params=params).json()
        seen += [a["id"] for a in page["articles"]]
        assert all(a["outlet"] == "Ringsted Avis" and a["text"] is None for a in page["articles"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 12 == len(set(seen))
    constructive = env.client.get("/v1/articles", params={"constructive": "true", "limit": 500}).json()
    assert constructive["articles"] and all(a["assessment"]["constructive"] for a in constructive["articles"])
    dated = env.client.get("/v1/articles", params={"since": "2026-01-12", "until": "2026-01-13"}).json()
    assert dated["articles"]
    for a in dated["articles"]:
        assert a["published"].startswith("2026-01-12")
    with_text = env.client.get("/v1/articles", params={"include_text": "true", "limit": 1}).json()
    assert with_text["articles"][0]["text"]


def test_date_filters_count_danish_days(env: Env) -> None:
    # 23:30 UTC on 28 February is 00:30 on 1 March in Copenhagen: a March article, as the trend periods say.
    seed_articles(env.store, env.analyzer, start=datetime(2026, 2, 28, 23, 30, tzinfo=UTC), weeks=1, per_week=1)
    march = env.client.get("/v1/articles", params={"since": "2026-03-01", "until": "2026-04-01"}).json()
    february = env.client.get("/v1/articles", params={"since": "2026-02-01", "until": "2026-03-01"}).json()
    assert len(march["articles"]) == 1 and february["articles"] == []
    rows = env.client.get("/v1/trends", params={"by": "outlet", "period": "month", "since": "2026-03-01"}).json()
    assert [r["period"] for r in rows] == ["2026-03-01"]


def test_bad_cursor_and_reversed_dates_are_client_errors(env: Env) -> None:
    assert env.client.get("/v1/articles", params={"cursor": "!!"}).status_code == 422
    assert env.client.get("/v1/articles", params={"since": "2026-02-01", "until": "2026-02-01"}).status_code == 422
    assert env.client.get("/v1/articles", params={"crime_type": "nope"}).status_code == 422


def test_trends_same_parameters_as_cli(env: Env) -> None:
    seed_articles(env.store, env.analyzer, weeks=8, per_week=4)
    rows = env.client.get("/v1/trends", params={"by": "outlet", "period": "month"}).json()
    assert rows and {r["group"] for r in rows} == {"Ringsted Avis"}
    r0 = rows[0]
    assert 0.0 <= r0["ci_low"] <= r0["share_constructive"] <= r0["ci_high"] <= 1.0
    weekly = env.client.get(
        "/v1/trends",
        params={"by": "municipality", "period": "week", "since": "2026-01-12", "until": "2026-01-25"},
    ).json()
    assert [r["period"] for r in weekly] == ["2026-01-12", "2026-01-19"]
    assert env.client.get("/v1/trends", params={"by": "colour"}).status_code == 422


def test_export_streams_csv_and_defuses_formulas(env: Env) -> None:
    seed_articles(env.store, env.analyzer, weeks=1, per_week=2, title='=HYPERLINK("http://evil")')
    r = env.client.get("/v1/export")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 2
    assert all(row["title"].startswith("'=") for row in rows)
    assert {row["outlet"] for row in rows} == {"Ringsted Avis"}
    only = env.client.get("/v1/export", params={"outlet": "Nobody"}).text.splitlines()
    assert len(only) == 1  # header only


def test_feedback_is_stored_with_who_and_when(env: Env) -> None:
    before = datetime.now(UTC)
    r = env.client.post(
        "/v1/feedback",
        json={"text": "Indbrud i nat.", "label": "constructive", "value": False},
        headers=env.auth,
    )
    assert r.status_code == 201 and r.json()["who"] == "tester"
    seed_articles(env.store, env.analyzer, weeks=1, per_week=1)
    aid = env.client.get("/v1/articles").json()["articles"][0]["id"]
    r = env.client.post(
        "/v1/feedback",
        json={"article_id": aid, "label": "crime_type", "value": "car_theft"},
        headers=env.auth,
    )
    assert r.status_code == 201
    recs = env.store.list_feedback()
    assert {(f.label, f.value, f.who) for f in recs} == {
        ("constructive", False, "tester"),
        ("crime_type", "car_theft", "tester"),
    }
    assert all(f.at >= before for f in recs)


def test_feedback_validation(env: Env) -> None:
    post = env.client.post
    assert post("/v1/feedback", json={"label": "relevant", "value": True}, headers=env.auth).status_code == 422
    assert (
        post("/v1/feedback", json={"text": "x", "label": "crime_type", "value": True}, headers=env.auth).status_code
        == 422
    )
    assert (
        post(
            "/v1/feedback", json={"text": "x", "label": "relevant", "value": "car_theft"}, headers=env.auth
        ).status_code
        == 422
    )
    assert (
        post("/v1/feedback", json={"article_id": 999, "label": "relevant", "value": True}, headers=env.auth).status_code
        == 422
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://user:secret@feeds.example/rss",  # credentials would be shown to every reader of /v1/feeds
        "https://feeds.example:99999/rss",  # port out of range
        "https://[::1/rss",  # broken IPv6 brackets
        "https://feeds.example/r ss",  # whitespace inside
        "https:///rss",  # no host
    ],
)
def test_add_feed_refuses_malformed_urls(env: Env, url: str) -> None:
    r = env.client.post("/v1/feeds", json={"url": url, "outlet": "A"}, headers=env.auth)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "bad_input"
    assert env.store.list_feeds() == []
