"""The Kontrol page (label the validation sample, the model's verdict hidden until answered) and the
correction toggle on "Pressen over tid"."""

from __future__ import annotations

import re

from botrygt_nlp.storage.validation import LabelSource, Stratify
from botrygt_nlp.validation import create_sample
from tests.validation.test_validation_flow import fill, label_truthfully
from tests.web.conftest import Web


def test_kontrol_without_a_sample_says_how_to_begin(web: Web) -> None:
    r = web.client.get("/kontrol")
    assert r.status_code == 200
    assert "Der er ikke trukket nogen stikprøve endnu" in r.text and "botrygt validate sample" in r.text
    assert 'href="/kontrol"' in r.text  # in the navigation


def test_answers_need_a_signed_in_key(web: Web) -> None:
    truth = fill(web.store, per_outlet=20)
    _, sample = create_sample(web.store, size=10, seed=1)
    first = sample.items[0].article_id
    page = web.client.get("/kontrol")
    assert "0 af 10" in page.text and "Log ind med en API-nøgle" in page.text
    assert 'id="judge-form"' not in page.text
    r = web.client.post(
        f"/kontrol/{first}",
        data={"csrf_token": web.csrf("/login"), "relevant": "ja", "constructive": "nej"},
        follow_redirects=False,
    )
    assert r.status_code == 401
    assert web.store.latest_labels() == [] and truth


def test_label_one_at_a_time_with_the_verdict_hidden_until_answered(web: Web) -> None:
    fill(web.store, per_outlet=20)
    _, sample = create_sample(web.store, size=5, seed=2, stratify=Stratify.OUTLET)
    web.login()
    page = web.client.get("/kontrol")
    first = sample.items[0].article_id
    a = web.store.get_article(first)
    assert a is not None and a.assessment is not None
    assert f'action="/kontrol/{first}"' in page.text and a.title in page.text
    # No anchoring: nothing on the page says what the model thinks of this article yet.
    assert "Modellen:" not in page.text and "relevant og konstruktiv" not in page.text
    r = web.client.post(
        f"/kontrol/{first}",
        data={"csrf_token": web.csrf("/kontrol"), "relevant": "ja", "constructive": "ja", "crime_type": "fraud"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith(f"/kontrol?svar={first}")
    label = web.store.latest_labels()[0]
    assert (label.article_id, label.relevant, label.constructive) == (first, True, True)
    assert label.annotator == "redaktør" and label.source is LabelSource.WEB and label.crime_type is not None
    after = web.client.get(r.headers["location"])
    said = "ikke relevant" if not a.assessment.relevant else "relevant"
    assert "Du: relevant og konstruktiv" in after.text and f"Modellen: {said}" in after.text
    assert "1 af 5" in after.text
    assert f'action="/kontrol/{sample.items[1].article_id}"' in after.text  # resumes at the next one
    # An answer that leaves out the first question is refused in Danish, nothing stored.
    bad = web.client.post(
        f"/kontrol/{sample.items[1].article_id}",
        data={"csrf_token": web.csrf("/kontrol")},
        follow_redirects=False,
    )
    assert bad.status_code == 422 and "Svar på" in bad.text and len(web.store.latest_labels()) == 1


def test_draw_a_sample_from_the_page(web: Web) -> None:
    fill(web.store, per_outlet=10)
    web.login()
    r = web.client.post(
        "/kontrol/stikprove",
        data={"csrf_token": web.csrf("/kontrol"), "size": "12", "seed": "3"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert web.store.validation_samples()[0].drawn == 12
    assert "0 af 12" in web.client.get("/kontrol?ny=1").text
    r = web.client.post("/kontrol/stikprove", data={"csrf_token": web.csrf("/kontrol"), "size": "x"})
    assert r.status_code == 422 and "hele tal" in r.text


def test_report_and_corrected_trends_on_the_pages(web: Web) -> None:
    label_truthfully(web.store, seed=4)
    page = web.client.get("/kontrol")
    assert 'id="scores-table"' in page.text and "Hele stikprøven er kontrolleret" in page.text
    assert re.search(r"korrigeret for modellens fejl \d+ %", page.text)
    plain = web.client.get("/pressen", params={"period": "quarter"})
    assert "Korrigeret andel" not in plain.text and 'class="corrected"' not in plain.text
    r = web.client.get("/pressen", params={"period": "quarter", "korrigeret": "1"})
    assert r.status_code == 200
    assert "Korrigeret andel" in r.text and "ud fra 120 kontrollerede artikler" in r.text
    assert 'class="corrected"' in r.text  # the dashed corrected line beside the raw one
    assert 'class="corrected-point"' in r.text  # the corrected share the corrected whisker belongs to
    assert "korrigeret for modellens fejl" in r.text  # in the points' accessible names
    assert 'name="korrigeret" value="1" checked' in r.text
    assert "korrigeret=1" in r.text  # drill-down links keep the toggle


def test_corrected_trends_without_labels_say_why(web: Web) -> None:
    fill(web.store, per_outlet=10)
    r = web.client.get("/pressen", params={"korrigeret": "1"})
    assert r.status_code == 200 and "Ingen korrigeret andel" in r.text and "for få kontrollerede artikler" in r.text
