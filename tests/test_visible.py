"""Characters a reader never sees (soft hyphens, zero-width spaces, controls, decomposed letters) change neither
the verdict nor where the shown evidence points."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botrygt_nlp import get_analyzer
from botrygt_nlp.visible import has_controls, visible_text

TEXT = (
    "Natten til fredag blev der begået indbrud i et rækkehus på Birkevej. Tyven stjal en computer. "
    "Husk at låse døren, også når du kun går en kort tur. Politiet efterlyser vidner på 114."
)

VARIANTS = {
    "nul between sentences": TEXT.replace("Birkevej. ", "Birkevej.\x00 "),
    "nul at the end": TEXT + "\x00",
    "zero-width space": TEXT.replace("computer. ", "computer.\u200b "),
    "soft hyphen inside a word": TEXT.replace("låse", "lå\u00adse").replace("rækkehus", "række\u00adhus"),
    "byte-order mark first": "\ufeff" + TEXT,
    "decomposed letters (NFD)": unicodedata.normalize("NFD", TEXT),
    "word joiner": TEXT.replace("Husk", "\u2060Husk").replace("kort", "ko\u2060rt"),
}


def test_unchanged_text_costs_no_map() -> None:
    v = visible_text(TEXT)
    assert v.text is TEXT
    assert v.origin is None
    assert v.original_span(3, 9) == (3, 9)


def test_decomposed_letters_compose_and_map_back() -> None:
    original = unicodedata.normalize("NFD", "Lås døren")
    v = visible_text(original)
    assert v.text == "Lås døren"
    start, end = v.original_span(0, len(v.text))
    assert original[start:end] == original
    start, end = v.original_span(4, 9)  # "døren"
    assert unicodedata.normalize("NFC", original[start:end]) == "døren"


def test_controls_become_spaces_and_invisibles_go() -> None:
    v = visible_text("a\x00b\u00adc\u200bd\te\nf")
    assert v.text == "a bcd\te\nf"
    assert v.original_span(2, 4) == (2, 5)  # "bc" came from "b\u00adc"


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_same_visible_text_same_verdict(name: str) -> None:
    analyzer = get_analyzer()
    plain = analyzer.assess(TEXT)
    assert plain.constructive  # the check below would be empty otherwise
    text = VARIANTS[name]
    other = analyzer.assess(text)
    assert (other.constructive, other.relevant, other.crime_type) == (
        plain.constructive,
        plain.relevant,
        plain.crime_type,
    )
    assert other.score == pytest.approx(plain.score)
    assert len(other.advice_spans) == len(plain.advice_spans)
    for span in (*other.advice_spans, *other.alarm_spans, *other.crime_cues, *other.witness_spans):
        assert text[span.start : span.end] == span.text  # the Span promise: a slice of the text as given
    for a, b in zip(other.advice_spans, plain.advice_spans, strict=True):
        visible = unicodedata.normalize("NFC", a.text.replace("\u00ad", "").replace("\u2060", ""))
        assert visible == b.text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab å\u00ad\u200b\x00\u030a\ufeff\n"), max_size=40))
def test_every_span_maps_inside_the_original(text: str) -> None:
    v = visible_text(text)
    for start in range(len(v.text) + 1):
        for end in range(start, len(v.text) + 1):
            a, b = v.original_span(start, end)
            assert 0 <= a <= b <= len(text)


def test_controls_are_named_but_tabs_and_line_breaks_are_text() -> None:
    assert has_controls("A\x00B") and has_controls("\x7f") and has_controls("x\x1by")
    assert not has_controls("Fyns Stiftstidende\tOdense\r\nNyborg") and not has_controls("")
