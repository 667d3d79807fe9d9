"""Days as the portal counts them: whole UTC days, turned into the instants that bound them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """From the start of `first` to the start of the day after `last`, in UTC.

    The end is open, and stays open past the calendar's last day rather than overflowing.
    """
    end = (
        datetime.max.replace(tzinfo=UTC)
        if last == date.max
        else start_of_day(last + timedelta(days=1))
    )
    return start_of_day(first), end
