"""Whole UTC days and the instants that bound them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from portal.core.dates import day_bounds, start_of_day


def test_a_day_starts_at_utc_midnight() -> None:
    assert start_of_day(date(2026, 3, 1)) == datetime(2026, 3, 1, tzinfo=UTC)


def test_bounds_run_to_the_start_of_the_day_after_the_last() -> None:
    assert day_bounds(date(2026, 2, 27), date(2026, 2, 28)) == (
        datetime(2026, 2, 27, tzinfo=UTC),
        datetime(2026, 3, 1, tzinfo=UTC),
    )


def test_the_calendars_last_day_leaves_the_end_open() -> None:
    start, end = day_bounds(date(2026, 1, 1), date.max)
    assert start == datetime(2026, 1, 1, tzinfo=UTC)
    assert end == datetime.max.replace(tzinfo=UTC)
