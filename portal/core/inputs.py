"""Input from the edges, made safe before any rule sees it: text, whole numbers, dates, amounts.

Text: every query-string, form and JSON value passes through `clean_text` as the request parses
it (`PortalRequest`), so no view, form or query can forget to, and NUL never reaches the
database. Numbers and dates are bounded here, once, and each caller says what a bad one means:
a field error in a form, no filter in a query string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter
from wtforms import IntegerField
from wtforms.validators import ValidationError

from portal.core.db import utcnow
from portal.core.errors import DomainError
from portal.core.text import clean_text

# ---------------------------------------------------------------- text


class CleanParameters(ImmutableMultiDict):
    """Query-string or form values, each cleaned of control characters (files untouched)."""

    def __init__(self, mapping: Any = None) -> None:
        super().__init__(mapping)
        for key, values in list(dict.items(self)):
            cleaned = [clean_text(value) if isinstance(value, str) else value for value in values]
            dict.__setitem__(self, key, cleaned)


def clean_json(value: Any) -> Any:
    """A decoded JSON document with every string in it (keys too) cleaned."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_json(item) for item in value]
    if isinstance(value, dict):
        return {clean_text(key): clean_json(item) for key, item in value.items()}
    return value


class PortalRequest(Request):
    parameter_storage_class = CleanParameters

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        return clean_json(super().get_json(force=force, silent=silent, cache=cache))


# ---------------------------------------------------------------- whole numbers

# Ids, counters and points are INTEGER columns on PostgreSQL.
INT_MAX = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,10}")


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: ASCII digits up to INT_MAX, so a larger number is a 404."""

    regex = r"[0-9]+"

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


def parse_whole_number(text: str | None, *, low: int = 0, high: int = INT_MAX) -> int | None:
    """The number typed in ASCII digits, or None: not '²', a full-width digit, '1e5' or '-0'."""
    if text is None or not _DIGITS.fullmatch(text.strip()):
        return None
    number = int(text)
    return number if low <= number <= high else None


def parse_id(text: str | None) -> int | None:
    """An id from a query string; anything that cannot be one means no filter."""
    return parse_whole_number(text, low=1)


def choice_number(value: object) -> int:
    """`coerce=` of a select whose options are numbers (0 for none): anything else is refused."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= INT_MAX:
        return value
    number = parse_whole_number(value) if isinstance(value, str) else None
    if number is None:
        raise ValueError(f"not an option: {value!r}")
    return number


def optional_choice_number(value: object) -> int | None:
    """`coerce=` of a select whose first option, "", chooses nothing."""
    return None if value in (None, "") else choice_number(value)


def filter_number(value: object) -> int:
    """`coerce=` of a filter's select: a value that is no option's number means no filter (0)."""
    try:
        return choice_number(value)
    except ValueError:
        return 0


class WholeNumberField(IntegerField):
    """A whole number typed in ASCII digits from `minimum` to `maximum`.

    Anything else is an error beside the field, which keeps what was typed. An empty field
    has no value, for Optional or InputRequired to judge.
    """

    def __init__(
        self,
        label: str | None = None,
        validators: Iterable[Any] | None = None,
        *,
        minimum: int = 0,
        maximum: int = INT_MAX,
        message: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.minimum = minimum
        self.maximum = maximum
        self.message = message or f"Enter a whole number from {minimum} to {maximum}."

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        typed = valuelist[0]
        if not isinstance(typed, str) or not typed.strip():
            self.data = None
            return
        self.data = parse_whole_number(typed, low=self.minimum, high=self.maximum)
        if self.data is None:
            raise ValueError(self.message)


# ---------------------------------------------------------------- dates

EARLIEST_DATE = date(2000, 1, 1)
YEARS_AHEAD = 10


def latest_date(today: date) -> date:
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def date_problem(value: date, today: date | None = None) -> str | None:
    """Why a date is outside what the portal handles (2000 to ten years ahead), or None."""
    latest = latest_date(today or utcnow().date())
    if EARLIEST_DATE <= value <= latest:
        return None
    return f"Give a date from {EARLIEST_DATE.isoformat()} to {latest.isoformat()}."


def check_date(value: date | None, field: str) -> None:
    """Refuse a date outside the sensible range, beside its field."""
    problem = date_problem(value) if value is not None else None
    if problem:
        raise DomainError(problem, field=field)


class SensibleDate:
    """The WTForms validator of `date_problem`, for forms that reach no service (filters)."""

    def __call__(self, _form: Any, field: Any) -> None:
        problem = date_problem(field.data) if field.data is not None else None
        if problem:
            raise ValidationError(problem)


# ---------------------------------------------------------------- amounts

# A NUMERIC(14, 2) column: both databases must round the value to less than 10**12.
AMOUNT_LIMIT = Decimal("999999999999.995")


def check_amount(value: Decimal | None, field: str) -> None:
    """Refuse NaN, infinities and numbers the NUMERIC(14, 2) columns cannot hold."""
    if value is not None and not (value.is_finite() and abs(value) < AMOUNT_LIMIT):
        raise DomainError(
            "Give a number between -999999999999.99 and 999999999999.99.", field=field
        )
