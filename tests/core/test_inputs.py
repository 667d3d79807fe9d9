"""Input at the edges: text cleaned as it is parsed, bounded whole numbers, dates and amounts."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter

from portal.accounts.models import Role, User
from portal.core.audit import AuditEntry
from portal.core.errors import DomainError
from portal.core.inputs import (
    INT_MAX,
    WholeNumberField,
    check_amount,
    check_date,
    choice_number,
    date_problem,
    filter_number,
    parse_id,
    parse_whole_number,
)
from portal.core.text import clean_text
from portal.ideas.models import Category, Comment, Idea
from portal.ideas.services.submitting import submit_idea
from tests.conftest import UserFactory, login
from tests.ideas.conftest import complete_input
from tests.test_access import ANONYMOUS, ROUTES

NOT_WHOLE_NUMBERS = [
    "²",
    "\uff11",
    "٣",
    "1e5",
    "-0",
    "-1",
    "+1",
    "0x10",
    "1_000",
    "1.0",
    "",
    "9" * 20,
]


@pytest.mark.parametrize("typed", NOT_WHOLE_NUMBERS)
def test_only_ascii_digits_make_a_whole_number(typed: str) -> None:
    assert parse_whole_number(typed) is None


def test_whole_numbers_are_bounded() -> None:
    assert parse_whole_number(" 42 ") == 42
    assert parse_whole_number(str(INT_MAX)) == INT_MAX
    assert parse_whole_number(str(INT_MAX + 1)) is None
    assert parse_whole_number("5", low=6) is None
    assert parse_id("0") is None
    assert parse_id("7") == 7


def test_selects_refuse_what_no_option_could_hold_and_filters_ignore_it() -> None:
    assert choice_number("12") == 12
    assert choice_number(0) == 0
    for typed in ["²", "99999999999", "-1", True, None]:
        with pytest.raises(ValueError):
            choice_number(typed)
        assert filter_number(typed) == 0


class NumberForm(FlaskForm):
    class Meta:
        csrf = False

    number = WholeNumberField("Number", maximum=100, message="From 0 to 100.")


@pytest.mark.parametrize("typed", [*NOT_WHOLE_NUMBERS[:-2], "101", "9" * 20])
def test_a_whole_number_field_refuses_and_keeps_what_was_typed(app: Flask, typed: str) -> None:
    with app.test_request_context():
        form = NumberForm(MultiDict({"number": typed}))
        assert not form.validate()
        assert form.number.errors == ["From 0 to 100."]
        assert form.number._value() == typed


def test_an_empty_whole_number_field_has_no_value(app: Flask) -> None:
    with app.test_request_context():
        form = NumberForm(MultiDict({"number": ""}))
        assert form.validate() and form.number.data is None
        form = NumberForm(MultiDict({"number": "100"}))
        assert form.validate() and form.number.data == 100


# ---------------------------------------------------------------- path integers


def int_routes(app: Flask):
    for rule in app.url_map.iter_rules():
        names = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        if names:
            yield rule, names


def path_with(rule, arguments: dict[str, object], name: str, text: str) -> str:
    """The rule's path with its example arguments, `name` replaced by `text`."""

    def part(match: re.Match) -> str:
        return text if match[1] == name else str(arguments[match[1]])

    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", part, rule.rule)


@pytest.mark.parametrize("number", ["9" * 23, str(2**31), str(2**63), "%D9%A1", "%EF%BC%91"])
def test_every_int_route_answers_404_past_the_databases_range(
    app: Flask, make_user: UserFactory, number: str
) -> None:
    clients = {}
    for role in Role:
        clients[role.value] = app.test_client()
        person = make_user(f"{role.value}.path@example.com", role=role)
        assert login(clients[role.value], person.email).status_code == 303
    checked = 0
    for rule, names in int_routes(app):
        level, arguments = ROUTES[rule.endpoint]
        assert level != ANONYMOUS
        for name in names:
            url = path_with(rule, arguments, name, number)
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                response = clients[level].open(url, method=method, data={})
                assert response.status_code == 404, (method, url)
                checked += 1
    assert checked > 30


def test_the_largest_id_still_reaches_the_page(login_as, employee: User) -> None:
    client = login_as(employee)
    assert client.get(f"/ideas/{INT_MAX}").status_code == 404  # a real lookup, no idea there
    assert client.get(f"/people/{employee.id}").status_code == 200


