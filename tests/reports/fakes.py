"""Test doubles and fixture loading shared by the report and rewrite tests."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from botrygt_nlp.domain import AdviceSpan, Assessment, CrimeType, Principle, Span
from botrygt_nlp.reports import ReportFormat, decode_report, detect_format

DATA = Path(__file__).resolve().parent.parent / "data" / "reports"

_TYPES: list[tuple[str, CrimeType]] = [
    (r"spiritus|slagsmål|hash|fartkontrol|hærværk|\bvold\b|\btruet\b|km/t", CrimeType.OTHER_CRIME),
    (r"sommerhus", CrimeType.HOLIDAY_HOME_BURGLARY),
    (r"varebil|håndværkerbil", CrimeType.VAN_TOOL_THEFT),
    (r"indbrud i bil|katalysator|bil stjålet|nøglefri|nummerplade", CrimeType.CAR_THEFT),
    (r"kiosk|byggeplads|(?<!cykel)skur|kolonihave|butik|landbrug|maskinhus|garage", CrimeType.BUSINESS_BURGLARY),
    (r"indbrud", CrimeType.HOME_BURGLARY),
    (r"cykel|knallert", CrimeType.BIKE_THEFT),
    (r"falske|falsk (betjent|politi)|tricktyv|tagrens", CrimeType.TRICK_THEFT),
    (r"lommetyv|mobiltelefon|tasketyv", CrimeType.PICKPOCKETING),
    (r"svindel|sms|bankrådgiver", CrimeType.FRAUD),
    (r"påhængsmotor|bådmotor|udenbordsmotor", CrimeType.BOAT_THEFT),
    (r"\bpakker\b", CrimeType.HOME_BURGLARY),  # parcels taken from a doorstep: theft at the home
]
_ADVICE = re.compile(r"\b(råder|husk|minder om|anbefaler|opfordrer|lav aldrig|undgå|gør tyven utryg)\b", re.I)


@dataclass
class KeywordAnalyzer:
    """Deterministic stand-in for the classifier: crime type from keywords, constructive from advice verbs."""

    calls: int = 0
    model_version: str = "fake-keywords-1"

    def assess(self, text: str, *, title: str | None = None) -> Assessment:
        self.calls += 1
        whole = f"{title or ''}\n{text}"
        crime = CrimeType.NOT_RELEVANT
        for pattern, ct in _TYPES:
            if re.search(pattern, whole, re.I):
                crime = ct
                break
        relevant = crime.is_relevant
        spans = tuple(AdviceSpan(m.start(), m.end(), m.group(0), Principle.SVAERT) for m in _ADVICE.finditer(text))
        constructive = relevant and bool(spans)
        return Assessment(
            relevant=relevant,
            crime_type=crime,
            constructive=constructive,
            score=0.9 if constructive else 0.1,
            alarmist=False,
            witness_appeal="vidne" in text.lower(),
            principles=(Principle.SVAERT,) if constructive else (),
            advice_spans=spans if relevant else (),
            alarm_spans=tuple[Span, ...](),
            lix=30.0,
            model_version=self.model_version,
        )


@dataclass(frozen=True)
class Fixture:
    name: str
    path: Path
    text: str
    fmt: ReportFormat
    expected: dict[str, object]

    @property
    def incidents(self) -> list[dict[str, object]]:
        value = self.expected["incidents"]
        assert isinstance(value, list)
        return value


def load_fixtures() -> list[Fixture]:
    out = []
    for exp in sorted(DATA.glob("*.expected.json")):
        path = exp.with_name(exp.name.removesuffix(".expected.json"))
        expected = json.loads(exp.read_text())
        # A fixture in an 8-bit encoding names it (as a user passes --encoding); HTML may declare it instead.
        text = decode_report(path.read_bytes(), expected.get("encoding"))
        out.append(Fixture(path.name, path, text, detect_format(text, path.name), expected))
    return out


FIXTURES = load_fixtures()
