"""Fast literal phrase search over lowercased text, with Danish word-boundary rules.

A regex alternation of a few hundred phrases tries every alternative at every position, and word-internal
matching (``\\w*cykel``) backtracks; an Aho-Corasick automaton finds every phrase in one pass over the text.
Every span is widened to whole words, and offsets refer to the text that was searched.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

import ahocorasick

L = TypeVar("L", bound=Hashable)


class Mode(StrEnum):
    PREFIX = "prefix"  # must start a word; the match extends to the end of its last word
    INFIX = "infix"  # may start inside a word (Danish compounds: "ladcykel", "indbrudsbølgen")


@dataclass(frozen=True, slots=True)
class Hit(Generic[L]):
    start: int
    end: int
    label: L


def lower_same_length(text: str) -> str:
    """``text.lower()``, except that characters whose lowercase is longer (e.g. "İ") stay as they are, so
    offsets found in the result are offsets into ``text``."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(lc if len(lc := ch.lower()) == 1 else ch for ch in text)


def is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "-"


class PhraseIndex(Generic[L]):
    """Many literal phrases found in one pass (Aho-Corasick), then filtered by the word-boundary rules."""

    def __init__(self, entries: Iterable[tuple[str, L, Mode]]) -> None:
        self.entries = [(phrase.lower(), label, mode is Mode.INFIX) for phrase, label, mode in entries if phrase]
        grouped: dict[str, list[tuple[L, bool]]] = {}
        for phrase, label, infix in self.entries:
            grouped.setdefault(phrase, []).append((label, infix))
        self._automaton = ahocorasick.Automaton()
        for phrase, labels in grouped.items():
            self._automaton.add_word(phrase, (len(phrase), tuple(labels)))
        self._automaton.make_automaton()

    def find(self, lowered: str) -> list[Hit[L]]:
        """All hits in ``lowered`` (already lowercased), sorted by start; one hit per (start, label)."""
        n = len(lowered)
        seen: set[tuple[int, L]] = set()
        out: list[Hit[L]] = []
        for last, (length, labels) in self._automaton.iter(lowered):
            pos = last - length + 1
            inside = pos > 0 and is_word_char(lowered[pos - 1])
            end = last + 1
            while end < n and is_word_char(lowered[end]):
                end += 1
            for label, infix in labels:
                if inside and not infix:
                    continue
                start = pos
                if inside:
                    while start > 0 and is_word_char(lowered[start - 1]):
                        start -= 1
                if (start, label) not in seen:
                    seen.add((start, label))
                    out.append(Hit(start, end, label))
        out.sort(key=lambda h: h.start)
        return out


def starred(phrases: Iterable[str]) -> list[tuple[str, Mode]]:
    """Lexicon convention: a leading '*' marks an infix phrase."""
    return [(p[1:], Mode.INFIX) if p.startswith("*") else (p, Mode.PREFIX) for p in phrases]
