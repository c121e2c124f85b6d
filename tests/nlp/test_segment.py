"""Sentence splitting on the genre's hard cases; offsets always point into the original text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botrygt_nlp.nlp.pipeline import build_nlp

NLP = build_nlp(lemmas=False)


def sents(text: str) -> list[str]:
    return [s.text.strip() for s in NLP(text).sents if s.text.strip()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Det skete mellem kl. 15.30 og kl. 8. Politiet efterlyser vidner.",
            ["Det skete mellem kl. 15.30 og kl. 8.", "Politiet efterlyser vidner."],
        ),
        (
            "Sagen har journalnr. 0900-80151-00123-25. Ring 114.",
            ["Sagen har journalnr. 0900-80151-00123-25.", "Ring 114."],
        ),
        (
            "Det skete 1.-3. juni i Vejle. Tyvene tog smykker.",
            ["Det skete 1.-3. juni i Vejle.", "Tyvene tog smykker."],
        ),
        (
            "Han bor på Ny Vestergade 12. Mellem fredag og lørdag skete det.",
            ["Han bor på Ny Vestergade 12.", "Mellem fredag og lørdag skete det."],
        ),
        (
            "Det skete d. 12. marts ca. kl. 14.05 bl.a. i Kbh. K. Ingen kom til skade.",
            ["Det skete d. 12. marts ca. kl. 14.05 bl.a. i Kbh. K. Ingen kom til skade."],
        ),
        (
            "Gode råd:\n1. Lås døren.\n2) Tænd lys.\n- Gem nøglen.",
            ["Gode råd:", "1. Lås døren.", "2) Tænd lys.", "- Gem nøglen."],
        ),
        ("Gode råd: 1. Lås døren. 2. Tænd lys.", ["Gode råd: 1. Lås døren.", "2. Tænd lys."]),
        ('Han sagde: "Lås bilen." Det siger politiet.', ['Han sagde: "Lås bilen."', "Det siger politiet."]),
        (
            "»Husk lyset,« siger han. »Tænd det.« Og så.",
            ["»Husk lyset,« siger han.", "»Tænd det.«", "Og så."],
        ),
        (
            "Indbrud i villa i Aalborg\nNatten til tirsdag blev der stjålet\nsmykker fra et hus.",
            ["Indbrud i villa i Aalborg", "Natten til tirsdag blev der stjålet\nsmykker fra et hus."],
        ),
        ("Første afsnit uden punktum\n\nAndet afsnit.", ["Første afsnit uden punktum", "Andet afsnit."]),
        (
            "Tyvene tog cykler, knallerter osv. Politiet efterforsker.",
            ["Tyvene tog cykler, knallerter osv.", "Politiet efterforsker."],
        ),
    ],
)
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    assert sents(text) == expected


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('abcæøå ABCÆØÅ.,!?:;"»«-\n0123456789()')), max_size=300))
def test_sentences_cover_text_in_order_with_original_offsets(text: str) -> None:
    doc = NLP(text)
    last = 0
    for s in doc.sents:
        assert s.start_char >= last
        assert text[s.start_char : s.end_char] == s.text
        last = s.end_char
