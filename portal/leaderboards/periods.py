"""The date range a leaderboard covers."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta


class Period(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    CYCLE = "cycle"
    CUSTOM = "custom"


@dataclass(frozen=True)
class DateRange:
    """From the first day to the last day, both included."""

    first: date
    last: date


def calendar_range(period: Period, today: date) -> DateRange:
    if period is Period.MONTH:
        first = today.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return DateRange(first, following - timedelta(days=1))
    if period is Period.QUARTER:
        first_month = 3 * ((today.month - 1) // 3) + 1
        first = date(today.year, first_month, 1)
        following = (
            date(today.year + 1, 1, 1)
            if first_month == 10
            else date(today.year, first_month + 3, 1)
        )
        return DateRange(first, following - timedelta(days=1))
    return DateRange(date(today.year, 1, 1), date(today.year, 12, 31))
