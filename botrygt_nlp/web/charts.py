"""Server-rendered SVG line charts of the constructive share with 95 % bands. Pure geometry: the template
draws what this computes, with presentation attributes only (the CSP forbids inline style)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from botrygt_nlp.trends import TrendRow

# (group, period) -> (corrected share, low, high), each None where the row has no correction
Corrections = dict[tuple[str, date], tuple[float | None, float | None, float | None]]

# Okabe–Ito, kept distinguishable with the common colour-vision deficiencies, every colour at least 3:1 against
# white (WCAG 1.4.11 for lines and points): its sky blue (#56B4E9, 2.3:1) is swapped for Tol's wine (#882255).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8A6D00", "#882255", "#000000")
MAX_SERIES = len(PALETTE)
MAX_PERIODS = 520  # ten years of weeks; a longer range is drawn with only the periods that have data


@dataclass(frozen=True, slots=True)
class ChartPoint:
    x: float
    y: float
    y_low: float | None  # the 95 % interval as a whisker (also visible for a lone point, where a band is not)
    y_high: float | None
    href: str
    label: str  # text for the point's <title> and its accessible name
    # With the correction shown: the corrected share, drawn as a hollow marker on the dashed line, which is what
    # the whisker (then the corrected interval) belongs to.
    y_corrected: float | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of consecutive periods with data. A period without relevant articles breaks the line: drawing
    straight through it would show a trend nobody measured."""

    line: str  # "x,y x,y …" for <polyline>; "" for a lone point (its circle and whisker say it all)
    band: str  # polygon of the 95 % interval over the run, "" for a lone point
    corrected_line: str = ""  # the error-corrected share (dashed), when the page shows the correction


@dataclass(frozen=True, slots=True)
class ChartSeries:
    group: str
    colour: str
    segments: list[Segment]
    points: list[ChartPoint]


