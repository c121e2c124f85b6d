"""Date parsing for Danish news feeds and pages.

feedparser understands RFC 822 and W3C dates; Danish outlets also write "tirsdag d. 12. marts 2024",
"12.03.2024 kl. 14.05", "12. mar. 2024 14:05" or RFC 822 with Danish names ("Tir, 12 Maj 2024 14:05:00
+0200", "tirsdag, 12. marts 2024 - 14:05 CET"). Every result is timezone-aware: a date without a zone is
read as Danish local time (Europe/Copenhagen, so summer time is right), one with a zone keeps it.
Pure functions, stdlib only.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

# Years outside this window are typos or epoch garbage, not news.
_MIN_YEAR = 1990
_MAX_YEAR = 2100
# Dates are short; refusing long input keeps the regexes cheap on hostile strings.
_MAX_INPUT_CHARS = 200

# Full names and the abbreviations Danish pages use, month number by position.
MONTH_NAMES: tuple[str, ...] = (
    "januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november",
    "december",
)  # fmt: skip
_MONTHS: dict[str, int] = {name: i for i, name in enumerate(MONTH_NAMES, 1)} | {
    "jan": 1, "feb": 2, "mar": 3, "mrt": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "okt": 10, "nov": 11, "dec": 12,
    # English names, so an RFC 822 date with a Danish weekday ("Tir, 12 May 2024") still reads.
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "october": 10, "oct": 10,
}  # fmt: skip
_WEEKDAYS = (
    "mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag|man|tirs|tir|ons|tors|tor|fre|lør|søn|"
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thu|fri|sat|sun"
)
_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))

# Optional clock after the date: "kl. 14.05", "kl 14:05", "14:05", ", 14.05", " - 14:05".
_TIME = (
    r"(?:\s*[,\-–]?\s*(?:kl\.?\s*)?(?P<hour>[01]?\d|2[0-3])[.:](?P<minute>[0-5]\d)"
    r"(?:[.:](?P<second>[0-5]\d))?)?"
)
# Optional zone after the clock: RFC 822 offsets and names, and the Central European ones Danish
# servers print (CET/CEST, German MEZ/MESZ).
_ZONE = r"(?:\s*(?P<tz>Z|UTC|UT|GMT|[+-]\d{2}:?\d{2}|CEST|CET|MESZ|MEZ)\b)?"  # \b: not "14.05 utroligt"
_PREFIX = rf"(?:(?:{_WEEKDAYS})\.?,?\s+)?(?:(?:d\.|den)\s+)?"

# "tirsdag d. 12. marts 2024", "12. mar. 2024 14:05", "12 marts 2024 kl. 14.05", "Tir, 12 Maj 2024 14:05 +0200"
_NAMED = re.compile(
    rf"{_PREFIX}(?P<day>[0-3]?\d)\.?\s*(?P<month>{_MONTH_ALT})\.?\s+(?P<year>\d{{4}}){_TIME}{_ZONE}",
    re.IGNORECASE,
)
# "12.03.2024 kl. 14.05", "12/3-2024", "12-03-2024 14:05", "24/12 2024"
_NUMERIC = re.compile(
    rf"{_PREFIX}(?P<day>[0-3]?\d)[./-](?P<month>[01]?\d)(?:[./-]|\s+)(?P<year>\d{{4}}){_TIME}{_ZONE}",
    re.IGNORECASE,
)
_NAMED_ZONES: dict[str, timedelta] = {
    "Z": timedelta(0), "UTC": timedelta(0), "UT": timedelta(0), "GMT": timedelta(0),
    "CET": timedelta(hours=1), "MEZ": timedelta(hours=1), "CEST": timedelta(hours=2), "MESZ": timedelta(hours=2),
}  # fmt: skip
# ISO 8601 as found in <time datetime> and JSON-LD; the zone is optional.
_ISO = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?",
    re.IGNORECASE,
)


def _build(groups: dict[str, str | None], month: int, zone: tzinfo) -> datetime | None:
    try:
        year = int(groups["year"] or "")
        day = int(groups["day"] or "")
        clock = time(int(groups.get("hour") or 0), int(groups.get("minute") or 0), int(groups.get("second") or 0))
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            return None
        return datetime.combine(datetime(year, month, day).date(), clock, tzinfo=zone)
    except ValueError:  # 31. februar and friends
        return None


def _zone(tz_text: str | None, default: tzinfo) -> tzinfo:
    if not tz_text:
        return default
    named = _NAMED_ZONES.get(tz_text.upper())
    if named is not None:
        return UTC if not named else timezone(named)
    sign = 1 if tz_text[0] == "+" else -1
    digits = tz_text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _from_named(match: re.Match[str], zone: tzinfo) -> datetime | None:
    groups = match.groupdict()
    return _build(groups, _MONTHS[match.group("month").lower()], _zone(groups.get("tz"), zone))


def _from_numeric(match: re.Match[str], zone: tzinfo) -> datetime | None:
    groups = match.groupdict()
    return _build(groups, int(match.group("month")), _zone(groups.get("tz"), zone))


def _from_iso(match: re.Match[str], zone: tzinfo) -> datetime | None:
    groups = match.groupdict()
    return _build(groups, int(groups["month"]), _zone(groups.get("tz"), zone))


def _rfc822(text: str) -> datetime | None:
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if value is None or not _MIN_YEAR <= value.year <= _MAX_YEAR:
        return None
    if value.tzinfo is None and "-0000" in text:
        # RFC 5322 3.3: "-0000" says the time is UTC but the sender's own zone is unknown.
        return value.replace(tzinfo=UTC)
    # RFC 822 without a zone, or with a name email.utils does not know: read it as Danish time.
    return value if value.tzinfo is not None else value.replace(tzinfo=COPENHAGEN)


def parse_date(text: str | None, default_tz: tzinfo = COPENHAGEN) -> datetime | None:
    """Parse one date string (ISO 8601, RFC 822 or Danish); naive dates get ``default_tz``."""
    if not text:
        return None
    text = text.strip()[:_MAX_INPUT_CHARS]
    iso = _ISO.fullmatch(text)
    if iso:
        return _from_iso(iso, default_tz)
    for pattern, build in ((_NAMED, _from_named), (_NUMERIC, _from_numeric)):
        found = pattern.fullmatch(text.rstrip(". "))
        if found:
            return build(found, default_tz)
    return _rfc822(text)


def find_danish_date(text: str, default_tz: tzinfo = COPENHAGEN, max_chars: int = 20_000) -> datetime | None:
    """Return the first Danish-looking date in running text (e.g. a page byline), or None."""
    head = text[:max_chars]
    best: tuple[int, datetime] | None = None
    for pattern, build in ((_NAMED, _from_named), (_NUMERIC, _from_numeric), (_ISO, _from_iso)):
        for found in pattern.finditer(head):
            value = build(found, default_tz)
            if value is not None:
                if best is None or found.start() < best[0]:
                    best = (found.start(), value)
                break
    return best[1] if best else None


def is_plausible(value: datetime) -> bool:
    """Inside the years a news date can have (feedparser happily returns 1970 for a zero timestamp)."""
    return _MIN_YEAR <= value.year <= _MAX_YEAR


def as_aware(value: datetime, default_tz: tzinfo = UTC) -> datetime:
    """Attach ``default_tz`` to a naive datetime; leave aware ones untouched."""
    return value if value.tzinfo is not None else value.replace(tzinfo=default_tz)
