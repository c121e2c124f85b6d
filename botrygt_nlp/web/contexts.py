"""Typed contexts: one frozen dataclass per page. Templates read only these (plus the shared Chrome)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from botrygt_nlp.web.highlight import Piece


class Verdict(StrEnum):
    CONSTRUCTIVE = "constructive"
    NOT_CONSTRUCTIVE = "not_constructive"
    NOT_RELEVANT = "not_relevant"

    @property
    def danish(self) -> str:
        return {
            Verdict.CONSTRUCTIVE: "Konstruktiv",
            Verdict.NOT_CONSTRUCTIVE: "Ikke konstruktiv",
            Verdict.NOT_RELEVANT: "Ikke relevant",
        }[self]


class NewlineStyle(StrEnum):
    LF = "lf"
    CRLF = "crlf"

    @property
    def chars(self) -> str:
        return "\r\n" if self is NewlineStyle.CRLF else "\n"


class MarkerChoice(StrEnum):
    """What the drafting page's copy and download hold: publish-ready text, or text with the block markers
    (``RewriteOptions.markers``) for running it through the rewriter again."""

    PUBLISH = "publish"
    MARKED = "marked"

    @property
    def markers(self) -> bool:
        return self is MarkerChoice.MARKED

    @property
    def danish(self) -> str:
        return {
            MarkerChoice.PUBLISH: "Klar til offentliggørelse (uden markeringer)",
            MarkerChoice.MARKED: "Med markeringer (til at køre rapporten igennem igen)",
        }[self]


@dataclass(frozen=True, slots=True)
class HomePage:
    model_version: str


@dataclass(frozen=True, slots=True)
class ErrorPage:
    title: str
    detail: str
    back_href: str = "/"


@dataclass(frozen=True, slots=True)
class LoginPage:
    next: str = "/kilder"
    error: str | None = None


@dataclass(frozen=True, slots=True)
class FormatOption:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True, slots=True)
class IncidentView:
    index: int
    title: str
    verdict: Verdict
    crime_label: str
    score_pct: int
    pieces: list[Piece]
    covered: list[str]
    missing: list[str]
    witness_appeal: bool
    alarmist: bool
    has_advice_block: bool
    needs_advice: bool
    suggestion: str | None


@dataclass(frozen=True, slots=True)
class DraftPage:
    text: str = ""
    formats: list[FormatOption] = field(default_factory=list)
    incidents: list[IncidentView] = field(default_factory=list)
    analysed: bool = False
    district: str | None = None
    period: str | None = None
    report_date: str | None = None
    styles: list[FormatOption] = field(default_factory=list)
    outputs: list[FormatOption] = field(default_factory=list)  # the MarkerChoice options
    publish_ready: bool = True  # the rewritten report is without markers (MarkerChoice.PUBLISH)
    marker_example: str = ""  # what a marker looks like in the report's format, for the hint under it
    rewritten: str | None = None
    download_name: str = "doegnrapport.txt"
    # The report's line endings. A browser sends every textarea back with CRLF, so the download puts these
    # back: a report uploaded with LF is downloaded with LF, one with CRLF with CRLF.
    newline: NewlineStyle = NewlineStyle.LF
    notice: str | None = None
    error: str | None = None
    model_version: str = ""
    constructive_count: int = 0
    relevant_count: int = 0

    @property
    def has_suggestions(self) -> bool:
        return any(i.needs_advice and i.suggestion for i in self.incidents)
