"""The case-robust lemma lookup: sentence-initial words keep their lemma."""

from __future__ import annotations

from botrygt_nlp.nlp.pipeline import LemmaLookup, build_compact_lemma_table, build_nlp


def test_full_table_lemmatises_sentence_initial_words() -> None:
    lookup = LemmaLookup.full()
    # The raw table is case-sensitive: "Husk" alone is missing, "husk" → "huske".
    assert lookup("Husk") == "huske"
    assert lookup("Tyvene") == "tyv"
    assert lookup("låste") == "låse"
    assert lookup("Xyzzyq") == "xyzzyq"  # unknown words fall back to their lowercase form


def test_pipeline_sets_lemmas_and_sentences() -> None:
    nlp = build_nlp(LemmaLookup.full())
    doc = nlp("Husk at låse døren. Tyvene kom ind ad vinduet.")
    assert [t.lemma_ for t in doc if t.text in ("Husk", "Tyvene")] == ["huske", "tyv"]
    assert len(list(doc.sents)) == 2


def test_compact_table_keeps_only_needed_lemmas() -> None:
    compact = build_compact_lemma_table({"huske", "tyv"})
    assert compact["husk"] == "huske"
    assert compact["tyvene"] == "tyv"
    assert "biler" not in compact
    lookup = LemmaLookup(compact)
    assert lookup("Husk") == "huske"
