"""Cut a text into plain / advice / alarm / witness-appeal pieces for highlighting. Pure; the template escapes
each piece."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from botrygt_nlp.domain import Assessment, Principle


class PieceKind(StrEnum):
    PLAIN = "plain"
    ADVICE = "advice"
    ALARM = "alarm"
    WITNESS = "witness"  # a witness appeal ("efterlysning"): helps the investigation, is not advice


@dataclass(frozen=True, slots=True)
class Piece:
    text: str
    kind: PieceKind
    principle: str | None = None  # Danish heading of the principle an advice piece serves


def pieces(text: str, assessment: Assessment | None) -> list[Piece]:
    """Advice, alarm and witness-appeal spans as pieces; alarm wins where they overlap (it is the thing to fix),
    and advice wins over a witness appeal (an appeal sentence is shown as such only where it is not advice)."""
    if assessment is None or not text:
        return [Piece(text, PieceKind.PLAIN)] if text else []
    n = len(text)
    kinds: list[PieceKind] = [PieceKind.PLAIN] * n
    principles: list[Principle | None] = [None] * n
    if assessment.witness_appeal:
        for span in assessment.witness_spans:
            for i in range(max(0, span.start), min(n, span.end)):
                kinds[i] = PieceKind.WITNESS
    for span in assessment.advice_spans:
        for i in range(max(0, span.start), min(n, span.end)):
            kinds[i] = PieceKind.ADVICE
            principles[i] = span.principle
    for alarm in assessment.alarm_spans:
        for i in range(max(0, alarm.start), min(n, alarm.end)):
            kinds[i] = PieceKind.ALARM
            principles[i] = None
    out: list[Piece] = []
    start = 0
    for i in range(1, n + 1):
        if i == n or kinds[i] != kinds[start] or principles[i] != principles[start]:
            p = principles[start]
            out.append(Piece(text[start:i], kinds[start], p.heading if p else None))
            start = i
    return out
