"""Danish and standard date formats -> timezone-aware datetimes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botrygt_nlp.news.dates import COPENHAGEN, find_danish_date, parse_date

CPH = COPENHAGEN
MONTHS = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tirsdag d. 12. marts 2024", datetime(2024, 3, 12, tzinfo=CPH)),
        ("12.03.2024 kl. 14.05", datetime(2024, 3, 12, 14, 5, tzinfo=CPH)),
        ("12. mar. 2024 14:05", datetime(2024, 3, 12, 14, 5, tzinfo=CPH)),
        ("Tirsdag den 12. Marts 2024 kl. 14:05", datetime(2024, 3, 12, 14, 5, tzinfo=CPH)),
        ("søn. 1. dec. 2024", datetime(2024, 12, 1, tzinfo=CPH)),
        ("3/7-2024 9.15", datetime(2024, 7, 3, 9, 15, tzinfo=CPH)),
        ("d. 24/12 2024", datetime(2024, 12, 24, tzinfo=CPH)),
        ("1. juli 2024 kl. 23.59", datetime(2024, 7, 1, 23, 59, tzinfo=CPH)),
        ("2024-03-12T14:05:00+01:00", datetime(2024, 3, 12, 14, 5, tzinfo=timezone(timedelta(hours=1)))),
        ("2024-07-01T10:00:00Z", datetime(2024, 7, 1, 10, 0, tzinfo=UTC)),
        ("2024-06-01", datetime(2024, 6, 1, tzinfo=CPH)),
        ("Tue, 12 Mar 2024 14:05:00 +0100", datetime(2024, 3, 12, 13, 5, tzinfo=UTC)),
    ],
)
def test_known_formats(text: str, expected: datetime) -> None:
    value = parse_date(text)
    assert value == expected
    assert value is not None and value.tzinfo is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # RFC 822 as Danish CMSs localise it: Danish weekday and month names, CET/CEST, " - " and "kl.".
        ("Tir, 12 Mar 2024 14:05:00 +0100", datetime(2024, 3, 12, 13, 5, tzinfo=UTC)),
        ("Tirs, 12 okt 2024 14:05:00 +0200", datetime(2024, 10, 12, 12, 5, tzinfo=UTC)),
        ("Man, 01 Maj 2024 10:00:00 CEST", datetime(2024, 5, 1, 8, 0, tzinfo=UTC)),
        ("Tor, 14 Mrt 2024 08:00:00 +0100", datetime(2024, 3, 14, 7, 0, tzinfo=UTC)),
        ("12 maj 2024 14:05:00 +0200", datetime(2024, 5, 12, 12, 5, tzinfo=UTC)),
        ("tirsdag, 12. marts 2024 - 14:05", datetime(2024, 3, 12, 14, 5, tzinfo=CPH)),
        ("fredag 1. november 2024 kl. 06.30 CET", datetime(2024, 11, 1, 5, 30, tzinfo=UTC)),
        ("Tir, 12 Mar 2024", datetime(2024, 3, 12, tzinfo=CPH)),
        ("Sun, 12 May 2024 14:05:00", datetime(2024, 5, 12, 14, 5, tzinfo=CPH)),
        # "-0000": the time is UTC, the sender's own zone unknown (RFC 5322 3.3).
        ("Tue, 12 Mar 2024 14:05:00 -0000", datetime(2024, 3, 12, 14, 5, tzinfo=UTC)),
    ],
)
def test_localised_rfc822(text: str, expected: datetime) -> None:
    assert parse_date(text) == expected


def test_a_word_after_the_clock_is_no_zone() -> None:
    found = find_danish_date("Opdateret 12. marts 2024 kl. 14.05 utroligt nok")
    assert found == datetime(2024, 3, 12, 14, 5, tzinfo=CPH)
    assert found is not None and found.utcoffset() == timedelta(hours=1)


def test_summer_time_is_respected() -> None:
    value = parse_date("1. juli 2024 kl. 12.00")
    assert value is not None and value.utcoffset() == timedelta(hours=2)
    winter = parse_date("1. januar 2024 kl. 12.00")
    assert winter is not None and winter.utcoffset() == timedelta(hours=1)


@pytest.mark.parametrize(
    "text", ["", "i går", "31. februar 2024", "12.13.2024", "1. marts 1850", "25:61", "x" * 10_000, None]
)
def test_garbage_gives_none(text: str | None) -> None:
    assert parse_date(text) is None


def test_find_in_running_text() -> None:
    text = "Af Åse Bøgh · Opdateret onsdag d. 3. juli 2024 kl. 9.15 · Politiet oplyser, at ..."
    assert find_danish_date(text) == datetime(2024, 7, 3, 9, 15, tzinfo=CPH)
    assert find_danish_date("ingen dato her") is None


@given(
    day=st.integers(1, 28),
    month=st.integers(1, 12),
    year=st.integers(1990, 2100),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    style=st.integers(0, 2),
)
def test_round_trip(day: int, month: int, year: int, hour: int, minute: int, style: int) -> None:
    name = MONTHS[month - 1]
    text = [
        f"{day}. {name} {year} kl. {hour:02d}.{minute:02d}",
        f"{day:02d}.{month:02d}.{year} kl. {hour}.{minute:02d}",
        f"{day}. {name[:3]}. {year} {hour:02d}:{minute:02d}",
    ][style]
    assert parse_date(text) == datetime(year, month, day, hour, minute, tzinfo=CPH)


@given(st.text(max_size=300))
def test_never_raises(text: str) -> None:
    parse_date(text)
    find_danish_date(text)
