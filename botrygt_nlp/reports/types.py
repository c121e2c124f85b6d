"""Typed results of daily-report parsing: formats, header facts, incidents with offsets, the report.

Offsets are Python ``str`` indices (code points) into the *original* report text, so
``report.text[incident.start:incident.end]`` is the incident exactly as it was written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from botrygt_nlp.domain import Assessment, CrimeType


class ReportFormat(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"


class HeadingKind(StrEnum):
    """What made a line or element an incident headline (kept for the rewriter's choice of markup)."""

    H1 = "h1"
    H2 = "h2"
    H3 = "h3"
    H4 = "h4"
    H5 = "h5"
    H6 = "h6"
    BOLD = "bold"  # a bold-only line / <p><strong>…</strong></p>
    LINE = "line"  # a short headline line in plain text
    RUN_IN = "run_in"  # a headline opening the first paragraph: "Vejle: Indbrud i villa. Natten til …"
    ITEM = "item"  # one item (list item or paragraph) gathered under "Kort nyt"; advice goes under the list
    NONE = "none"  # a report without headlines: the whole body is one incident


@dataclass(frozen=True, slots=True)
class ReportHeader:
    """What the report's preamble says about itself. All fields are optional: many reports omit them."""

    district: str | None = None
    period: str | None = None
    date: date | None = None
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class Segment:
    """An incident as found by a format parser, before assessment."""

    title: str
    start: int  # first character of the headline (or of the body when there is no headline)
    end: int  # one past the last non-whitespace character of the incident
    title_start: int
    title_end: int
    body: str  # plain text of the body, markup removed, for the analyzer
    heading: HeadingKind
    has_advice_block: bool = False  # an inserted (or hand-written) "Undgå …" block is already there
    inside_paragraph: bool = False  # HTML: the incident ends inside an open <p> ("…<br><br>" splits it)
    advice_at: int = -1  # where its advice goes when not right after it (the end of a gathered list)


@dataclass(frozen=True, slots=True)
class Incident:
    index: int
    title: str
    start: int
    end: int
    title_start: int
    title_end: int
    body: str
    heading: HeadingKind
    has_advice_block: bool
    assessment: Assessment | None = None
    inside_paragraph: bool = False  # HTML: ends inside an open <p>; the block closes and reopens it
    error: str | None = None  # why there is no assessment (e.g. "not_danish"), from the error's code
    advice_at: int = -1  # where its advice goes when not right after it (the end of a gathered list)

    @property
    def advice_offset(self) -> int:
        """Where the rewriter inserts this incident's advice: after it, or after the list it was gathered in."""
        return self.advice_at if self.advice_at >= 0 else self.end

    @property
    def crime_type(self) -> CrimeType | None:
        return self.assessment.crime_type if self.assessment else None

    @property
    def needs_advice(self) -> bool:
        """Relevant, not constructive and without an advice block: the rewriter appends advice here."""
        a = self.assessment
        if a is None or self.has_advice_block:
            return False
        return a.relevant and a.crime_type.is_relevant and not a.constructive

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "index": self.index,
            "title": self.title,
            "start": self.start,
            "end": self.end,
            "title_start": self.title_start,
            "title_end": self.title_end,
            "heading": self.heading.value,
            "has_advice_block": self.has_advice_block,
        }
        if self.error:
            out["error"] = self.error
        a = self.assessment
        if a is not None:
            out.update(
                crime_type=a.crime_type.value,
                relevant=a.relevant,
                constructive=a.constructive,
                score=round(a.score, 4),
                alarmist=a.alarmist,
                witness_appeal=a.witness_appeal,
                principles=[p.value for p in a.principles],
                model_version=a.model_version,
            )
        return out


@dataclass(frozen=True, slots=True)
class Report:
    text: str
    fmt: ReportFormat
    header: ReportHeader
    incidents: tuple[Incident, ...] = field(default=())
    newline: str = "\n"  # the input's line ending, reused for inserted text

    def to_json(self) -> dict[str, object]:
        h = self.header
        return {
            "format": self.fmt.value,
            "district": h.district,
            "period": h.period,
            "date": h.date.isoformat() if h.date else None,
            "incidents": [i.to_json() for i in self.incidents],
        }
