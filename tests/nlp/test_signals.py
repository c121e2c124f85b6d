"""Rule signals: advice cues, witness appeals vs prevention calls, alarm wording, LIX, language."""

from __future__ import annotations

import pytest

from botrygt_nlp.domain import Language
from botrygt_nlp.nlp.pipeline import LemmaLookup, build_nlp
from botrygt_nlp.nlp.signals import alarm_matches, detect_language, looks_imperative, sentence_signals
from botrygt_nlp.nlp.text import process

NLP = build_nlp(LemmaLookup.full())


def first_signals(text: str):  # type: ignore[no-untyped-def]
    doc = process(NLP, text)
    return sentence_signals(doc.sentences[0])


@pytest.mark.parametrize(
    ("first", "lemma", "expected"),
    [
        ("lås", "låse", True),
        ("tøm", "tømme", True),
        ("undgå", "undgå", True),
        ("tyven", "tyv", False),
        ("bilen", "bil", False),
        ("klip", "klippe", True),
    ],
)
def test_imperative_forms(first: str, lemma: str, expected: bool) -> None:
    assert looks_imperative(first, lemma) is expected


def test_advice_signals() -> None:
    s = first_signals("Husk at låse terrassedøren, når du går i haven.")
    assert s.imperative and s.advice_phrase and s.addressee
    m = first_signals("Man bør altid tyverimærke sine ting.")
    assert m.modal
    inner = first_signals("Ser du en mistænkelig bil, så ring 114 med det samme.")
    assert inner.inner_imperative and inner.preventive_call and not inner.witness


def test_witness_appeal_is_not_a_prevention_call() -> None:
    s = first_signals("Politiet efterlyser vidner, der har set noget, og de kan ringe på 114.")
    assert s.witness
    assert not s.preventive_call


def test_narrative_sentence_is_not_imperative() -> None:
    s = first_signals("Tyvene brækkede et vindue op og stjal smykker.")
    assert not s.imperative and s.narrative_subject and s.past_tense >= 1


def test_alarm_matches_find_wording_with_offsets() -> None:
    text = "En indbrudsbølge hærger byen, og tyvene har en fest. Rekordmange anmeldelser."
    found = [m.text.lower() for m in alarm_matches(text)]
    assert {"indbrudsbølge", "hærger", "har en fest", "rekordmange"} <= set(found)
    for m in alarm_matches(text):
        assert text[m.start : m.end] == m.text
    assert alarm_matches("Der var tre indbrud i uge 12, det laveste niveau i ti år.") == []


def test_alarm_words_named_only_to_reject_them_are_not_matches() -> None:
    assert alarm_matches("Der er ingen indbrudsbølge i Greve, siger politiet.") == []
    assert alarm_matches("Det er ikke tale om en bølge af tyverier.") == []
    # The phrase itself may start with a negation word; that is the alarmist wording, not a rejection of it.
    assert [m.text for m in alarm_matches("Ingen er sikre i det kvarter.")] == ["Ingen er sikre"]


def test_a_country_named_as_a_fact_is_not_national_attribution() -> None:
    assert alarm_matches("Opkaldet kom fra et nummer i Litauen, oplyser banken.") == []
    assert [m.text for m in alarm_matches("Politiet mistænker to litauere for tyverierne.")] == ["litauere"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Henvendelse til politiet på 114.",
        "Har man set noget mistænkeligt, hører politiet gerne fra en på 114.",
        "Oplysninger til Sydøstjyllands Politi på 114.",
        "Politiet beder alle, der kan genkende manden, om at ringe 114.",
    ],
)
def test_witness_appeals_as_districts_word_them(sentence: str) -> None:
    s = first_signals(sentence)
    assert s.witness and not s.preventive_call


def test_lix_of_a_known_text() -> None:
    # 10 words, 2 sentences, 4 longer than six letters (Politiet, efterforsker, indbruddet, villaen).
    doc = process(NLP, "Politiet efterforsker indbruddet i villaen. Tyvene tog ikke noget med.")
    assert doc.n_words == 10
    assert doc.lix == pytest.approx(10 / 2 + 100 * 4 / 10)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "Natten til tirsdag var der indbrud i en villa, og politiet efterlyser vidner til det.",
            Language.DANISH,
        ),
        (
            "Police say the burglars entered the house through a window and they are looking for witnesses.",
            Language.ENGLISH,
        ),
        ("Polisen söker vittnen efter inbrottet och det är inte första gången i år.", Language.OTHER_NORDIC),
    ],
)
def test_language_detection(text: str, lang: Language) -> None:
    doc = process(NLP, text)
    words = [w for s in doc.sentences for w in s.words]
    assert detect_language(words)[0] is lang
