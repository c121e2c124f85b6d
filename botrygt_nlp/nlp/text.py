"""From raw text to the processed form every signal and model reads: sentences with offsets, words, lemmas.

Offsets always refer to the original text (spaCy keeps it intact); sentence spans are trimmed of the
whitespace around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botrygt_nlp.nlp.pipeline import LEMMAS_KEY, STARTS_KEY, run_pipeline, token_strings
from botrygt_nlp.nlp.segment import is_list_marker

if TYPE_CHECKING:
    from spacy.language import Language

_PUNCT = frozenset(".,;:!?…\"'«»“”„’()[]{}–—-/*•·")
_PUNCT_CHARS = "".join(sorted(_PUNCT))
_DIGITS_TO_ZERO = str.maketrans("123456789", "000000000")
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
    norm: list[str]  # ``words`` with digits folded to 0 (feature form)
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
    """Run the pipeline and build sentences from the token strings the components cached on the Doc."""
    doc = run_pipeline(nlp, text)
    words_all, idx_all, space_all = token_strings(doc)
    starts = doc.user_data.get(STARTS_KEY) or [i == 0 for i in range(len(words_all))]
    lemmas_all = doc.user_data.get(LEMMAS_KEY) or [w.lower() for w in words_all]
    sentences: list[Sentence] = []
    n_words = 0
    n_long = 0
    bounds = [k for k, st in enumerate(starts) if st] + [len(words_all)]
    for b in range(len(bounds) - 1):
        toks = [k for k in range(bounds[b], bounds[b + 1]) if not space_all[k]]
        if not toks:
            continue
        texts = [words_all[k] for k in toks]
        words: list[str] = []
        lemmas: list[str] = []
        for k, tt in zip(toks, texts, strict=True):
            if not tt.strip(_PUNCT_CHARS):
                continue
            low = tt.lower()
            words.append(low)
            lemmas.append(lemmas_all[k])
            if low != tt.upper():  # has a letter: LIX counts words, not numbers
                n_words += 1
                n_long += len(tt) > 6
        list_item = is_list_marker(texts, 0)
        dash_quote = False
        start = idx_all[toks[0]]
        if list_item and texts[0] in _DASHES:
            line_end = text.find("\n", start)
            line = text[start : line_end if line_end >= 0 else len(text)]
            dash_quote = bool(_SPEECH_RE.search(line))
            list_item = not dash_quote
        j = 0
        while j < len(texts) - 1 and (
            texts[j] in _PUNCT or (j == 0 and (list_item or dash_quote)) or texts[j].rstrip(".").isdigit()
        ):
            j += 1
        end = idx_all[toks[-1]] + len(texts[-1])
        stext = text[start:end]
        first = texts[j].lower()
        sentences.append(
            Sentence(
                index=len(sentences),
                start=start,
                end=end,
                text=stext,
                lower=stext.lower(),
                words=words,
                norm=[w.translate(_DIGITS_TO_ZERO) for w in words],
                lemmas=lemmas,
                first=first,
                first_lemma=lemmas_all[toks[j]] or first,
                is_list_item=list_item,
                in_quote=dash_quote or texts[0] in {'"', "»", "“", "„", "«"},
            )
        )
    title_words = [w.strip(".,:;!?\"'«»()").lower() for w in title.split()] if title else []
    return ProcessedText(text, title, sentences, title_words, n_words, n_long)
