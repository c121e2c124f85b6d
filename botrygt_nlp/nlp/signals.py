"""Rule signals a person can check: advice cues, alarmist wording, witness appeals, crime vocabulary, language.

They are evidence in their own right and features for the trained models (which decide, calibrated).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from botrygt_nlp.domain import CrimeType, Language, Principle, Span
from botrygt_nlp.nlp import lexicon as lx
from botrygt_nlp.nlp.text import Sentence


def _alternation(phrases: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    escaped = sorted((re.escape(p) for p in phrases), key=len, reverse=True)
    return re.compile(r"(?<![\wæøå])(?:" + "|".join(escaped) + r")")


_ADVICE_RE = _alternation(lx.ADVICE_PHRASES)
_VAGUE_RE = _alternation(lx.VAGUE_PHRASES)
_WITNESS_RE = _alternation(lx.WITNESS_PHRASES)
_FORENSICS_RE = _alternation(lx.FORENSICS_PHRASES)
_CONTACT_RE = re.compile(r"114|politi|tlf|telefon|ring|kontakt|henvend|oplys|tip")
_MODAL_RE = re.compile(
    r"(?<![\wæøå])(?:du|man|i|vi|borgerne|alle|folk|beboerne|ejere|bilister|cyklister|håndværkere|"
    r"sommerhusejere|ældre|forældre|virksomheder|butikkerne)\s+(?:bør|skal|kan|må|burde|skulle|"
    r"opfordres|anbefales|rådes)\b|(?<![\wæøå])(?:bør|burde)\s+(?:du|man|i|alle)\b"
)
_PREVENTIVE_CALL_RE = re.compile(
    r"(?:ring|kontakt|tilkald|alarmer)\w*\s+(?:gerne\s+|straks\s+|altid\s+)?(?:til\s+)?(?:politiet\s+)?"
    r"(?:på\s+)?11[42].{0,60}?(?:hvis|når|ser|mistænk)|(?:hvis|når)\s+(?:du|man|i)\s+(?:ser|oplever|"
    r"bemærker|hører).{0,80}?11[42]"
)
_PHONE_RE = re.compile(r"(?<!\d)11[42](?!\d)")
_NEGATED_ADDRESS_RE = re.compile(r"\b(?:ikke|aldrig)\b")
_ALARM_RE = re.compile(r"(?<![\wæøå])(?:" + "|".join(lx.ALARM_PATTERNS) + r")", re.IGNORECASE)
_CUE_RES: dict[CrimeType, re.Pattern[str]] = {
    ct: re.compile(r"(?<![\wæøå])(?:" + "|".join(re.escape(c) for c in cues) + r")", re.IGNORECASE)
    for ct, cues in lx.CRIME_CUES.items()
}
_GENERIC_THEFT_RE = re.compile(
    r"(?<![\wæøå])(?:" + "|".join(re.escape(c) for c in lx.GENERIC_THEFT_CUES) + r")", re.IGNORECASE
)
_PRINCIPLE_RES: dict[Principle, re.Pattern[str]] = {
    p: re.compile(r"(?<![\wæøå])(?:" + "|".join(re.escape(c) for c in cues) + r")")
    for p, cues in lx.PRINCIPLE_CUES.items()
}


@dataclass(frozen=True, slots=True)
class SentenceSignals:
    imperative: bool
    advice_phrase: bool
    modal: bool
    addressee: bool
    preventive_call: bool
    phone: bool
    nabohjaelp: bool
    vague: bool
    witness: bool
    forensics: bool
    question: bool
    negated: bool
    principle_hits: tuple[Principle, ...]

    def names(self) -> list[str]:
        out = [name for name in _FLAG_NAMES if getattr(self, name)]
        out.extend("cue_" + p.value for p in self.principle_hits)
        return out


_FLAG_NAMES = (
    "imperative", "advice_phrase", "modal", "addressee", "preventive_call", "phone", "nabohjaelp", "vague",
    "witness", "forensics", "question", "negated",
)


def looks_imperative(first: str, first_lemma: str) -> bool:
    """Danish imperative = the verb stem: 'lås' (låse), 'tøm' (tømme), 'undgå' (undgå)."""
    if first in lx.IMPERATIVES:
        return True
    if first_lemma != first and first_lemma.endswith("e") and first_lemma.startswith(first):
        return len(first_lemma) - len(first) <= 2 and len(first) >= 2
    return False


def sentence_signals(s: Sentence) -> SentenceSignals:
    low = s.lower
    words = s.words
    witness = bool(_WITNESS_RE.search(low)) and bool(_CONTACT_RE.search(low))
    return SentenceSignals(
        imperative=looks_imperative(s.first, s.first_lemma),
        advice_phrase=bool(_ADVICE_RE.search(low)),
        modal=bool(_MODAL_RE.search(low)),
        addressee=any(w in lx.ADDRESSEES for w in words if w != "i") or " I " in s.text,
        preventive_call=bool(_PREVENTIVE_CALL_RE.search(low)),
        phone=bool(_PHONE_RE.search(low)),
        nabohjaelp="nabohjælp" in low or "nabohjaelp" in low,
        vague=bool(_VAGUE_RE.search(low)),
        witness=witness,
        forensics=bool(_FORENSICS_RE.search(low)),
        question=low.rstrip().endswith("?"),
        negated=bool(_NEGATED_ADDRESS_RE.search(low)),
        principle_hits=tuple(p for p, rx in _PRINCIPLE_RES.items() if rx.search(low)),
    )


def alarm_matches(text: str) -> list[Span]:
    return [Span(m.start(), m.end(), m.group(0)) for m in _ALARM_RE.finditer(text)]


def crime_cue_matches(text: str) -> list[tuple[CrimeType, Span]]:
    out: list[tuple[CrimeType, Span]] = []
    for ct, rx in _CUE_RES.items():
        out.extend((ct, Span(m.start(), m.end(), m.group(0))) for m in rx.finditer(text))
    out.sort(key=lambda pair: pair[1].start)
    return out


def generic_theft_count(text: str) -> int:
    return sum(1 for _ in _GENERIC_THEFT_RE.finditer(text))


def detect_language(words: list[str]) -> tuple[Language, float]:
    """Function-word vote over lowercased words. Returns the language and the Danish share of votes."""
    da = en = sv = no = 0
    for w in words[:600]:
        if w in lx.DANISH_FUNCTION_WORDS:
            da += 1
        if w in lx.ENGLISH_FUNCTION_WORDS:
            en += 1
        if w in lx.SWEDISH_MARKERS:
            sv += 1
        if w in lx.NORWEGIAN_MARKERS:
            no += 1
    total = da + en + sv + no
    if total < 3:
        return Language.UNKNOWN, 0.0
    share = da / total
    if en > da:
        return Language.ENGLISH, share
    if sv + no > da * 0.6 and sv + no >= 3:
        return Language.OTHER_NORDIC, share
    return Language.DANISH, share