# ---------------------------------------------------------------- text


def test_control_characters_go_newlines_and_tabs_stay() -> None:
    assert clean_text("a\x00b\x01c\x08\x0b\x0c\x1b\x7f\x85\x9fd") == "abcd"
    assert clean_text("one\r\ntwo\rthree\n\tfour") == "one\ntwo\nthree\n\tfour"
    assert clean_text("\ud800lone") == "lone"
    assert clean_text("Zoë — “quoted” \u2028 😀") == "Zoë — “quoted” \u2028 😀"


@pytest.fixture
def idea(db, employee: User) -> Idea:
    category = Category(name="Call handling")
    db.add(category)
    db.flush()
    idea = submit_idea(db, employee, complete_input(category))
    db.commit()
    return idea


def test_a_comment_is_stored_without_control_characters(
    db, login_as, employee: User, idea: Idea
) -> None:
    client = login_as(employee)
    response = client.post(
        f"/ideas/{idea.id}/comments", data={"body": "Call\x00 them\x1b back\r\nsoon\x7f."}
    )
    assert response.status_code == 303
    assert db.scalars(select(Comment.body)).one() == "Call them back\nsoon."


def test_a_body_of_control_characters_only_is_empty(db, login_as, employee: User, idea: Idea):
    response = login_as(employee).post(f"/ideas/{idea.id}/comments", data={"body": "\x00\x01"})
    assert "Write a comment first." in response.get_data(as_text=True)
    assert db.scalars(select(Comment)).all() == []


SEARCHES = [
    "/ideas?q={}",
    "/people?q={}",
    "/admin/users?q={}",
    "/recognition/colleagues?q={}",
    "/recognition/colleagues?colleague={}",
    "/ideas/similar?title={}",
]


@pytest.mark.parametrize("url", SEARCHES)
def test_searches_with_nul_and_control_characters_work(
    login_as, admin: User, make_user: UserFactory, url: str
) -> None:
    make_user("ann.nul@example.com", name="Ann Nul")
    response = login_as(admin).get(url.format("An%00n%01%1B%C2%85"))
    assert response.status_code == 200


def test_a_sign_in_with_nul_in_the_email_is_audited_without_it(app: Flask, db) -> None:
    response = app.test_client().post(
        "/login", data={"email": "nobody\x00@example.com", "password": "x\x00"}
    )
    assert "do not match an active account" in response.get_data(as_text=True)
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed")).one()
    assert entry.target == "nobody@example.com"


def test_a_refusal_whose_path_holds_nul_is_audited_without_it(app: Flask, db) -> None:
    response = app.test_client().get("/scim/v2/Users/x%00y")
    assert response.status_code == 401
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "scim_unauthorized")).one()
    assert entry.target == "GET /scim/v2/Users/xy"


# ---------------------------------------------------------------- dates and amounts


def test_sensible_dates_run_from_2000_to_ten_years_ahead() -> None:
    today = date(2026, 5, 1)
    assert date_problem(date(2000, 1, 1), today) is None
    assert date_problem(date(2036, 5, 1), today) is None
    assert date_problem(date(1999, 12, 31), today) == ("Give a date from 2000-01-01 to 2036-05-01.")
    assert date_problem(date(2036, 5, 2), today) is not None
    assert date_problem(date(1, 1, 1), today) is not None
    assert date_problem(date.max, today) is not None
    assert date_problem(date(2030, 1, 1), date(2028, 2, 29)) is None  # 2038 has no 29 February
    with pytest.raises(DomainError) as caught:
        check_date(date(1, 1, 1), "starts_on")
    assert caught.value.field == "starts_on"
    check_date(None, "starts_on")


@pytest.mark.parametrize(
    "typed", ["1e999999", "NaN", "-nan", "sNaN", "Infinity", "-inf", "1e12", "-999999999999.995"]
)
def test_amounts_must_be_finite_and_fit_the_column(typed: str) -> None:
    with pytest.raises(
        DomainError, match=r"between -999999999999\.99 and 999999999999\.99"
    ) as caught:
        check_amount(Decimal(typed), "before")
    assert caught.value.field == "before"


def test_amounts_up_to_the_columns_limit_pass() -> None:
    for typed in ["999999999999.99", "-999999999999.99", "0", "12.345"]:
        check_amount(Decimal(typed), "after")
    check_amount(None, "after")
