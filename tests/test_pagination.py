"""Cursors come from the address bar: a malformed or forged one gives the first page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from portal.accounts.models import Role, User
from portal.pagination import decode_cursor, encode_cursor
from tests.conftest import UserFactory

FORGED = [
    "!!!not-base64!!!",
    "e30",  # {}
    encode_cursor([]),
    encode_cursor(["a"]),
    encode_cursor(["a", 1, 2]),
    encode_cursor([{"a": 1}, 1]),
    encode_cursor([["a"], 1]),
    encode_cursor([1, "x"]),
    encode_cursor(["Ann", 10**30]),
    encode_cursor(["Ann\x00", 1]),
    encode_cursor(["Ann", True]),
    "%FF%FE",
    "_-_-",
]
# Well-formed for a (text, id) key, but not the timestamp the audit log sorts by.
BAD_TIMESTAMPS = [encode_cursor(["not a date", 1]), encode_cursor(["2026-01-01T00:00:00", 1])]


def test_round_trip() -> None:
    assert decode_cursor(encode_cursor(["Ann", 3]), 2, (str, int)) == ["Ann", 3]


@pytest.mark.parametrize("cursor", FORGED)
def test_forged_cursors_decode_to_the_first_page(cursor: str) -> None:
    assert decode_cursor(cursor, 2, (str, int)) is None


@pytest.mark.parametrize("cursor", FORGED + BAD_TIMESTAMPS)
@pytest.mark.parametrize("url", ["/people", "/admin/users", "/admin/audit", "/notifications"])
def test_pages_never_fail_on_a_forged_cursor(
    login_as: Callable[[User], FlaskClient], make_user: UserFactory, url: str, cursor: str
) -> None:
    client = login_as(make_user("pager@example.com", role=Role.ADMIN, name="Pat Pager"))
    response = client.get(url, query_string={"after": cursor})
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/people", "/admin/users"])
def test_a_cursor_past_the_end_says_so(
    login_as: Callable[[User], FlaskClient], make_user: UserFactory, url: str
) -> None:
    client = login_as(make_user("pager@example.com", role=Role.ADMIN, name="Pat Pager"))
    body = client.get(url, query_string={"after": encode_cursor(["zzz", 1])}).get_data(as_text=True)
    assert "No more people." in body
    assert "None" not in body
