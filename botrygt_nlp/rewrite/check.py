"""``botrygt templates check``: every advice template renders, has five points, reads as Danish, fits.

Checks run on both styles and with and without district variables, because an ``{% if local_phone %}``
branch that only breaks when a district sets the phone number is exactly the bug this should catch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from botrygt_nlp.domain import CrimeType
from botrygt_nlp.errors import TemplateError
from botrygt_nlp.rewrite.templates import TemplateStore
from botrygt_nlp.rewrite.types import AdviceContent, Style, TemplateInfo

MAX_FULL_CHARS = 1400
MAX_POINT_CHARS = 260
MIN_POINT_CHARS = 25
MAX_SHORT_CHARS = 450
MIN_SHORT_CHARS = 80
_SAMPLE_VARIABLES = {"district_name": "Testby Politi", "local_phone": "12 34 56 78", "link": "eksempel.dk"}
_NO_VARIABLES: dict[str, str | None] = {"district_name": None, "local_phone": None, "link": None}
_LEFTOVER = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}|\bNone\b|\bTODO\b|\bXXX\b|\[\[|\]\]|<[a-zA-Z/!]")
_ALARMIST = re.compile(
    r"bølge|hærge|går amok|plage|rekord|epidemi|jagter|på rov|slår til|kynisk|skrupelløs|langfingr|"
    r"rædsel|aldrig set magen|intet at gøre|slaraffenland|overflødighedshorn",
    re.IGNORECASE,
)
_LABELS = re.compile(
    r"østeurop|rumæn|litau|polsk|polak|bulgar|albansk|slavisk|\birsk|udlænding|udenlandsk|etnisk|indvandr",
    re.IGNORECASE,
)
_DANISH_WORDS = {
    "og",
    "at",
    "du",
    "der",
    "det",
    "i",
    "på",
    "en",
    "et",
    "til",
    "med",
    "ikke",
    "er",
    "om",
    "så",
    "hvis",
    "din",
    "dine",
    "dit",
    "den",
    "de",
    "for",
    "af",
    "når",
    "eller",
    "også",
    "fra",
    "kan",
    "som",
    "har",
}
_ENGLISH_WORDS = {"the", "and", "you", "your", "with", "not", "if", "when", "this", "from", "is", "are"}


@dataclass(frozen=True, slots=True)
class TemplateCheck:
    template_id: str
    path: Path | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, object]:
        return {
            "template": self.template_id,
            "path": str(self.path) if self.path else None,
            "ok": self.ok,
            "problems": list(self.problems),
        }


def _danish_problems(text: str) -> list[str]:
    words = re.findall(r"[a-zæøå]+", text.lower())
    if not words:
        return ["no words"]
    da = sum(w in _DANISH_WORDS for w in words) / len(words)
    en = sum(w in _ENGLISH_WORDS for w in words) / len(words)
    out = []
    if da < 0.12 or not re.search(r"[æøå]", text.lower()):
        out.append(f"does not read as Danish (function-word share {da:.2f})")
    if en > 0.05:
        out.append(f"contains English (share {en:.2f})")
    return out


def _text_problems(text: str) -> list[str]:
    out = []
    if m := _LEFTOVER.search(text):
        out.append(f"leftover placeholder or markup {m.group(0)!r}")
    if m := _ALARMIST.search(text):
        out.append(f"alarmist wording {m.group(0)!r}")
    if m := _LABELS.search(text):
        out.append(f"ethnic or national label {m.group(0)!r}")
    return out + _danish_problems(text)


def _full_problems(c: AdviceContent) -> list[str]:
    out = []
    text = c.plain_text()
    if len(text) > MAX_FULL_CHARS:
        out.append(f"full text is {len(text)} characters (max {MAX_FULL_CHARS})")
    if not (8 <= len(c.heading) <= 70) or not c.heading[:1].isupper():
        out.append(f"heading {c.heading!r} should be a short sentence-case line naming the situation")
    for principle, point in c.points:
        if not (MIN_POINT_CHARS <= len(point) <= MAX_POINT_CHARS):
            out.append(f"point '{principle.heading}' is {len(point)} characters")
    closing = " ".join(c.closing)
    if "114" not in closing or "112" not in closing:
        out.append("the closing must say when to ring 114 and 112")
    return out + _text_problems(text)


def _short_problems(c: AdviceContent) -> list[str]:
    out = []
    n = len(c.paragraph)
    if not (MIN_SHORT_CHARS <= n <= MAX_SHORT_CHARS):
        out.append(f"short text is {n} characters ({MIN_SHORT_CHARS}–{MAX_SHORT_CHARS})")
    if "114" not in c.paragraph:
        out.append("the short text must mention 114")
    return out + _text_problems(c.paragraph)


def check_template(store: TemplateStore, info: TemplateInfo) -> TemplateCheck:
    problems: list[str] = []
    for variables in (_NO_VARIABLES, {}, _SAMPLE_VARIABLES):
        for style in Style:
            try:
                content = store.render(info, style, variables)
            except TemplateError as exc:
                problems.append(f"{style.value}: {exc.message}")
                continue
            found = _full_problems(content) if style is Style.FULL else _short_problems(content)
            problems += [f"{style.value}: {p}" for p in found]
    return TemplateCheck(info.template_id, info.path, tuple(dict.fromkeys(problems)))


def check_templates(store: TemplateStore) -> list[TemplateCheck]:
    """One result per template, plus one per relevant crime type that has no template at all."""
    results = [check_template(store, t) for t in list_templates(store)]
    covered = {t.crime_type for t in store.templates}
    for ct in CrimeType:
        if ct.is_relevant and ct not in covered:
            results.append(TemplateCheck(ct.value, None, (f"no advice template for crime type {ct.value}",)))
    return results


def list_templates(store: TemplateStore) -> list[TemplateInfo]:
    return sorted(store.templates, key=lambda t: (t.crime_type.value, t.season.value, t.version))
