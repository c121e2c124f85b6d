"""Typed options and results of the rewriter: what to insert, where it went, why incidents were skipped."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path

from botrygt_nlp.domain import CrimeType, Principle
from botrygt_nlp.reports.types import Report, ReportFormat


class Style(StrEnum):
    FULL = "full"  # heading + five numbered points + when to ring 114/112
    SHORT = "short"  # one paragraph for space-limited channels


class Season(StrEnum):
    """Seasonal context of home-burglary advice, chosen by the report date."""

    NONE = "none"
    CHRISTMAS = "christmas"
    SUMMER = "summer"
    DARK = "dark"  # autumn/winter darkness


class Topic(StrEnum):
    """A situation within a crime type whose advice differs from the type's general advice.

    Chosen from cues in the incident (:mod:`botrygt_nlp.rewrite.topics`); used only where a template
    ``<crime_type>.<topic>.vN`` exists, so the template files say which crime types a topic refines.
    """

    NONE = "none"
    CATALYTIC_CONVERTER = "catalytic_converter"  # katalysatortyveri
    KEYLESS_CAR = "keyless_car"  # biler med nøglefri adgang
    APARTMENT = "apartment"  # indbrud i lejlighed: opgang, dør og vinduer højt oppe, ingen have
    PARCEL = "parcel"  # pakker taget fra trappen
    FARM = "farm"  # diesel, GPS og maskiner fra landbrug
    CONSTRUCTION_SITE = "construction_site"  # byggepladser og containere
    FAKE_POLICE = "fake_police"  # falske politifolk i telefonen eller ved døren
    SHOP = "shop"  # butikstyveri i åbningstiden: varer taget fra hylderne, ikke indbrud om natten


class TemplateSource(StrEnum):
    BUILTIN = "builtin"
    OVERRIDE = "override"


class SkipReason(StrEnum):
    NOT_RELEVANT = "not_relevant"
    CONSTRUCTIVE = "already_constructive"
    HAS_ADVICE_BLOCK = "has_advice_block"
    NO_TEMPLATE = "no_template"
    NOT_ASSESSED = "not_assessed"
    # An item gathered under "Kort nyt" whose advice an item above it already puts under the same list.
    SAME_ADVICE_UNDER_LIST = "same_advice_under_list"


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    """One advice template file; ``template_id`` is its versioned name, e.g. ``van_tool_theft.v1``."""

    template_id: str
    crime_type: CrimeType
    season: Season
    version: int
    source: TemplateSource
    path: Path
    topic: Topic = Topic.NONE

    @property
    def filename(self) -> str:
        return self.path.name


@dataclass(frozen=True, slots=True)
class AdviceContent:
    """A rendered template, parsed into the parts every output format is built from."""

    heading: str
    points: tuple[tuple[Principle, str], ...]  # exactly five, in Principle order, for Style.FULL
    closing: tuple[str, ...]  # paragraphs after the list (114/112, local contact, link)
    paragraph: str = ""  # Style.SHORT: the whole block as one paragraph

    def plain_text(self) -> str:
        if self.paragraph:
            return self.paragraph
        pts = [f"{n}. {p.heading}: {t}" for n, (p, t) in enumerate(self.points, 1)]
        return "\n".join([self.heading, *pts, *self.closing])


@dataclass(frozen=True, slots=True)
class RewriteOptions:
    """How to rewrite. The edges set ``templates_dir``/``override_dir`` from the settings; when left out, the
    shipped templates are used."""

    style: Style = Style.FULL
    report_date: date | None = None  # None: the date in the report header, else no seasonal variant
    fmt: ReportFormat | None = None  # None: detect from the text
    templates_dir: Path | None = None
    override_dir: Path | None = None
    variables: Mapping[str, str] = field(default_factory=dict)  # beat the override folder's variables
    verify: bool = False  # re-assess each rewritten incident and record whether it is constructive now
    # False: publish-ready output. No marker comments or lines (they would be published: plain text shows
    # them, and CMSs show or drop comments unpredictably), also none left from blocks already in the input.
    # The change report still rebuilds the original (undo_rewrite); strip_blocks no longer can.
    markers: bool = True


@dataclass(frozen=True, slots=True)
class Insertion:
    incident_index: int
    incident_title: str
    crime_type: CrimeType
    template_id: str
    template_version: int
    template_source: TemplateSource
    season: Season
    style: Style
    offset: int  # where the block goes in the *original* text
    output_start: int  # where it sits in the rewritten text
    text: str  # exactly what was inserted (separator included)
    constructive_after: bool | None = None
    score_after: float | None = None
    topic: Topic = Topic.NONE  # the template's topic (Topic.NONE: the crime type's general advice)

    @property
    def output_end(self) -> int:
        return self.output_start + len(self.text)

    def to_json(self) -> dict[str, object]:
        return {
            "incident": self.incident_index,
            "title": self.incident_title,
            "crime_type": self.crime_type.value,
            "template": self.template_id,
            "template_version": self.template_version,
            "template_source": self.template_source.value,
            "season": self.season.value,
            "topic": self.topic.value,
            "style": self.style.value,
            "offset": self.offset,
            "output_start": self.output_start,
            "output_end": self.output_end,
            "inserted_chars": len(self.text),
            "constructive_after": self.constructive_after,
            "score_after": None if self.score_after is None else round(self.score_after, 4),
        }


@dataclass(frozen=True, slots=True)
class Skipped:
    incident_index: int
    incident_title: str
    reason: SkipReason
    crime_type: CrimeType | None

    def to_json(self) -> dict[str, object]:
        return {
            "incident": self.incident_index,
            "title": self.incident_title,
            "reason": self.reason.value,
            "crime_type": self.crime_type.value if self.crime_type else None,
        }


@dataclass(frozen=True, slots=True)
class RemovedMarker:
    """A marker of an advice block already in the input, left out of publish-ready output (``markers=False``)."""

    offset: int  # where it started in the *original* text
    output_offset: int  # where it would have been in the rewritten text
    text: str  # exactly what was removed (the marker and the line break that went with it)

    def to_json(self) -> dict[str, object]:
        return {"offset": self.offset, "output_offset": self.output_offset, "text": self.text}


@dataclass(frozen=True, slots=True)
class ChangeReport:
    fmt: ReportFormat
    style: Style
    season: Season
    report_date: date | None
    model_version: str | None
    insertions: tuple[Insertion, ...]
    skipped: tuple[Skipped, ...]
    markers: bool = True
    removed_markers: tuple[RemovedMarker, ...] = ()  # only with markers=False

    @property
    def changed(self) -> bool:
        return bool(self.insertions or self.removed_markers)

    def to_json(self) -> dict[str, object]:
        return {
            "format": self.fmt.value,
            "style": self.style.value,
            "season": self.season.value,
            "date": self.report_date.isoformat() if self.report_date else None,
            "model_version": self.model_version,
            "changed": self.changed,
            "markers": self.markers,
            "insertions": [i.to_json() for i in self.insertions],
            "removed_markers": [m.to_json() for m in self.removed_markers],
            "skipped": [s.to_json() for s in self.skipped],
        }


@dataclass(frozen=True, slots=True)
class RewriteResult:
    text: str  # the rewritten report
    original: str
    report: Report  # the parsed *original* report
    changes: ChangeReport
