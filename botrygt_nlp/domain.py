"""Domain vocabulary of botrygt-nlp: labels, principles and the typed results the core returns.

Standard library only. Strings exist at the edges (JSON, spaCy ``doc.cats``); inside the core every label
is one of these enums. The values are the stable identifiers used in JSON output and in the corpus.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class CrimeType(StrEnum):
    """Fine-grained crime type (see shared/domain/constructive.md, taxonomy table)."""

    HOME_BURGLARY = "home_burglary"
    HOLIDAY_HOME_BURGLARY = "holiday_home_burglary"
    BUSINESS_BURGLARY = "business_burglary"
    VAN_TOOL_THEFT = "van_tool_theft"
    CAR_THEFT = "car_theft"
    BIKE_THEFT = "bike_theft"
    TRICK_THEFT = "trick_theft"
    PICKPOCKETING = "pickpocketing"
    FRAUD = "fraud"
    BOAT_THEFT = "boat_theft"
    OTHER_CRIME = "other_crime"
    NOT_RELEVANT = "not_relevant"

    @property
    def is_relevant(self) -> bool:
        """Burglary, theft or fraud against ordinary people: the Bo trygt scope."""
        return self not in (CrimeType.OTHER_CRIME, CrimeType.NOT_RELEVANT)

    @property
    def coarse(self) -> CoarseType:
        return _COARSE[self]

    @property
    def danish(self) -> str:
        return _DANISH[self]


class CoarseType(StrEnum):
    HOME_BURGLARY = "home_burglary"
    BUSINESS_BURGLARY = "business_burglary"
    VEHICLE_THEFT = "vehicle_theft"
    BIKE_THEFT = "bike_theft"
    TRICK_THEFT = "trick_theft"
    FRAUD = "fraud"
    BOAT_THEFT = "boat_theft"
    OTHER_CRIME = "other_crime"
    NOT_CRIME = "not_crime"


_COARSE: dict[CrimeType, CoarseType] = {
    CrimeType.HOME_BURGLARY: CoarseType.HOME_BURGLARY,
    CrimeType.HOLIDAY_HOME_BURGLARY: CoarseType.HOME_BURGLARY,
    CrimeType.BUSINESS_BURGLARY: CoarseType.BUSINESS_BURGLARY,
    CrimeType.VAN_TOOL_THEFT: CoarseType.VEHICLE_THEFT,
    CrimeType.CAR_THEFT: CoarseType.VEHICLE_THEFT,
    CrimeType.BIKE_THEFT: CoarseType.BIKE_THEFT,
    CrimeType.TRICK_THEFT: CoarseType.TRICK_THEFT,
    CrimeType.PICKPOCKETING: CoarseType.TRICK_THEFT,
    CrimeType.FRAUD: CoarseType.FRAUD,
    CrimeType.BOAT_THEFT: CoarseType.BOAT_THEFT,
    CrimeType.OTHER_CRIME: CoarseType.OTHER_CRIME,
    CrimeType.NOT_RELEVANT: CoarseType.NOT_CRIME,
}

_DANISH: dict[CrimeType, str] = {
    CrimeType.HOME_BURGLARY: "indbrud i bolig",
    CrimeType.HOLIDAY_HOME_BURGLARY: "indbrud i sommerhus",
    CrimeType.BUSINESS_BURGLARY: "indbrud i virksomhed, skur eller kolonihave",
    CrimeType.VAN_TOOL_THEFT: "tyveri fra varebil",
    CrimeType.CAR_THEFT: "biltyveri eller indbrud i bil",
    CrimeType.BIKE_THEFT: "cykeltyveri",
    CrimeType.TRICK_THEFT: "tricktyveri",
    CrimeType.PICKPOCKETING: "lommetyveri",
    CrimeType.FRAUD: "bedrageri",
    CrimeType.BOAT_THEFT: "tyveri af båd eller bådmotor",
    CrimeType.OTHER_CRIME: "anden kriminalitet",
    CrimeType.NOT_RELEVANT: "ikke kriminalitet",
}


class Principle(StrEnum):
    """The five Bo trygt prevention principles; every advice block follows them in this order."""

    UTRYG = "gor_tyven_utryg"
    SVAERT = "gor_det_svaert"
    FRIST = "frist_ikke_tyven"
    SURT = "gor_tyvens_liv_surt"
    SKRAEM = "skraem_tyven_vaek"

    @property
    def heading(self) -> str:
        return _PRINCIPLE_HEADINGS[self]


_PRINCIPLE_HEADINGS: dict[Principle, str] = {
    Principle.UTRYG: "Gør tyven utryg",
    Principle.SVAERT: "Gør det svært for tyven",
    Principle.FRIST: "Frist ikke tyven",
    Principle.SURT: "Gør tyvens liv surt",
    Principle.SKRAEM: "Skræm tyven væk",
}


class Register(StrEnum):
    """Kind of text; used in the corpus datasheet and as context, never as a model feature."""

    POLICE_REPORT = "police_report"
    LOCAL_NEWS = "local_news"
    NATIONAL_NEWS = "national_news"
    MUNICIPAL_NEWSLETTER = "municipal_newsletter"
    PRESS_RELEASE = "press_release"
    SOCIAL_POST = "social_post"
    # The paraphrased real-press corpus records only these coarser kinds (local versus national is not known).
    NEWS = "news"
    OTHER = "other"


class Language(StrEnum):
    DANISH = "da"
    ENGLISH = "en"
    OTHER_NORDIC = "nordic"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the *original* text: ``text == original[start:end]`` always holds."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class AdviceSpan(Span):
    """A sentence or list item that tells the reader what to do, with the principle it serves."""

    principle: Principle | None = None
    strength: float = 1.0


@dataclass(frozen=True, slots=True)
class Assessment:
    """The verdict on one text (or one daily-report incident)."""

    relevant: bool
    crime_type: CrimeType
    constructive: bool
    score: float  # calibrated probability that the text is constructive
    alarmist: bool
    witness_appeal: bool
    principles: tuple[Principle, ...]
    advice_spans: tuple[AdviceSpan, ...]
    alarm_spans: tuple[Span, ...]
    lix: float
    model_version: str
    language: Language = Language.DANISH
    crime_cues: tuple[Span, ...] = field(default=())
    witness_spans: tuple[Span, ...] = field(default=())
    alarmist_score: float = 0.0
    relevant_score: float = 0.0

    @property
    def missing_principles(self) -> tuple[Principle, ...]:
        return tuple(p for p in Principle if p not in self.principles)

    def to_json(self) -> dict[str, object]:
        """The public JSON shape (the `botrygt score --format jsonl` contract, minus the id)."""
        return {
            "relevant": self.relevant,
            "crime_type": self.crime_type.value,
            "constructive": self.constructive,
            "score": round(self.score, 4),
            "alarmist": self.alarmist,
            "witness_appeal": self.witness_appeal,
            "principles": [p.value for p in self.principles],
            "advice_spans": [
                {
                    "start": s.start,
                    "end": s.end,
                    "text": s.text,
                    "principle": s.principle.value if s.principle else None,
                }
                for s in self.advice_spans
            ],
            "alarm_spans": [{"start": s.start, "end": s.end, "text": s.text} for s in self.alarm_spans],
            "lix": round(self.lix, 1),
            "model_version": self.model_version,
            "language": self.language.value,
        }

    @staticmethod
    def from_json(data: Mapping[str, object]) -> Assessment:
        """The inverse of :meth:`to_json`: ``Assessment.from_json(a.to_json()).to_json() == a.to_json()``.

        What ``to_json`` leaves out (crime cues, witness spans, span strengths, the raw scores) comes back
        as the field defaults. Raises ``ValueError`` on a payload that is not of that shape.
        """
        try:
            return Assessment(
                relevant=_bool(data["relevant"]),
                crime_type=CrimeType(_str(data["crime_type"])),
                constructive=_bool(data["constructive"]),
                score=_float(data["score"]),
                alarmist=_bool(data["alarmist"]),
                witness_appeal=_bool(data["witness_appeal"]),
                principles=tuple(Principle(_str(p)) for p in _list(data["principles"])),
                advice_spans=tuple(
                    AdviceSpan(
                        start=_int(s["start"]),
                        end=_int(s["end"]),
                        text=_str(s["text"]),
                        principle=None if s.get("principle") is None else Principle(_str(s["principle"])),
                    )
                    for s in map(_mapping, _list(data["advice_spans"]))
                ),
                alarm_spans=tuple(
                    Span(start=_int(s["start"]), end=_int(s["end"]), text=_str(s["text"]))
                    for s in map(_mapping, _list(data["alarm_spans"]))
                ),
                lix=_float(data["lix"]),
                model_version=_str(data["model_version"]),
                language=Language(_str(data["language"])),
            )
        except KeyError as exc:
            raise ValueError(f"assessment JSON lacks {exc}") from None


def _bool(v: object) -> bool:
    if not isinstance(v, bool):
        raise ValueError(f"expected a boolean, got {v!r}")
    return v


def _int(v: object) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"expected an integer, got {v!r}")
    return v


def _float(v: object) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise ValueError(f"expected a number, got {v!r}")
    return float(v)


def _str(v: object) -> str:
    if not isinstance(v, str):
        raise ValueError(f"expected a string, got {v!r}")
    return v


def _list(v: object) -> list[object]:
    if not isinstance(v, list | tuple):
        raise ValueError(f"expected a list, got {v!r}")
    return list(v)


def _mapping(v: object) -> Mapping[str, object]:
    if not isinstance(v, Mapping):
        raise ValueError(f"expected an object, got {v!r}")
    return v


class Assessor(Protocol):
    """Anything that turns a text into an :class:`Assessment` (the runtime ``analysis.Analyzer`` is one)."""

    def assess(self, text: str, *, title: str | None = None) -> Assessment: ...
