"""How an incident is handed to the analyzer: its headline is read as the first paragraph of its text.

Døgnrapport incidents are often one short sentence under a telling headline ("Tyveri fra varebil i Grenaa" /
"Der blev stjålet en slagboremaskine."). The body alone says too little, and the analyzer's ``title`` feature
alone does not outweigh it, so short incidents were read as not relevant. Reading the headline as the first
paragraph, as a reader does, fixes that; the spans in the assessment are then moved back so that they stay
offsets into the incident's body (the API's and the web page's contract).
"""

from __future__ import annotations

import dataclasses

from botrygt_nlp.domain import Assessment, Span
from botrygt_nlp.reports.types import AnalyzerLike

_SEPARATOR = "\n\n"


def incident_text(title: str, body: str) -> tuple[str, int]:
    """The text the analyzer reads for an incident, and where ``body`` starts in it."""
    if title and body:
        return f"{title}{_SEPARATOR}{body}", len(title) + len(_SEPARATOR)
    return body or title, 0


def assess_incident(analyzer: AnalyzerLike, title: str, body: str) -> Assessment:
    """Assess one incident; every span in the result is an offset into ``body``."""
    text, offset = incident_text(title, body)
    assessment = analyzer.assess(text, title=title or None)
    return _shift_spans(assessment, offset) if offset else assessment


def _shift_spans(a: Assessment, offset: int) -> Assessment:
    """``a`` with every span moved back by ``offset``; spans inside the headline are dropped."""
    changes: dict[str, object] = {}
    for f in dataclasses.fields(a):
        value = getattr(a, f.name)
        if isinstance(value, tuple) and value and all(isinstance(s, Span) for s in value):
            changes[f.name] = tuple(
                dataclasses.replace(s, start=s.start - offset, end=s.end - offset) for s in value if s.start >= offset
            )
    return dataclasses.replace(a, **changes)  # type: ignore[arg-type]
