"""The spaCy pipeline: ``spacy.blank("da")`` + our sentence splitter + a case-robust lemma lookup.

Lemmas come from spacy-lookups-data's Danish table. That table is case-sensitive ("Husk" is missing while
"husk" → "huske"), so sentence-initial words lose their lemma; we fall back to the lowercased form. The
full table costs ~1 s and ~350 MB to load, so a trained model ships a compact copy restricted to the forms
whose lemma the model uses (``build_compact_lemma_table``); without one the full table is loaded lazily.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy
import spacy
from spacy.attrs import IDX, IS_SPACE, LEMMA, LENGTH, SENT_START
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


# Token strings are cached on the Doc so later stages never create spaCy Token objects (each costs ~1 µs,
# and setting ``token.is_sent_start`` one by one re-checks the parse annotation every time).
WORDS_KEY = "botrygt.words"
SPACE_KEY = "botrygt.is_space"
IDX_KEY = "botrygt.idx"
STARTS_KEY = "botrygt.sent_starts"
LEMMAS_KEY = "botrygt.lemmas"
TEXT_KEY = "botrygt.text"  # the original string, when the caller has it (``doc.text`` re-joins all tokens)


def token_strings(doc: Doc) -> tuple[list[str], list[int], list[bool]]:
    """(token texts, character offsets, is-whitespace flags), read in one array call and cached."""
    cached = doc.user_data.get(WORDS_KEY)
    if cached is not None:
        return cached, doc.user_data[IDX_KEY], doc.user_data[SPACE_KEY]
    if len(doc) == 0:
        words: list[str] = []
        idx: list[int] = []
        is_space: list[bool] = []
    else:
        arr = doc.to_array([IDX, LENGTH, IS_SPACE])
        idx, lengths, spaces = (col.tolist() for col in arr.T)
        text = doc.user_data.get(TEXT_KEY) or doc.text
        words = [text[i : i + n] for i, n in zip(idx, lengths, strict=True)]
        is_space = [bool(x) for x in spaces]
    doc.user_data[WORDS_KEY] = words
    doc.user_data[IDX_KEY] = idx
    doc.user_data[SPACE_KEY] = is_space
    return words, idx, is_space


@Language.component("botrygt_sentences")
def _sentences_component(doc: Doc) -> Doc:
    words, idx, is_space = token_strings(doc)
    if not words:
        return doc
    ends = [i + len(w) for i, w in zip(idx, words, strict=True)]
    # Whitespace after token k is whatever lies between its end and the next token's start.
    spaces = [" " if k + 1 < len(words) and idx[k + 1] > ends[k] else "" for k in range(len(words))]
    starts = sentence_starts(words, spaces, is_space)
    doc.user_data[STARTS_KEY] = starts
    values = numpy.array([1 if s else -1 for s in starts], dtype=numpy.int32).astype(numpy.uint64)
    doc.from_array([SENT_START], values)  # type: ignore[arg-type]  # spaCy's stub wants Ints2d; 1-D works
    return doc


class _LemmaComponent:
    def __init__(self) -> None:
        self.lookup: LemmaLookup | None = None
        # Writing lemmas into the Doc (token.lemma_) costs a string-store insert per token; the analysis
        # reads the cached list instead, so its pipeline turns this off.
        self.write_to_doc = True

    def __call__(self, doc: Doc) -> Doc:
        lookup = self.lookup
        if lookup is None:
            lookup = self.lookup = LemmaLookup.full()
        words, _idx, is_space = token_strings(doc)
        lemmas = [w if sp else lookup(w) for w, sp in zip(words, is_space, strict=True)]
        doc.user_data[LEMMAS_KEY] = lemmas
        if lemmas and self.write_to_doc:
            add = doc.vocab.strings.add
            hashes = numpy.array([add(x) for x in lemmas], dtype=numpy.uint64)
            doc.from_array([LEMMA], hashes)  # type: ignore[arg-type]  # 1-D is accepted for one attribute
        return doc


@Language.factory("botrygt_lemmas")
def _make_lemma_component(nlp: Language, name: str) -> _LemmaComponent:
    return _LemmaComponent()


def build_nlp(lemma_lookup: LemmaLookup | None = None, *, lemmas: bool = True, doc_lemmas: bool = True) -> Language:
    """A blank Danish pipeline with our sentence splitter and (optionally) case-robust lemmas.

    Without ``lemma_lookup`` the full lookup table loads on the first document. ``doc_lemmas=False`` keeps
    the lemmas in ``doc.user_data`` only (what :func:`botrygt_nlp.nlp.text.process` reads), skipping
    ``token.lemma_``.
    """
    nlp = spacy.blank("da")
    nlp.add_pipe("botrygt_sentences")
    if lemmas:
        component = nlp.add_pipe("botrygt_lemmas")
        assert isinstance(component, _LemmaComponent)
        component.lookup = lemma_lookup
        component.write_to_doc = doc_lemmas
    return nlp


# spaCy's tokenizer strips affixes from a whitespace-free chunk one character at a time, re-running its
# regexes on the rest: a chunk of thousands of "!?(" or emoji costs seconds to minutes and holds the GIL.
# Such chunks carry no words, so before tokenising, every non-alphanumeric character inside a chunk longer
# than LONG_CHUNK becomes a space. The replacement keeps the length, so offsets still point into the text.
LONG_CHUNK = 40
_LONG_CHUNK_RE = re.compile(rf"\S{{{LONG_CHUNK + 1},}}")
_NOT_WORD_CHAR_RE = re.compile(r"[^\w]")


def defuse_long_chunks(text: str) -> str:
    """``text`` with punctuation and symbols inside very long unbroken chunks turned into spaces."""
    if not _LONG_CHUNK_RE.search(text):
        return text
    return _LONG_CHUNK_RE.sub(lambda m: _NOT_WORD_CHAR_RE.sub(" ", m.group(0)), text)


def run_pipeline(nlp: Language, text: str) -> Doc:
    """``nlp(text)``, but hands the components the string they tokenised so they never rebuild it from
    tokens; long unbroken junk is defused first (same length, see ``defuse_long_chunks``)."""
    safe = defuse_long_chunks(text)
    doc = nlp.make_doc(safe)
    doc.user_data[TEXT_KEY] = safe
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    return doc
