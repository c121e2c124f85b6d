"""Server-rendered SVG line charts of the constructive share with 95 % bands. Pure geometry: the template
draws what this computes, with presentation attributes only (the CSP forbids inline style)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from botrygt_nlp.trends import TrendRow

# Okabe–Ito: distinguishable with the common colour-vision deficiencies; all ≥ 3:1 against white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8A6D00", "#56B4E9", "#000000")
MAX_SERIES = len(PALETTE)


@dataclass(frozen=True, slots=True)
class ChartPoint:
    x: float
    y: float
    y_low: float | None  # the 95 % interval as a whisker (also visible for a lone point, where a band is not)
    y_high: float | None
    href: str
    label: str  # text for the point's <title> and its accessible name


@dataclass(frozen=True, slots=True)
class ChartSeries:
    group: str
    colour: str
    line: str  # "x,y x,y …" for <polyline>
    band: str  # polygon of the interval, "" when fewer than one interval
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

    @property
    def bottom(self) -> int:
        return self.top + self.plot_h

    @property
    def right(self) -> int:
        return self.left + self.plot_w


def _fmt(v: float) -> str:
    return f"{v:.1f}"


def build_chart(
    rows: Sequence[TrendRow],
    href: Callable[[str, date], str],
    period_label: Callable[[date], str],
    *,
    width: int = 720,
    height: int = 320,
) -> Chart | None:
    """None when no row has a share (nothing relevant in range)."""
    rows = [r for r in rows if r.share_constructive is not None]
    if not rows:
        return None
    left, top, right_pad, bottom_pad = 48, 16, 16, 40
    plot_w, plot_h = width - left - right_pad, height - top - bottom_pad
    periods = sorted({r.period for r in rows})
    step = plot_w / max(len(periods) - 1, 1)
    x_of = {p: left + (i * step if len(periods) > 1 else plot_w / 2) for i, p in enumerate(periods)}

    def y_of(share: float) -> float:
        return top + plot_h * (1.0 - share)

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
        line = " ".join(f"{_fmt(xs[r.period])},{_fmt(y_of(r.share_constructive or 0.0))}" for r in pts)
        with_ci = [r for r in pts if r.ci_low is not None and r.ci_high is not None]
        band = ""
        if with_ci:
            upper = [f"{_fmt(xs[r.period])},{_fmt(y_of(r.ci_high or 0.0))}" for r in with_ci]
            lower = [f"{_fmt(xs[r.period])},{_fmt(y_of(r.ci_low or 0.0))}" for r in reversed(with_ci)]
            band = " ".join(upper + lower)
        points = [
            ChartPoint(
                x=round(xs[r.period], 1),
                y=round(y_of(r.share_constructive or 0.0), 1),
                y_low=round(y_of(r.ci_low), 1) if r.ci_low is not None else None,
                y_high=round(y_of(r.ci_high), 1) if r.ci_high is not None else None,
                href=href(group, r.period),
                label=(
                    f"{group}, {period_label(r.period)}: {round((r.share_constructive or 0) * 100)} % "
                    f"konstruktive ({r.constructive} af {r.relevant}"
                    + (
                        f"; 95 %-interval {round((r.ci_low or 0) * 100)}–{round((r.ci_high or 0) * 100)} %"
                        if r.ci_low is not None
                        else ""
                    )
                    + ")"
                ),
            )
            for r in pts
        ]
        series.append(ChartSeries(group, colour, line, band, points))
    # At most ~8 x labels so they do not collide at phone width.
    every = max(1, -(-len(periods) // 8))
    x_ticks = [Tick(round(x_of[p], 1), period_label(p)) for i, p in enumerate(periods) if i % every == 0]
    y_ticks = [Tick(round(y_of(v / 100), 1), f"{v} %") for v in (0, 25, 50, 75, 100)]
    return Chart(width, height, left, top, plot_w, plot_h, x_ticks, y_ticks, series, ranked[MAX_SERIES:])
