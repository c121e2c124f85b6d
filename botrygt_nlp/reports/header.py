"""Facts from a report's preamble: police district, period covered, date."""

from __future__ import annotations

import re
from datetime import date

from botrygt_nlp.news.dates import MONTH_NAMES, find_danish_date
from botrygt_nlp.reports.types import ReportHeader

_UC = "A-ZÆØÅ"
_W = r"[\wæøåÆØÅ-]"
_DISTRICT = re.compile(rf"((?:[{_UC}]{_W}*-?\s+og\s+)?(?:[{_UC}]{_W}*\s+)?[{_UC}]{_W}*s\s+Politi)\b(?!kreds)")
_NOT_DISTRICT_WORDS = {"døgnrapport", "døgnrapporten", "rapport", "nyt", "nyheder", "fra"}
_DAY = r"(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)"
_MONTHS = MONTH_NAMES
_DATE_WORDS = rf"(?:den\s+)?\d{{1,2}}\.\s*(?:{'|'.join(_MONTHS)})(?:\s+\d{{4}})?"
_DATE_NUMS = r"\d{1,2}[./-]\d{1,2}[./-]\d{4}"
_CLOCK = r"kl\.\s*\d{1,2}(?:[.:]\d{2})?"
_DAYPART = r"(?:morgen|formiddag|middag|eftermiddag|aften|nat)"
# A point in time: "[torsdag [den 14. marts]] kl. 7", "14.03.2024 kl. 07:00", "lørdag morgen".
_POINT = (
    rf"(?:(?:{_DAY}(?:\s+{_DATE_WORDS})?|{_DATE_WORDS}|{_DATE_NUMS}|i\s+går|i\s+dag)?\s*{_CLOCK}"
    rf"|{_DAY}(?:\s+{_DATE_WORDS})?\s+{_DAYPART})"
)
_DATE_SPAN = rf"{_DATE_WORDS}\s+\d{{4}}|{_DATE_NUMS}"
_PERIOD = re.compile(
    rf"(?:fra\s+)?(?:{_POINT}\s+(?:til|-|–)\s+{_POINT}|(?:{_DATE_SPAN})\s*(?:til|-|–)\s*(?:{_DATE_SPAN}))",
    re.IGNORECASE,
)
_PERIOD_LINE = re.compile(r"^\s*periode[n]?\s*:?\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)


def _district(text: str) -> str | None:
    found = _district_in(text)
    if found is None:
        # Pasted pages often set the title in capitals ("DØGNRAPPORT FRA NORDJYLLANDS POLITI").
        caps = [ln for ln in text.splitlines() if ln.isupper() and "POLITI" in ln]
        for line in caps:
            found = _district_in(line.title().replace(" Og ", " og ").replace("Og-", "og-"))
            if found:
                break
    return found


def _district_in(text: str) -> str | None:
    for m in _DISTRICT.finditer(text):
        words = m.group(1).split()
        while words and words[0].lower() in _NOT_DISTRICT_WORDS:
            words = words[1:]
        if len(words) >= 2:
            return " ".join(words)
    return None


def _date(text: str) -> date | None:
    """The first valid date in the text: the monitor's reading of Danish running text ("12. marts 2024",
    "24. dec. 2024", "12.03.2024", "24/12 2024", ISO), so a report header and a news page agree."""
    found = find_danish_date(text)
    return found.date() if found is not None else None


def _period(text: str) -> str | None:
    # A recognisable "fra … kl. 7 til … kl. 7" wins; a free-form "Periode: …" line is the fallback.
    m = _PERIOD.search(text)
    if m:
        return re.sub(r"\s+", " ", m.group(0)).strip()
    line = _PERIOD_LINE.search(text)
    return line.group(1).strip().rstrip(".") if line else None


def extract_header(text: str, start: int = 0, end: int | None = None) -> ReportHeader:
    """Header facts from ``text`` (the preamble's plain text); ``start``/``end`` locate it in the report."""
    plain = text.replace("\u00a0", " ")
    return ReportHeader(
        district=_district(plain),
        period=_period(plain),
        date=_date(plain),
        start=start,
        end=len(text) if end is None else end,
    )
