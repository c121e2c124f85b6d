"""The sentence alarm model: its labels, its evidence, and model folders trained before it existed."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from botrygt_nlp.analysis import Analyzer
from botrygt_nlp.classify.corpus import Unit
from botrygt_nlp.classify.model import OPTIONAL_PARTS, LinearBundle
from botrygt_nlp.classify.train import alarm_sentence_labels
from botrygt_nlp.config import PROJECT_ROOT
from botrygt_nlp.domain import CrimeType, Register
from botrygt_nlp.nlp.pipeline import build_nlp
from botrygt_nlp.nlp.text import process

MODEL = PROJECT_ROOT / "models" / "default"
TEXT = "Igen i nat var der indbrud i tre villaer på Egevej. Hvor er verden på vej hen? Politiet efterforsker sagen."
# Relevant, with alarmist wording the lexicon names ("indbrudsbølge") and a sentence it does not.
STORY = (
    "Endnu en nat med indbrud i Solrød, hvor en indbrudsbølge har ramt villavejene. "
    "Beboerne på Egevej siger, at de ikke længere kan sove om natten. "
    "Tyvene brød ind gennem en terrassedør og stjal smykker og en computer."
)


def _unit(*, alarmist: bool, alarm: tuple[tuple[int, int], ...]) -> Unit:
    return Unit(
        id="t-1",
        register=Register.LOCAL_NEWS,
        title="",
        text=TEXT,
        relevant=True,
        crime_type=CrimeType.HOME_BURGLARY,
        constructive=False,
        alarmist=alarmist,
        witness_appeal=False,
        advice=(),
        alarm=alarm,
        tags=(),
        generated=False,
        source_file="test.jsonl",
    )


def test_labels_mark_the_sentences_an_annotated_phrase_lies_in() -> None:
    doc = process(build_nlp(), TEXT, "")
    start = TEXT.index("Hvor er verden")
    marked = alarm_sentence_labels(_unit(alarmist=True, alarm=((start, start + 26),)), doc)
    assert marked == [0, 1, 0]
    # A text that is not alarmist teaches every sentence as a counter-example.
    assert alarm_sentence_labels(_unit(alarmist=False, alarm=()), doc) == [0, 0, 0]
    # An alarmist text whose phrases were not marked says nothing about its sentences.
    assert alarm_sentence_labels(_unit(alarmist=True, alarm=()), doc) is None


def test_the_shipped_model_has_the_sentence_part_and_its_threshold() -> None:
    analyzer = Analyzer(MODEL)
    assert analyzer.bundle.alarm_sentence is not None
    assert 0.5 < analyzer.meta.thresholds["alarm_sentence"] < 1.0


def test_sure_sentences_are_shown_beside_the_lexicon_phrases() -> None:
    analyzer = Analyzer(MODEL)
    # With a threshold of 0 every sentence of a relevant text counts: the verdict, the score and the spans must
    # follow, each sentence shown once, and a sentence that holds a lexicon phrase is shown by that phrase only.
    analyzer.meta = dataclasses.replace(analyzer.meta, thresholds={**analyzer.meta.thresholds, "alarm_sentence": 0.0})
    a = analyzer.assess(STORY)
    assert a.relevant and a.alarmist
    texts = [s.text for s in a.alarm_spans]
    assert "indbrudsbølge" in texts
    assert "Beboerne på Egevej siger, at de ikke længere kan sove om natten." in texts
    assert not any("indbrudsbølge" in t and t != "indbrudsbølge" for t in texts)
    assert [s.start for s in a.alarm_spans] == sorted(s.start for s in a.alarm_spans)
    for s in a.alarm_spans:
        assert STORY[s.start : s.end] == s.text
    assert a.alarmist_score is not None and a.alarmist_score >= 0.0


def test_a_text_out_of_scope_never_takes_the_sentence_path() -> None:
    analyzer = Analyzer(MODEL)
    analyzer.meta = dataclasses.replace(analyzer.meta, thresholds={**analyzer.meta.thresholds, "alarm_sentence": 0.0})
    a = analyzer.assess("Vejret bliver koldt i weekenden, og der er risiko for glatte veje om morgenen i hele landet.")
    assert not a.relevant and not a.alarmist and not a.alarm_spans


@pytest.fixture
def model_without_sentence_part(tmp_path: Path) -> Path:
    folder = tmp_path / "old-model"
    shutil.copytree(MODEL, folder)
    for name in OPTIONAL_PARTS:
        (folder / f"{name}.json").unlink()
        (folder / f"{name}.npz").unlink()
    return folder


def test_a_model_folder_from_before_the_part_loads_and_decides(model_without_sentence_part: Path) -> None:
    bundle = LinearBundle.load(model_without_sentence_part)
    assert bundle.alarm_sentence is None
    a = Analyzer(model_without_sentence_part).assess(STORY)
    assert a.relevant
    assert a.alarmist == bool(a.alarm_spans)
    # Without the part only lexicon phrases can be shown.
    assert all(len(s.text.split()) <= 6 for s in a.alarm_spans)


def test_a_sentence_shown_as_advice_is_never_also_shown_as_alarm() -> None:
    analyzer = Analyzer(MODEL)
    analyzer.meta = dataclasses.replace(analyzer.meta, thresholds={**analyzer.meta.thresholds, "alarm_sentence": 0.0})
    text = (
        "Der har igen været indbrud i flere villaer på Egevej i Solrød. Tyvene kom ind gennem terrassedøren. "
        "Husk at låse terrassedøren, og tænd lys med bevægelsessensor ved indgangen."
    )
    a = analyzer.assess(text)
    assert a.constructive and a.alarmist
    advice = {(s.start, s.end) for s in a.advice_spans}
    assert advice
    assert not advice & {(s.start, s.end) for s in a.alarm_spans}
