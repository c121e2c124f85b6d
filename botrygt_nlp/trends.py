"""Trends: constructive share of relevant crime coverage per group and period, with Wilson intervals.

The core function :func:`compute_trends` returns dataclasses; the CLI (`botrygt trends`) and the API
(GET /v1/trends) only format them. One model version per table: the latest in the store unless asked
(mixing versions would make a trend line jump when the model changes; `botrygt rescore` first).

Weeks, months and quarters are Danish calendar periods: an article published at 00:30 on 1 January in
Copenhagen (23:30 UTC on 31 December) belongs to January and to the new year's first quarter, and the
week after a summer-time change starts at Danish midnight. :func:`day_start` gives the matching bounds
for ``since``/``until``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from botrygt_nlp import csvout
from botrygt_nlp.news.dates import COPENHAGEN
from botrygt_nlp.stats import wilson_interval
from botrygt_nlp.storage.ports import TrendSource
from botrygt_nlp.storage.types import TrendFact

UNKNOWN_GROUP = "(ukendt)"


class GroupBy(StrEnum):
    OUTLET = "outlet"
    MUNICIPALITY = "municipality"
    DISTRICT = "district"
    CRIME_TYPE = "crime_type"


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"


@dataclass(frozen=True, slots=True)
class TrendRow:
    group: str
    period: date  # first day of the period (ISO week Monday, month or quarter start)
    articles: int
    relevant: int
    constructive: int
    alarmist: int
    share_constructive: float | None  # constructive / relevant; None when relevant == 0
    ci_low: float | None
    ci_high: float | None
    model_version: str

    def to_json(self) -> dict[str, object]:
        d = asdict(self)
        d["period"] = self.period.isoformat()
        for k in ("share_constructive", "ci_low", "ci_high"):
            if d[k] is not None:
                d[k] = round(d[k], 4)
        return d


def day_start(d: date) -> datetime:
    """Danish midnight at the start of ``d``: the bound to pass as ``since`` (inclusive) or ``until``
    (exclusive) so that ranges and periods agree."""
    if d == date.min:  # Danish midnight of 0001-01-01 lies before the first UTC instant Python can hold
        return datetime.min.replace(tzinfo=UTC)
    return datetime.combine(d, time.min, tzinfo=COPENHAGEN)


def start_bound(d: date | None) -> datetime | None:
    """:func:`day_start` for an optional date: the ``since`` (inclusive) or ``until`` (exclusive) bound."""
    return day_start(d) if d else None


def after_bound(d: date | None) -> datetime | None:
    """The exclusive bound just after day ``d``, for an inclusive "to" date that people type (web pages)."""
    if d is None or d == date.max:  # nothing comes after 9999-12-31: no upper bound
        return None
    return day_start(d + timedelta(days=1))


def period_start(day: date | datetime, period: Period) -> date:
    """First day of the Danish week/month/quarter holding ``day`` (aware datetimes are converted to
    Copenhagen time; a naive one is taken as Danish local time already)."""
    if isinstance(day, datetime):
        day = (day.astimezone(COPENHAGEN) if day.tzinfo is not None else day).date()
    d = day
    if period is Period.WEEK:
        return d - timedelta(days=d.weekday())
    if period is Period.MONTH:
        return d.replace(day=1)
    return d.replace(month=3 * ((d.month - 1) // 3) + 1, day=1)


def _group_of(fact: TrendFact, by: GroupBy) -> str:
    if by is GroupBy.OUTLET:
        return fact.outlet
    if by is GroupBy.MUNICIPALITY:
        return fact.municipality or UNKNOWN_GROUP
    if by is GroupBy.DISTRICT:
        return fact.district or UNKNOWN_GROUP
    return fact.crime_type.value


def aggregate(facts: Sequence[TrendFact], by: GroupBy, period: Period, model_version: str) -> list[TrendRow]:
    counts: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for f in facts:
        c = counts[(_group_of(f, by), period_start(f.day, period))]
        c[0] += 1
        c[1] += f.relevant
        c[2] += f.relevant and f.constructive
        c[3] += f.alarmist
    rows: list[TrendRow] = []
    for (group, start), (n, rel, con, alarm) in sorted(counts.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        ci = wilson_interval(con, rel)
        rows.append(
            TrendRow(
                group=group,
                period=start,
                articles=n,
                relevant=rel,
                constructive=con,
                alarmist=alarm,
                share_constructive=con / rel if rel else None,
                ci_low=ci[0] if ci else None,
                ci_high=ci[1] if ci else None,
                model_version=model_version,
            )
        )
    return rows


def compute_trends(
    store: TrendSource,
    by: GroupBy | str,
    period: Period | str,
    since: datetime | None = None,
    until: datetime | None = None,
    model_version: str | None = None,
) -> list[TrendRow]:
    """Rows per (group, period), oldest period first. ``since`` inclusive, ``until`` exclusive, on the
    article's publication time (fetch time when unknown); periods are Danish calendar periods (use
    :func:`day_start` for date bounds). Empty when nothing has been assessed."""
    by, period = GroupBy(by), Period(period)
    version = model_version or store.latest_model_version()
    if version is None:
        return []
    return aggregate(store.trend_facts(since=since, until=until, model_version=version), by, period, version)


# ---------------------------------------------------------------------- formatting (used by the edges)
FIELDS = (
    "group",
    "period",
    "articles",
    "relevant",
    "constructive",
    "alarmist",
    "share_constructive",
    "ci_low",
    "ci_high",
    "model_version",
)


def rows_to_json(rows: Sequence[TrendRow]) -> str:
    return json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=2)


def rows_to_csv(rows: Sequence[TrendRow]) -> str:
    """Group names are outlet names from feeds: written through the project's one (formula-safe) CSV writer."""
    return csvout.rows_to_csv(FIELDS, ([d[k] for k in FIELDS] for d in (r.to_json() for r in rows)))


def rows_to_table(rows: Sequence[TrendRow]) -> str:
    if not rows:
        return "(no assessed articles in this range)"
    head = ("group", "period", "articles", "relevant", "constr.", "alarm.", "share", "95% CI")
    body = [
        (
            r.group,
            r.period.isoformat(),
            str(r.articles),
            str(r.relevant),
            str(r.constructive),
            str(r.alarmist),
            "-" if r.share_constructive is None else f"{r.share_constructive:.0%}",
            "-" if r.ci_low is None or r.ci_high is None else f"{r.ci_low:.0%}–{r.ci_high:.0%}",
        )
        for r in rows
    ]
    lines = text_table(head, body)
    lines.append(f"model_version: {rows[0].model_version}")
    return "\n".join(lines)


def text_table(head: Sequence[str], body: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned columns two spaces apart, a dashed rule under the header (the CLI's trend tables)."""
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in [head, *body]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines
