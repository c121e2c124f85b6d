"""The analysis core: text -> Assessment. INTERIM keyword version; replaced by the trained pipeline."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from botrygt_nlp.domain import AdviceSpan, Assessment, CrimeType, Principle, Span
from botrygt_nlp.errors import EmptyTextError

MODEL_VERSION = "interim-rules-0"

_ADVICE = re.compile(r"[^.!?\n]*\b(husk|sørg for|undgå|lås|nabohjælp|ring 114)\b[^.!?\n]*[.!?]?", re.I)
_CRIME = re.compile(r"indbrud|tyveri|stjålet|svindel|bedrageri|tyv", re.I)


class Analyzer:
    model_version = MODEL_VERSION

    def assess(self, text: str, *, title: str | None = None) -> Assessment:
        if not text.strip():
            raise EmptyTextError("The text is empty or only whitespace.")
        relevant = bool(_CRIME.search(text))
        spans = tuple(
            AdviceSpan(m.start(), m.end(), m.group(0), Principle.SVAERT) for m in _ADVICE.finditer(text)
        ) if relevant else ()
        return Assessment(
            relevant=relevant,
            crime_type=CrimeType.HOME_BURGLARY if relevant else CrimeType.NOT_RELEVANT,
            constructive=bool(spans),
            score=0.9 if spans else 0.1,
            alarmist=False,
            witness_appeal="vidne" in text.lower(),
            principles=tuple(sorted({s.principle for s in spans if s.principle})),
            advice_spans=spans,
            alarm_spans=tuple[Span, ...](),
            lix=0.0,
            model_version=self.model_version,
        )

    def assess_many(self, texts: Sequence[str] | Iterable[str]) -> list[Assessment]:
        return [self.assess(t) for t in texts]


@lru_cache(maxsize=1)
def default_analyzer() -> Analyzer:
    return Analyzer()
