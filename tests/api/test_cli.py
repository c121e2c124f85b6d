"""`botrygt keys create/list/revoke`, `botrygt feedback export`, `botrygt serve --help`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from botrygt_nlp.classify.corpus import parse_unit
from botrygt_nlp.cli import app
from botrygt_nlp.config import get_settings
from botrygt_nlp.domain import CrimeType
from botrygt_nlp.service.training import ExportReport, export_feedback
from botrygt_nlp.storage import Store
from tests.api.helpers import FakeAnalyzer, seed_articles

LONG = (
    "Natten til lørdag var der indbrud i en villa på Skovvej i Ringsted. Tyven kom ind ad et vindue i "
    "baggangen og stjal smykker og en computer. Husk at låse vinduer og døre, når du går hjemmefra."
)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("BOTRYGT_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_keys_create_list_revoke(db: str) -> None:
    runner = CliRunner()
    created = runner.invoke(app, ["keys", "create", "kommune-ringsted"])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[-1]
    assert secret.startswith("btk_")
    store = Store.open(db)
    info = store.verify_api_key(secret)
    assert info is not None and info.name == "kommune-ringsted"
    listed = runner.invoke(app, ["keys", "list"])
    assert "kommune-ringsted" in listed.stdout and "active" in listed.stdout and secret not in listed.stdout
    assert runner.invoke(app, ["keys", "revoke", info.key_id]).exit_code == 0
    assert store.verify_api_key(secret) is None
    assert runner.invoke(app, ["keys", "revoke", info.key_id]).exit_code == 1


def test_serve_help_shows_defaults() -> None:
    out = CliRunner().invoke(app, ["serve", "--help"]).stdout
    assert "127.0.0.1" in out and "8000" in out


def test_feedback_export_gives_valid_corpus_units(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'fb.sqlite3'}")
    analyzer = FakeAnalyzer()
    store.add_feedback(LONG, "alarmist", True, who="anna")
    store.add_feedback(LONG, "crime_type", "holiday_home_burglary", who="bo")
    store.add_feedback("for kort", "relevant", False, who="anna")
    seed_articles(store, analyzer, weeks=1, per_week=1, text=LONG)
    article_id = store.list_articles()[0][0].id
    store.add_feedback(article_id, "relevant", False, who="carl")
    report = ExportReport()
    units = list(export_feedback(store, analyzer, report))
    assert report.exported == 2 and dict(report.skipped) == {"length": 1}
    by_text = {u["author"]: u for u in units}
    u = by_text["feedback:anna,bo"]
    assert u["crime_type"] == "holiday_home_burglary" and u["alarmist"] is True and u["constructive"] is True
    assert u["advice"] == [
        {"text": "Husk at låse vinduer og døre, når du går hjemmefra.", "principle": "gor_det_svaert"}
    ]
    art = by_text["feedback:carl"]
    assert art["relevant"] is False and art["constructive"] is False and art["advice"] == []
    assert art["crime_type"] in ("not_relevant", "other_crime") and art["register"] == "local_news"
    for unit in units:
        parse_unit(unit, "feedback.jsonl")  # the corpus loader accepts every exported unit


def test_feedback_export_command_writes_jsonl(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.open(db)
    store.add_feedback(LONG, "witness_appeal", True, who="anna")
    monkeypatch.setattr("botrygt_nlp.get_analyzer", FakeAnalyzer)
    out = tmp_path / "fb.jsonl"
    result = CliRunner().invoke(app, ["feedback", "export", "--output", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["witness_appeal"] is True
    assert "exported 1 units" in result.stderr


def test_validation_labels_export_as_training_units_only_when_asked(tmp_path: Path) -> None:
    from botrygt_nlp.storage.validation import LabelSource, Stratify, ValidationLabel
    from botrygt_nlp.validation import create_sample

    store = Store.open(f"sqlite:///{tmp_path / 'val.sqlite3'}")
    analyzer = FakeAnalyzer()
    seed_articles(store, analyzer, weeks=1, per_week=2, text=LONG)
    _, sample = create_sample(store, size=2, seed=1, stratify=Stratify.NONE)
    first, second = (it.article_id for it in sample.items)
    store.add_validation_labels(
        [ValidationLabel(first, True, False, CrimeType.BIKE_THEFT, "dina")], source=LabelSource.WEB
    )
    store.add_feedback(second, "alarmist", True, who="anna")
    assert [u["id"] for u in export_feedback(store, analyzer, ExportReport())] == [f"fb-{1:05d}"]
    units = {u["id"]: u for u in export_feedback(store, analyzer, ExportReport(), include_validation=True)}
    val = units[f"val-{first:05d}"]
    assert val["tags"][0] == "source:validation" and val["author"] == "feedback:validation:dina"
    assert val["crime_type"] == "bike_theft" and val["relevant"] is True and val["constructive"] is False
    for unit in units.values():
        parse_unit(unit, "feedback.jsonl")
