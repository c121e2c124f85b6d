"""Sentence boundaries for Danish police reports and news, decided on spaCy tokens.

The blank Danish pipeline has no sentence splitter, and a generic punctuation rule gets this genre wrong:
"kl. 14.30", "journalnr. 0900-…", "1.-3. juni", "bl.a.", list items ("1. Lås døren", "2) Tænd lys", "- …"),
quotes that end with the period inside ("… låse." Det siger …), headlines without a period, and paragraph
breaks. The rules below work on token texts only, so they are cheap (one pass, no regex per token).
"""

from __future__ import annotations

from collections.abc import Sequence

from botrygt_nlp.nlp.lexicon import ABBREVIATIONS, MONTHS, SENTENCE_FINAL_ABBREVIATIONS

_CLOSING_QUOTES = frozenset({'"', "”", "»", "«", "'", "’"})
_OPENING_QUOTES = frozenset({'"', "“", "„", "»", "«", "'"})
_BULLETS = frozenset({"-", "–", "—", "•", "*", "·", "▪", "►", "✓"})


def _is_terminal(word: str) -> bool:
    return bool(word) and not word.strip(".!?…")


def _is_ordinal(word: str) -> bool:
    """'12.' or '3.' (a number the tokenizer kept together with its period)."""
    return len(word) > 1 and word[-1] == "." and word[:-1].isdigit()


def _starts_upper_like(word: str) -> bool:
    """A token that can open a sentence: capitalised, a digit, or an opening quote / bullet."""
    ch = word[0]
    return ch.isupper() or ch.isdigit() or ch in _OPENING_QUOTES or ch in _BULLETS


def is_list_marker(words: Sequence[str], i: int) -> bool:
    """'1.', '2)', '(3)', 'a)', '-', '•' at token ``i`` opening a list item."""
    w = words[i]
    if w in _BULLETS or _is_ordinal(w):
        return True
    if (w.isdigit() and len(w) <= 2) or (len(w) == 1 and w.isalpha() and w.islower()):
        return i + 1 < len(words) and words[i + 1] in {")", "."}
    return w == "(" and i + 2 < len(words) and words[i + 1].isdigit() and words[i + 2] == ")"


def sentence_starts(words: Sequence[str], spaces: Sequence[str], is_space: Sequence[bool]) -> list[bool]:
    """Return, for each token, whether it opens a sentence.

    ``words`` are token texts, ``spaces`` the whitespace after each token, ``is_space`` marks whitespace
    tokens (spaCy keeps newlines as tokens of their own).
    """
    n = len(words)
    starts = [False] * n
    prev = -1  # index of the previous non-space token
    newlines = 0  # newlines seen since ``prev``
    line_open = True  # the next non-space token is the first of its line
    prev_marker = False  # the previous non-space token opened a list item
    for i in range(n):
        w = words[i]
        if is_space[i]:
            c = w.count("\n")
            if c:
                newlines += c
                line_open = True
            continue
        if prev < 0 or newlines >= 2:
            starts[i] = True
        elif newlines == 1:
            pw = words[prev]
            # A wrapped line continues its sentence: no closing punctuation before, lowercase after.
            continues = (
                not _is_terminal(pw)
                and pw not in _CLOSING_QUOTES
                and pw != ":"
                and w[0].islower()
                and not is_list_marker(words, i)
            )
            starts[i] = not continues
        elif prev_marker or words[prev][-1].isalnum():
            # After a word that ends in a letter or digit, no rule of _same_line_break breaks (most tokens).
            starts[i] = False
        else:
            starts[i] = _same_line_break(words, spaces, prev, i)
        prev_marker = (line_open or starts[i]) and is_list_marker(words, i)
        if prev_marker:
            starts[i] = True
        prev = i
        newlines = 0
        line_open = False
    return starts


def _is_closing_quote(words: Sequence[str], spaces: Sequence[str], i: int) -> bool:
    """A quote glued to the word before it (no space between) closes a quotation."""
    return words[i] in _CLOSING_QUOTES and i > 0 and not spaces[i - 1] and not words[i - 1].isspace()


def _same_line_break(words: Sequence[str], spaces: Sequence[str], prev: int, i: int) -> bool:
    pw, w = words[prev], words[i]
    if w in _CLOSING_QUOTES and _is_closing_quote(words, spaces, i):
        return False
    if _is_terminal(pw):
        if pw == "." and prev > 0 and not spaces[prev - 1]:
            before = words[prev - 1].lower()
            # "journalnr" + "." / "ca" + "." : the tokenizer split an abbreviation from its period.
            if before in ABBREVIATIONS or (len(before) == 1 and before.isalpha()):
                return False
        # "… siger han." → next is a quote that opens a new sentence, or a capital/digit.
        return _starts_upper_like(w)
    if pw[-1:] == "." and len(pw) > 1:
        low = pw.lower()
        if low in SENTENCE_FINAL_ABBREVIATIONS:
            return w[0].isupper()
        if _is_ordinal(pw):
            # "Vestergade 12. Mellem …" ends a sentence; "d. 12. marts" and a list marker "2. Tænd" do not.
            if not w[0].isupper() or w.lower() in MONTHS:
                return False
            before = words[prev - 1] if prev > 0 else ""
            return not (before == ":" or _is_terminal(before) or before in _CLOSING_QUOTES)
        return False  # an abbreviation the tokenizer kept whole ("kl.", "bl.a.", "A.")
    if _is_closing_quote(words, spaces, prev) and _is_terminal(words[prev - 1]):
        return w[0].isupper()
    if pw in _BULLETS and prev > 0 and words[prev - 1] == ":":
        return False
    return False
