"""Text as a reader sees it: what the analyzer reads when the characters differ but the visible text does not.

Copied and scraped text carries characters a reader never sees: soft hyphens from a CMS's hyphenation,
zero-width spaces and joiners, a byte-order mark, NUL and other control characters, and letters in decomposed
form ("å" as "a" + a combining ring, as macOS copy-paste writes it). The model's features are words, so each of
them split a word ("lå\u00adse" is not "låse") and could flip a verdict. :func:`visible_text` gives the text
without them (composed to NFC, controls as spaces) and where each of its characters came from, so that the
spans shown to a person still point into the original text (:func:`VisibleText.original_span`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Characters with no width that only split words: soft hyphen, zero-width space/non-joiner/joiner, word
# joiner, the invisible operators, and the byte-order mark / zero-width no-break space.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
# Control characters other than tab and line breaks (NUL included): read as a space.
_CONTROL = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\x7f"
_NEEDS_WORK = re.compile(f"[{re.escape(_INVISIBLE + _CONTROL)}]")


def has_controls(text: str) -> bool:
    """Whether ``text`` holds a control character other than tab and line breaks (NUL included)."""
    return any(ch in _CONTROL for ch in text)


@dataclass(frozen=True, slots=True)
class VisibleText:
    """``text`` is what the analyzer reads; ``text[i]`` came from ``original[origin[i]:origin_end[i]]`` (a
    composed letter from its decomposed original). Both lists are None when nothing changed."""

    text: str
    origin: list[int] | None
    origin_end: list[int] | None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets into the original text of ``text[start:end]``."""
        origin, origin_end = self.origin, self.origin_end
        if origin is None or origin_end is None:
            return start, end
        if start >= len(origin):
            return origin_end[-1] if origin_end else 0, origin_end[-1] if origin_end else 0
        if end <= start:
            return origin[start], origin[start]
        return origin[start], origin_end[end - 1]


def visible_text(text: str) -> VisibleText:
    """``text`` with invisible characters dropped, controls made spaces and letters composed (NFC)."""
    if _NEEDS_WORK.search(text) is None and unicodedata.is_normalized("NFC", text):
        return VisibleText(text, None, None)  # the common case costs two C-level scans
    out: list[str] = []
    origin: list[int] = []
    origin_end: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in _INVISIBLE:
            i += 1
            continue
        if ch in _CONTROL:
            out.append(" ")
            origin.append(i)
            origin_end.append(i + 1)
            i += 1
            continue
        # A base character with the combining marks after it composes as one unit.
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        composed = unicodedata.normalize("NFC", text[i:j]) if j > i + 1 or not ch.isascii() else ch
        for c in composed:
            out.append(c)
            origin.append(i)
            origin_end.append(j)
        i = j
    return VisibleText("".join(out), origin, origin_end)
