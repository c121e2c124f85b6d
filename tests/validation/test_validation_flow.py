"""Validation end to end on every storage backend: draw a sample of stored articles, label it, import the
labels, and check that the report and the corrected trends agree with the labels."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from botrygt_nlp.domain import CrimeType
from botrygt_nlp.errors import InputError
from botrygt_nlp.quantify import CoverageClass
from botrygt_nlp.storage import Store
from botrygt_nlp.storage.validation import LabelSource, Stratify, UnknownSampleArticle, ValidationLabel
from botrygt_nlp.validation import (
    ErrorRateScope,
    allocate,
    corrected_trends,
    create_sample,
    import_labels,
    next_to_label,
    sample_lines,
    validation_report,
)
from tests.storage.helpers import T0, article, assessment

VERSION = "test-v1"
# P(model says k | truth j), columns the truth: the model over-calls "constructive".
SAYS = np.array([[0.93, 0.05, 0.03], [0.05, 0.82, 0.10], [0.02, 0.13, 0.87]])
OUTLETS = {"Avis A": (0.5, 0.35, 0.15), "Avis B": (0.3, 0.3, 0.4), "Avis C": (0.6, 0.3, 0.1)}


def fill(store: Store, per_outlet: int = 200, seed: int = 7) -> dict[int, CoverageClass]:
    """Articles whose truth we know, assessed by a synthetic classifier with the error rates above."""
    rng = np.random.default_rng(seed)
    items = []
    truths: list[CoverageClass] = []
    for o, (outlet, mix) in enumerate(OUTLETS.items()):
        for i in range(per_outlet):
            truth = int(rng.choice(3, p=mix))
            said = CoverageClass(int(rng.choice(3, p=SAYS[:, truth])))
            a = article(
                f"https://{o}.example/{i}",
                f"Artikel {o}-{i}",
                outlet=outlet,
                published=T0 + timedelta(days=i % 90, minutes=i),
            )
            items.append(
                (
                    a,
                    assessment(
                        relevant=said is not CoverageClass.NOT_RELEVANT,
                        constructive=said is CoverageClass.CONSTRUCTIVE,
                        version=VERSION,
                    ),
                )
            )
            truths.append(CoverageClass(truth))
    outcome = store.insert_articles(items, dedup_titles=False)
    assert len(outcome.article_ids) == len(items)
    return dict(zip(outcome.article_ids, truths, strict=True))


def label_truthfully(store: Store, size: int = 120, seed: int = 5) -> dict[int, CoverageClass]:
    """Fill the store, draw a stratified sample and label every sampled article with its truth."""
    truth = fill(store)
    _, sample = create_sample(store, size=size, seed=seed, stratify=Stratify.OUTLET)
    labels = [
        ValidationLabel(
            it.article_id,
            truth[it.article_id] is not CoverageClass.NOT_RELEVANT,
            truth[it.article_id] is CoverageClass.CONSTRUCTIVE,
        )
        for it in sample.items
    ]
    store.add_validation_labels(labels, source=LabelSource.IMPORT)
    return truth


def label_lines(store: Store, sample_ids: list[int], truth: dict[int, CoverageClass]) -> list[str]:
    return [
        json.dumps(
            {
                "article_id": a,
                "relevant": truth[a] is not CoverageClass.NOT_RELEVANT,
                "constructive": truth[a] is CoverageClass.CONSTRUCTIVE,
                "annotator": "tester",
            }
        )
        for a in sample_ids
    ]


def test_allocation_is_proportional_and_covers_every_outlet() -> None:
    assert allocate({"a": 500, "b": 300, "c": 200}, 100) == {"a": 50, "b": 30, "c": 20}
    alloc = allocate({"big": 990, "tiny": 10}, 20)
    assert alloc == {"big": 19, "tiny": 1} and sum(alloc.values()) == 20
    assert allocate({"a": 3, "b": 2}, 50) == {"a": 3, "b": 2}  # never more than a stratum holds


def test_sample_is_reproducible_stratified_and_records_its_design(store: Store) -> None:
    fill(store, per_outlet=60)
    sid, sample = create_sample(store, size=30, seed=11, stratify=Stratify.OUTLET)
    ids = [it.article_id for it in sample.items]
    assert len(ids) == len(set(ids)) == 30
    again = create_sample(store, size=30, seed=11, stratify=Stratify.OUTLET)[1]
    assert [it.article_id for it in again.items] == ids
    other = create_sample(store, size=30, seed=12, stratify=Stratify.OUTLET)[1]
    assert [it.article_id for it in other.items] != ids
    strata = {s["stratum"]: s for s in sample.design["strata"]}
    assert set(strata) == set(OUTLETS) and all(s["drawn"] == 10 for s in strata.values())
    assert all(it.inclusion_probability == pytest.approx(10 / 60) for it in sample.items)
    info = store.validation_samples()[-1]
    assert info.id == sid and info.drawn == 30 and info.labelled == 0 and info.model_version == VERSION
    assert info.population == 180 and info.stratify is Stratify.OUTLET
    lines = list(sample_lines(store, sample.items))
    assert [d["article_id"] for d in lines] == ids
    assert set(lines[0]) == {"article_id", "url", "outlet", "published", "title", "text"}  # no model verdict


def test_sample_refuses_bad_sizes_and_empty_ranges(store: Store) -> None:
    with pytest.raises(InputError, match="no stored articles"):
        create_sample(store, size=10, seed=1)
    fill(store, per_outlet=5)
    with pytest.raises(InputError, match="--size"):
        create_sample(store, size=0, seed=1)
    _, small = create_sample(store, size=100, seed=1, stratify=Stratify.NONE)
    assert len(small.items) == 15  # everything there is


def test_import_keeps_good_lines_and_reports_bad_ones_by_number(store: Store) -> None:
    truth = fill(store, per_outlet=20)
    _, sample = create_sample(store, size=10, seed=3)
    ids = [it.article_id for it in sample.items]
    not_sampled = next(a for a in truth if a not in ids)
    lines = [
        *label_lines(store, ids[:5], truth),
        "{not json",
        json.dumps({"article_id": ids[5], "relevant": "yes", "constructive": False}),
        json.dumps({"article_id": ids[6], "relevant": False, "constructive": True}),
        json.dumps({"article_id": not_sampled, "relevant": True, "constructive": False}),
        json.dumps({"article_id": ids[7], "relevant": True, "constructive": False, "crime_type": "dragons"}),
        "",
        json.dumps({"article_id": ids[8], "relevant": True, "constructive": True, "crime_type": "home_burglary"}),
    ]
    report = import_labels(store, enumerate(lines, start=1))
    assert report.imported == 6 and report.read == 11
    assert [e.line for e in report.errors] == [6, 7, 8, 9, 10]
    assert "not JSON" in report.errors[0].error and "'relevant'" in report.errors[1].error
    assert "cannot be true" in report.errors[2].error and "no validation sample" in report.errors[3].error
    labels = {lab.article_id: lab for lab in store.latest_labels()}
    assert labels[ids[8]].crime_type is CrimeType.HOME_BURGLARY and labels[ids[0]].annotator == "tester"
    assert labels[ids[0]].source is LabelSource.IMPORT
    with pytest.raises(UnknownSampleArticle):
        store.add_validation_labels([ValidationLabel(not_sampled, True, False)], source=LabelSource.WEB)


def test_a_later_label_replaces_an_earlier_one(store: Store) -> None:
    fill(store, per_outlet=5)
    _, sample = create_sample(store, size=3, seed=1)
    a = sample.items[0].article_id
    store.add_validation_labels([ValidationLabel(a, True, True)], source=LabelSource.WEB)
    store.add_validation_labels([ValidationLabel(a, False, False)], source=LabelSource.WEB)
    latest = [lab for lab in store.latest_labels() if lab.article_id == a]
    assert len(latest) == 1 and not latest[0].relevant
    sid = store.validation_samples()[0].id
    nxt, done, total = next_to_label(store, sid)
    assert (done, total) == (1, 3) and nxt is not None and nxt.article_id == sample.items[1].article_id


def test_report_and_corrected_trends_agree_with_the_labels(store: Store) -> None:
    truth = fill(store)
    _, sample = create_sample(store, size=120, seed=2026, stratify=Stratify.OUTLET)
    ids = [it.article_id for it in sample.items]
    report_in = import_labels(store, enumerate(label_lines(store, ids, truth), start=1))
    assert report_in.imported == 120 and not report_in.errors

    report = validation_report(store)
    assert report.model_version == VERSION and report.n_labelled == 120 and report.n_unassessed == 0
    said = {
        a.id: CoverageClass.of(a.assessment.relevant, a.assessment.constructive)
        for a in (store.get_article(i) for i in ids)
        if a is not None and a.assessment is not None
    }
    # The report's relevant precision and the confusion table, counted by hand from the labels.
    pairs = Counter((said[a], truth[a]) for a in ids)
    tp = sum(n for (s, t), n in pairs.items() if s != CoverageClass.NOT_RELEVANT and t != CoverageClass.NOT_RELEVANT)
    fp = sum(n for (s, t), n in pairs.items() if s != CoverageClass.NOT_RELEVANT and t == CoverageClass.NOT_RELEVANT)
    assert report.relevant.true_positive == tp and report.relevant.false_positive == fp
    assert report.relevant.precision == pytest.approx(tp / (tp + fp))
    assert [[pairs[(CoverageClass(k), CoverageClass(j))] for j in range(3)] for k in range(3)] == [
        list(r) for r in report.confusion
    ]
    # The whole range: the two-phase estimate, recomputed by hand from the labels and the model's counts
    # over all 600 articles (how often it lands near the truth is the simulation's job, in test_quantify).
    population = Counter(
        CoverageClass.of(a.assessment.relevant, a.assessment.constructive)
        for a in store.iter_articles(model_version=VERSION)
        if a.assessment is not None
    )
    mix = [0.0, 0.0, 0.0]
    for k in CoverageClass:
        behind = [truth[a] for a in ids if said[a] is k]
        for j in CoverageClass:
            mix[j] += population[k] * sum(t is j for t in behind) / len(behind)
    assert report.share_corrected == pytest.approx(mix[2] / (mix[1] + mix[2]))
    assert report.share_raw == pytest.approx(population[CoverageClass.CONSTRUCTIVE] / (600 - population[0]))
    assert report.ci_low is not None and report.ci_high is not None
    assert 0.0 <= report.ci_low <= report.share_corrected <= report.ci_high <= 1.0
    assert report.articles_in_range == 600 and report.method == "two-phase"
    js = report.to_json()
    assert {"model_version", "n_labelled", "relevant", "constructive", "share_raw", "share_corrected"} <= set(js)
    assert {"ci_low", "ci_high", "method"} <= set(js) and {"precision", "recall", "f1"} <= set(js["relevant"])  # type: ignore[arg-type]

    rows = corrected_trends(store, "outlet", "quarter")
    assert {r.row.group for r in rows} == set(OUTLETS)
    for r in rows:
        c = r.correction
        assert c.share is not None and c.ci_low is not None and c.ci_high is not None, c.note
        assert 0.0 <= c.ci_low <= c.share <= c.ci_high <= 1.0 and c.n_labels == 120
        assert r.error_rates == ErrorRateScope.POOLED
        # The correction's interval is wider than the Wilson interval of the raw share: it carries the
        # uncertainty of the error rates too.
        assert r.row.ci_low is not None and r.row.ci_high is not None
        assert (c.ci_high - c.ci_low) > (r.row.ci_high - r.row.ci_low)
    # Per-outlet error rates: 40 labels an outlet with at least 5 per true class, or the row says "pooled".
    scoped = corrected_trends(store, "outlet", "quarter", error_rates=ErrorRateScope.OUTLET)
    assert {r.error_rates for r in scoped} <= {"pooled", "outlet"}
    assert all(r.to_json()["correction_error_rates"] == r.error_rates for r in scoped)


def test_without_labels_rows_say_why(store: Store) -> None:
    fill(store, per_outlet=20)
    rows = corrected_trends(store, "outlet", "month")
    assert rows and all(r.correction.share is None and "at least" in (r.correction.note or "") for r in rows)
    with pytest.raises(InputError, match="no labelled articles"):
        validation_report(store)


def test_cli_sample_import_report_and_corrected_trends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from botrygt_nlp.cli import app
    from botrygt_nlp.config import get_settings

    monkeypatch.setenv("BOTRYGT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("BOTRYGT_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        with Store.from_settings(get_settings()) as store:
            truth = fill(store)
        runner = CliRunner()
        out = tmp_path / "sample.jsonl"
        r = runner.invoke(app, ["validate", "sample", "--size", "120", "--seed", "4", "--output", str(out)])
        assert r.exit_code == 0, r.stderr
        assert "drew 120 of 600 articles" in r.stderr
        drawn = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert len(drawn) == 120 and "relevant" not in drawn[0]
        labels = tmp_path / "labels.jsonl"
        lines = label_lines(store, [d["article_id"] for d in drawn], truth)
        labels.write_text("\n".join([*lines, '{"article_id": "x"}']) + "\n", encoding="utf-8")
        r = runner.invoke(app, ["validate", "import", str(labels)])
        assert r.exit_code == 1 and "120 labels imported, 1 refused" in r.stdout
        assert f"{labels}:121:" in r.stderr
        r = runner.invoke(app, ["validate", "report", "--format", "json"])
        assert r.exit_code == 0, r.stderr
        js = json.loads(r.stdout)
        assert js["n_labelled"] == 120 and js["method"] == "two-phase"
        assert 0 <= js["ci_low"] <= js["share_corrected"] <= js["ci_high"] <= 1
        r = runner.invoke(app, ["validate", "report"])
        assert (
            r.exit_code == 0 and "corrected for the model's errors" in r.stdout and "assumption (trends):" in r.stdout
        )
        r = runner.invoke(app, ["trends", "--corrected", "--period", "quarter", "--format", "json"])
        assert r.exit_code == 0, r.stderr
        rows = json.loads(r.stdout)
        assert len(rows) == 6 and all(row["share_corrected"] is not None for row in rows)
        r = runner.invoke(app, ["trends", "--corrected", "--format", "csv"])
        assert r.exit_code == 0 and r.stdout.splitlines()[0].endswith("correction_note")
        r = runner.invoke(app, ["trends", "--corrected"])
        assert r.exit_code == 0 and "corrected" in r.stdout and "assumption:" in r.stdout
        r = runner.invoke(app, ["validate", "sample", "--size", "5", "--stratify", "county"])
        assert r.exit_code == 2 and "--stratify" in r.stderr
    finally:
        get_settings.cache_clear()
