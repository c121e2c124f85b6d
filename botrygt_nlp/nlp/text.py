"""From raw text to the processed form every signal and model reads: sentences with offsets, words, lemmas.

Offsets always refer to the original text (spaCy keeps it intact); sentence spans are trimmed of the
whitespace around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language

from botrygt_nlp.nlp.segment import is_list_marker

_PUNCT = frozenset(".,;:!?…\"'«»“”„’()[]{}–—-/*•·")
_DASHES = frozenset({"-", "–", "—"})
# Danish news opens quoted speech with a dash ("- Vi tør ikke …, siger hun."): that is a quote, not a list.
_SPEECH_RE = re.compile(r",\s*(?:siger|sagde|fortæller|forklarer|lyder det|mener|tilføjer|understreger|skriver)\b")


@dataclass(slots=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    lower: str
    words: list[str]  # lowercased word tokens, punctuation dropped
    lemmas: list[str]  # lemma per word in ``words``
    first: str  # first word after a list marker / opening quote, lowercased
    first_lemma: str
    is_list_item: bool
    in_quote: bool


@dataclass(slots=True)
class ProcessedText:
    text: str
    title: str
    sentences: list[Sentence]
    title_words: list[str]
    n_words: int
    n_long_words: int

    @property
    def lix(self) -> float:
        """LIX readability: words per sentence + percentage of words longer than six letters."""
        if not self.n_words:
            return 0.0
        n_sent = max(1, len(self.sentences))
        return self.n_words / n_sent + 100.0 * self.n_long_words / self.n_words


def process(nlp: Language, text: str, title: str = "") -> ProcessedText:
    doc = nlp(text)
    sentences: list[Sentence] = []
    n_words = 0
    n_long = 0
    for sent in doc.sents:
        tokens = [t for t in sent if not t.is_space]
        if not tokens:
            continue
        texts = [t.text for t in tokens]
        words: list[str] = []
        lemmas: list[str] = []
        for tok, tt in zip(tokens, texts, strict=True):
            if tt in _PUNCT or all(ch in _PUNCT for ch in tt):
                continue
            low = tt.lower()
            words.append(low)
            lemmas.append(tok.lemma_ or low)
            if any(ch.isalpha() for ch in tt):
                n_words += 1
                if len(tt) > 6:
                    n_long += 1
        list_item = is_list_marker(texts, 0)
        dash_quote = False
        if list_item and texts[0] in _DASHES:
            line_end = text.find("\n", tokens[0].idx)
            line = text[tokens[0].idx : line_end if line_end >= 0 else len(text)]
            dash_quote = bool(_SPEECH_RE.search(line))
            list_item = not dash_quote
        k = 0
        while k < len(texts) - 1 and (
            texts[k] in _PUNCT or (k == 0 and (list_item or dash_quote)) or texts[k].rstrip(".").isdigit()
        ):
            k += 1
        first_tok = tokens[k] if k < len(tokens) else tokens[0]
        start = tokens[0].idx
        end = tokens[-1].idx + len(tokens[-1].text)
        stext = text[start:end]
        sentences.append(
            Sentence(
                index=len(sentences),
                start=start,
                end=end,
                text=stext,
                lower=stext.lower(),
                words=words,
                lemmas=lemmas,
                first=first_tok.text.lower(),
                first_lemma=first_tok.lemma_ or first_tok.text.lower(),
                is_list_item=list_item,
                in_quote=dash_quote or texts[0] in {'"', "»", "“", "„", "«"},
            )
        )
    title_words = [w.strip(".,:;!?\"'«»()").lower() for w in title.split()] if title else []
    return ProcessedText(text, title, sentences, title_words, n_words, n_long)
