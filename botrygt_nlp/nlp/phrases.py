"""Fast literal phrase search over lowercased text (``str.find``), with Danish word-boundary rules.

A regex alternation of a few hundred phrases tries every alternative at every position, and word-internal
matching (``\\w*cykel``) backtracks; a loop of ``str.find`` calls skips through the text in C. Every span is
widened to whole words, and offsets refer to the text that was searched.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

L = TypeVar("L", bound=Hashable)


class Mode(StrEnum):
    PREFIX = "prefix"  # must start a word; the match extends to the end of its last word
    INFIX = "infix"  # may start inside a word (Danish compounds: "ladcykel", "indbrudsbølgen")


@dataclass(frozen=True, slots=True)
class Hit(Generic[L]):
    start: int
    end: int
    label: L


def is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "-"


class PhraseIndex(Generic[L]):
    def __init__(self, entries: Iterable[tuple[str, L, Mode]]) -> None:
        self.entries = [
            (phrase.lower(), label, mode is Mode.INFIX) for phrase, label, mode in entries if phrase
        ]

    def find(self, lowered: str) -> list[Hit[L]]:
        """All hits in ``lowered`` (already lowercased), sorted by start; one hit per (start, label)."""
        n = len(lowered)
        seen: set[tuple[int, L]] = set()
        out: list[Hit[L]] = []
        find = lowered.find
        for phrase, label, infix in self.entries:
            pos = find(phrase)
            while pos >= 0:
                start = pos
                if start > 0 and is_word_char(lowered[start - 1]):
                    if not infix:
                        pos = find(phrase, pos + 1)
                        continue
                    while start > 0 and is_word_char(lowered[start - 1]):
                        start -= 1
                end = pos + len(phrase)
                while end < n and is_word_char(lowered[end]):
                    end += 1
                if (start, label) not in seen:
                    seen.add((start, label))
                    out.append(Hit(start, end, label))
                pos = find(phrase, end)
        out.sort(key=lambda h: h.start)
        return out


def starred(phrases: Iterable[str]) -> list[tuple[str, Mode]]:
    """Lexicon convention: a leading '*' marks an infix phrase."""
    return [(p[1:], Mode.INFIX) if p.startswith("*") else (p, Mode.PREFIX) for p in phrases]
