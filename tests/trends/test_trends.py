"""Trend aggregation, Wilson intervals, model-version selection and rescoring (on every backend)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from botrygt_nlp.domain import CrimeType
from botrygt_nlp.monitor.rescore import rescore
from botrygt_nlp.stats import wilson_interval
from botrygt_nlp.storage import Store
from botrygt_nlp.trends import (
    GroupBy,
    Period,
    compute_trends,
    day_start,
    period_start,
    rows_to_csv,
    rows_to_json,
    rows_to_table,
)
from tests.monitor_poll.fakes import FakeAnalyzer
from tests.storage.helpers import T0, article, assessment


def test_wilson_reference_values() -> None:
    assert wilson_interval(0, 0) is None
    lo, hi = wilson_interval(5, 10)  # type: ignore[misc]
    assert (round(lo, 4), round(hi, 4)) == (0.2366, 0.7634)
    lo, hi = wilson_interval(0, 10)  # type: ignore[misc]
    assert lo == 0.0 and round(hi, 4) == 0.2775
    lo, hi = wilson_interval(81, 263)  # type: ignore[misc]  # checked by hand: centre 0.3107, half 0.0555
    assert (round(lo, 3), round(hi, 3)) == (0.255, 0.366)
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


@given(st.integers(min_value=1, max_value=5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_contains_the_estimate(sn: tuple[int, int]) -> None:
    s, n = sn
    ci = wilson_interval(s, n)
    assert ci is not None
    lo, hi = ci
    assert 0.0 <= lo <= s / n + 1e-12 and s / n - 1e-12 <= hi <= 1.0


def test_period_starts() -> None:
    d = datetime(2026, 8, 20, 23, 0)  # a Thursday
    assert period_start(d, Period.WEEK) == date(2026, 8, 17)
    assert period_start(d, Period.MONTH) == date(2026, 8, 1)
    assert period_start(d, Period.QUARTER) == date(2026, 7, 1)
    assert period_start(date(2026, 1, 1), Period.WEEK) == date(2025, 12, 29)  # ISO week across the year


def _fill(store: Store) -> None:
    items = []
    specs = [  # (outlet, municipality, days after T0, relevant, constructive, alarmist, crime)
        ("A", "Odense", 0, True, True, False, CrimeType.HOME_BURGLARY),
        ("A", "Odense", 1, True, False, True, CrimeType.HOME_BURGLARY),
        ("A", "Svendborg", 2, False, False, False, CrimeType.NOT_RELEVANT),
        ("B", "Aalborg", 3, True, True, False, CrimeType.BIKE_THEFT),
        ("B", None, 40, True, False, False, CrimeType.BIKE_THEFT),
    ]
    for i, (outlet, muni, day, rel, con, alarm, crime) in enumerate(specs):
        district = {
            "Odense": "Fyns Politi",
            "Svendborg": "Fyns Politi",
            "Aalborg": "Nordjyllands Politi",
        }.get(muni or "")
        items.append(
            (
                article(
                    f"https://{outlet}.example/{i}",
                    f"Artikel {i}",
                    outlet=outlet,
                    municipality=muni,
                    district=district,
                    published=T0 + timedelta(days=day),
                ),
                assessment(relevant=rel, constructive=con, alarmist=alarm, crime=crime, version="v1"),
            )
        )
    store.insert_articles(items)


def test_compute_trends_by_outlet_and_month(store: Store) -> None:
    _fill(store)
    rows = compute_trends(store, "outlet", "month")
    got = [
        (
            r.group,
            r.period.isoformat(),
            r.articles,
            r.relevant,
            r.constructive,
            r.alarmist,
            r.share_constructive,
        )
        for r in rows
    ]
    assert got == [
        ("A", "2026-09-01", 3, 2, 1, 1, 0.5),
        ("B", "2026-09-01", 1, 1, 1, 0, 1.0),
        ("B", "2026-10-01", 1, 1, 0, 0, 0.0),
    ]
    assert all(r.model_version == "v1" for r in rows)
    a = rows[0]
    assert (a.ci_low, a.ci_high) == wilson_interval(1, 2)


def test_groups_ranges_and_empty_relevance(store: Store) -> None:
    _fill(store)
    by_muni = {(r.group, r.period.isoformat()): r for r in compute_trends(store, GroupBy.MUNICIPALITY, "quarter")}
    assert by_muni[("Svendborg", "2026-07-01")].share_constructive is None  # no relevant articles
    assert by_muni[("Svendborg", "2026-07-01")].ci_low is None
    assert ("(ukendt)", "2026-10-01") in by_muni
    by_district = compute_trends(store, "district", "quarter", since=T0, until=T0 + timedelta(days=10))
    assert {(r.group, r.articles) for r in by_district} == {("Fyns Politi", 3), ("Nordjyllands Politi", 1)}
    by_crime = compute_trends(store, "crime_type", "week")
    assert {r.group for r in by_crime} == {"home_burglary", "not_relevant", "bike_theft"}


def test_latest_model_version_unless_asked_and_rescore_keeps_old(store: Store) -> None:
    _fill(store)
    report = rescore(store, FakeAnalyzer("v2"), "v2")
    assert report.assessed == 5 and report.errors == []
    assert rescore(store, FakeAnalyzer("v2"), "v2").assessed == 0  # resumable / idempotent
    assert {r.model_version for r in compute_trends(store, "outlet", "month")} == {"v2"}
    old = compute_trends(store, "outlet", "month", model_version="v1")
    assert {r.model_version for r in old} == {"v1"} and old[0].constructive == 1
    assert store.model_versions() == [("v1", 5), ("v2", 5)]
    assert compute_trends(store, "outlet", "month", model_version="nope") == []


def test_formats(store: Store) -> None:
    _fill(store)
    rows = compute_trends(store, "outlet", "month")
    assert '"share_constructive": null' not in rows_to_json(rows)
    csv_lines = rows_to_csv(rows).splitlines()
    assert csv_lines[0].startswith("group,period,articles") and len(csv_lines) == 4
    table = rows_to_table(rows)
    assert "50%" in table and "model_version: v1" in table
    assert rows_to_table([]) == "(no assessed articles in this range)"


def test_wilson_is_exact_at_zero_and_n() -> None:
    for n in (1, 2, 3, 7, 10, 49, 263, 1000):
        low0, high0 = wilson_interval(0, n)  # type: ignore[misc]
        lown, highn = wilson_interval(n, n)  # type: ignore[misc]
        assert low0 == 0.0 and highn == 1.0
        assert 0.0 < high0 < 1.0 and 0.0 < lown < 1.0
        assert abs((1 - lown) - high0) < 1e-12  # symmetric: 0 of n mirrors n of n
    assert wilson_interval(1, 1) == (pytest.approx(0.2065493144), 1.0)  # 1 / (1 + z^2), z = 1.95996


CPH = ZoneInfo("Europe/Copenhagen")


@pytest.mark.parametrize(
    ("local", "period", "expected"),
    [
        # Around New Year: 00:30 in Copenhagen is still 31 December in UTC.
        (datetime(2027, 1, 1, 0, 30, tzinfo=CPH), Period.MONTH, date(2027, 1, 1)),
        (datetime(2027, 1, 1, 0, 30, tzinfo=CPH), Period.QUARTER, date(2027, 1, 1)),
        (datetime(2027, 1, 1, 0, 30, tzinfo=CPH), Period.WEEK, date(2026, 12, 28)),
        (datetime(2026, 12, 31, 23, 30, tzinfo=CPH), Period.QUARTER, date(2026, 10, 1)),
        # Summer time starts Sunday 29 March 2026: Monday 00:30 CEST is Sunday 22:30 UTC.
        (datetime(2026, 3, 30, 0, 30, tzinfo=CPH), Period.WEEK, date(2026, 3, 30)),
        (datetime(2026, 3, 29, 23, 30, tzinfo=CPH), Period.WEEK, date(2026, 3, 23)),
        # Summer time ends Sunday 25 October 2026; a quarter and a month that start in summer time.
        (datetime(2026, 10, 26, 0, 30, tzinfo=CPH), Period.WEEK, date(2026, 10, 26)),
        (datetime(2026, 10, 1, 1, 0, tzinfo=CPH), Period.QUARTER, date(2026, 10, 1)),
        (datetime(2026, 7, 1, 1, 30, tzinfo=CPH), Period.MONTH, date(2026, 7, 1)),
    ],
)
def test_periods_are_danish_calendar_periods(local: datetime, period: Period, expected: date) -> None:
    assert period_start(local.astimezone(UTC), period) == expected  # the store hands out UTC


def test_trend_rows_bucket_on_the_danish_date(store: Store) -> None:
    new_year = datetime(2027, 1, 1, 0, 30, tzinfo=CPH).astimezone(UTC)  # 2026-12-31 23:30 UTC
    store.insert_articles(
        [
            (article("https://a.example/nytaar", "Indbrud nytårsnat", outlet="A", published=new_year), assessment()),
            (
                article(
                    "https://a.example/dec", "Indbrud juleaften", outlet="A", published=new_year - timedelta(days=7)
                ),
                assessment(constructive=True),
            ),
        ]
    )
    rows = compute_trends(store, "outlet", "quarter")
    assert [(r.period, r.articles, r.constructive) for r in rows] == [
        (date(2026, 10, 1), 1, 1),
        (date(2027, 1, 1), 1, 0),
    ]
    january = compute_trends(store, "outlet", "month", since=day_start(date(2027, 1, 1)))
    assert [(r.period, r.articles) for r in january] == [(date(2027, 1, 1), 1)]
    december = compute_trends(store, "outlet", "month", until=day_start(date(2027, 1, 1)))
    assert [(r.period, r.articles) for r in december] == [(date(2026, 12, 1), 1)]
