"""Which seasonal variant of home-burglary advice fits a report date.

Windows follow the peaks in advice-facts.md §1(c): December through Epiphany for Christmas, the school
summer holiday (late June to mid August), and the dark months from October to February otherwise.
"""

from __future__ import annotations

from datetime import date

from botrygt_nlp.rewrite.types import Season


def season_for(day: date | None) -> Season:
    if day is None:
        return Season.NONE
    m, d = day.month, day.day
    if m == 12 or (m == 1 and d <= 6):
        return Season.CHRISTMAS
    if (m == 6 and d >= 20) or m == 7 or (m == 8 and d <= 15):
        return Season.SUMMER
    if m in (10, 11, 1, 2):
        return Season.DARK
    return Season.NONE