@dataclass(frozen=True, slots=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    left: int
    top: int
    plot_w: int
    plot_h: int
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    series: list[ChartSeries]
    hidden_groups: list[str]  # groups beyond MAX_SERIES: in the table, not drawn
    x_title: str = "Periode"
    y_title: str = "Andel konstruktive"

    @property
    def bottom(self) -> int:
        return self.top + self.plot_h

    @property
    def right(self) -> int:
        return self.left + self.plot_w


def _fmt(v: float) -> str:
    return f"{v:.1f}"


def _axis_periods(present: list[date], next_period: Callable[[date], date] | None) -> list[date]:
    """Every period from the first to the last with data, so the x axis is time and a gap looks like one."""
    if next_period is None or not present:
        return present
    out = [present[0]]
    while out[-1] < present[-1]:
        step = next_period(out[-1])
        if step <= out[-1] or len(out) >= MAX_PERIODS:
            return present
        out.append(step)
    return out


def _runs(rows: list[TrendRow], index: dict[date, int]) -> list[list[TrendRow]]:
    runs: list[list[TrendRow]] = []
    for r in rows:
        if runs and index[r.period] == index[runs[-1][-1].period] + 1:
            runs[-1].append(r)
        else:
            runs.append([r])
    return runs


def build_chart(
    rows: Sequence[TrendRow],
    href: Callable[[str, date], str],
    period_label: Callable[[date], str],
    *,
    next_period: Callable[[date], date] | None = None,
    corrections: Corrections | None = None,
    width: int = 720,
    height: int = 320,
) -> Chart | None:
    """None when no row has a share (nothing relevant in range). ``next_period`` (the start of the period
    after a given one) makes the x axis continuous; without it only periods with data are placed.

    With ``corrections`` the band and whiskers are the interval of the error-corrected share (which
    includes the uncertainty of the correction) and a dashed line draws the corrected share beside the
    raw line; rows without a correction keep no band (the raw Wilson band would pass for a corrected one)."""
    rows = [r for r in rows if r.share_constructive is not None]
    if not rows:
        return None
    # left: room for "100 %" and the y title; right: half of the last x label ("uge 38 2026"), so it is not cut
    left, top, right_pad, bottom_pad = 64, 16, 40, 48
    plot_w, plot_h = width - left - right_pad, height - top - bottom_pad
    periods = _axis_periods(sorted({r.period for r in rows}), next_period)
    index = {p: i for i, p in enumerate(periods)}
    step = plot_w / max(len(periods) - 1, 1)
    x_of = {p: left + (i * step if len(periods) > 1 else plot_w / 2) for i, p in enumerate(periods)}

    def y_of(share: float) -> float:
        return top + plot_h * (1.0 - share)

    def xy(x: float, share: float | None) -> str:
        return f"{_fmt(x)},{_fmt(y_of(share or 0.0))}"

    def interval(r: TrendRow) -> tuple[float | None, float | None]:
        if corrections is None:
            return r.ci_low, r.ci_high
        c = corrections.get((r.group, r.period))
        return (c[1], c[2]) if c is not None else (None, None)

    def corrected(r: TrendRow) -> float | None:
        c = corrections.get((r.group, r.period)) if corrections is not None else None
        return c[0] if c is not None else None

    by_group: dict[str, list[TrendRow]] = defaultdict(list)
    for r in rows:
        by_group[r.group].append(r)
    # Biggest groups first (most relevant articles): they are the ones worth a line.
    ranked = sorted(by_group, key=lambda g: (-sum(r.relevant for r in by_group[g]), g))
    series = []
    drawn = ranked[:MAX_SERIES]
    for k, (colour, group) in enumerate(zip(PALETTE, drawn, strict=False)):
        # Series side by side around each period, a few pixels apart, so equal shares do not hide each other.
        offset = (k - (len(drawn) - 1) / 2) * min(8.0, step / (2 * max(len(drawn), 1)) if len(periods) > 1 else 8.0)
        xs = {p: x + offset for p, x in x_of.items()}
        pts = sorted(by_group[group], key=lambda r: r.period)
        segments = []
        for run in _runs(pts, index):
            line = " ".join(xy(xs[r.period], r.share_constructive) for r in run) if len(run) > 1 else ""
            with_ci = [r for r in run if None not in interval(r)]
            band = ""
            if len(with_ci) > 1:
                upper = [xy(xs[r.period], interval(r)[1]) for r in with_ci]
                lower = [xy(xs[r.period], interval(r)[0]) for r in reversed(with_ci)]
                band = " ".join(upper + lower)
            fixed = [r for r in run if corrected(r) is not None]
            corrected_line = " ".join(xy(xs[r.period], corrected(r)) for r in fixed) if len(fixed) > 1 else ""
            segments.append(Segment(line, band, corrected_line))
        points = [
            ChartPoint(
                x=round(xs[r.period], 1),
                y=round(y_of(r.share_constructive or 0.0), 1),
                y_low=round(y_of(lo), 1) if (lo := interval(r)[0]) is not None else None,
                y_high=round(y_of(hi), 1) if (hi := interval(r)[1]) is not None else None,
                href=href(group, r.period),
                label=_point_label(group, period_label(r.period), r, corrections),
                y_corrected=round(y_of(c), 1) if (c := corrected(r)) is not None else None,
            )
            for r in pts
        ]
        series.append(ChartSeries(group, colour, segments, points))
    # At most ~8 x labels so they do not collide at phone width.
    every = max(1, -(-len(periods) // 8))
    x_ticks = [Tick(round(x_of[p], 1), period_label(p)) for i, p in enumerate(periods) if i % every == 0]
    y_ticks = [Tick(round(y_of(v / 100), 1), f"{v} %") for v in (0, 25, 50, 75, 100)]
    return Chart(width, height, left, top, plot_w, plot_h, x_ticks, y_ticks, series, ranked[MAX_SERIES:])


def _pct(x: float | None) -> str:
    return f"{round((x or 0) * 100)} %"


def _point_label(group: str, period: str, r: TrendRow, corrections: Corrections | None) -> str:
    text = f"{group}, {period}: {_pct(r.share_constructive)} konstruktive ({r.constructive} af {r.relevant}"
    if corrections is None:
        if r.ci_low is not None:
            text += f"; 95 %-interval {round((r.ci_low or 0) * 100)}–{_pct(r.ci_high)}"
        return text + ")"
    share, low, high = corrections.get((group, r.period), (None, None, None))
    if share is None:
        return text + "; ingen korrigeret andel)"
    text += f"; korrigeret for modellens fejl {_pct(share)}"
    if low is not None and high is not None:
        text += f", 95 %-interval {round(low * 100)}–{_pct(high)}"
    return text + ")"
