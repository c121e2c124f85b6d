"""The spaCy pipeline: ``spacy.blank("da")`` + our sentence splitter + a case-robust lemma lookup.

Lemmas come from spacy-lookups-data's Danish table. That table is case-sensitive ("Husk" is missing while
"husk" → "huske"), so sentence-initial words lose their lemma; we fall back to the lowercased form. The
full table costs ~1 s and ~350 MB to load, so a trained model ships a compact copy restricted to the forms
whose lemma the model uses (``build_compact_lemma_table``); without one the full table is loaded lazily.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from botrygt_nlp.nlp.segment import sentence_starts

LEMMA_TABLE_FILE = "lemmas.json"


class LemmaLookup:
    """Case-robust form → lemma lookup."""

    def __init__(self, table: Mapping[str, str]) -> None:
        self._table = table

    def __call__(self, form: str) -> str:
        table = self._table
        lemma = table.get(form)
        if lemma is None:
            low = form.lower()
            lemma = table.get(low, low)
        return lemma

    @classmethod
    def full(cls) -> LemmaLookup:
        return cls(_full_table())

    @classmethod
    def from_file(cls, path: Path) -> LemmaLookup:
        return cls(json.loads(path.read_text(encoding="utf-8")))


def _full_table() -> dict[str, str]:
    """The whole spacy-lookups-data Danish table (~550,000 forms) as a plain dict."""
    table = _read_lookup_json()
    if not table:
        raise RuntimeError("spacy-lookups-data has no Danish lemma table (da_lemma_lookup.json.gz)")
    return table


def _read_lookup_json() -> dict[str, str]:
    import gzip
    import importlib.resources as resources

    base = resources.files("spacy_lookups_data") / "data"
    for name in ("da_lemma_lookup.json", "da_lemma_lookup.json.gz"):
        ref = base / name
        if ref.is_file():
            raw = ref.read_bytes()
            if name.endswith(".gz"):
                raw = gzip.decompress(raw)
            data: dict[str, str] = json.loads(raw)
            return data
    return {}


def build_compact_lemma_table(lemmas_needed: Iterable[str]) -> dict[str, str]:
    """Forms (lowercased) whose lemma is in ``lemmas_needed``; what a trained model ships."""
    wanted = set(lemmas_needed)
    compact: dict[str, str] = {}
    for form, lemma in _read_lookup_json().items():
        if lemma in wanted and form != lemma:
            compact[form.lower()] = lemma
    return compact


@Language.component("botrygt_sentences")
def _sentences_component(doc: Doc) -> Doc:
    words = [t.text for t in doc]
    spaces = [t.whitespace_ for t in doc]
    is_space = [t.is_space for t in doc]
    for token, start in zip(doc, sentence_starts(words, spaces, is_space), strict=True):
        token.is_sent_start = start
    return doc


class _LemmaComponent:
    def __init__(self) -> None:
        self.lookup: LemmaLookup | None = None

    def __call__(self, doc: Doc) -> Doc:
        lookup = self.lookup
        if lookup is None:
            lookup = self.lookup = LemmaLookup.full()
        for token in doc:
            if not token.is_space:
                token.lemma_ = lookup(token.text)
        return doc


@Language.factory("botrygt_lemmas")
def _make_lemma_component(nlp: Language, name: str) -> _LemmaComponent:
    return _LemmaComponent()


def build_nlp(lemma_lookup: LemmaLookup | None = None, *, lemmas: bool = True) -> Language:
    """A blank Danish pipeline with our sentence splitter and (optionally) case-robust lemmas.

    Without ``lemma_lookup`` the full lookup table loads on the first document.
    """
    nlp = spacy.blank("da")
    nlp.add_pipe("botrygt_sentences")
    if lemmas:
        component = nlp.add_pipe("botrygt_lemmas")
        assert isinstance(component, _LemmaComponent)
        component.lookup = lemma_lookup
    return nlp
