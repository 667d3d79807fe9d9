"""Cursors come from the address bar: a malformed or forged one gives the first page."""

from __future__ import annotations

import base64
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.core.audit import record_audit
from portal.core.db import utcnow
from portal.core.pagination import decode_cursor, decode_timestamp_cursor, encode_cursor
from portal.ideas.models import Category
from portal.ideas.services.campaigns import CampaignInput, create_campaign
from portal.ideas.services.comments import add_comment
from portal.ideas.services.submitting import submit_idea
from portal.notifications.services import notify
from portal.recognition.models import ApprovalPath, Award, AwardTier
from portal.recognition.services.deciding import Decision, decide_nomination
from portal.recognition.services.nominating import nominate
from portal.reviews.models import ReviewCycle
from portal.reviews.queries import get_open_cycle
from tests.conftest import UserFactory
from tests.ideas.conftest import complete_input
from tests.recognition.conftest import add_award, request_for


def raw_cursor(json_text: bytes) -> str:
    return base64.urlsafe_b64encode(json_text).decode().rstrip("=")


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
    raw_cursor(b"[" * 740 + b"]" * 740),  # deeply nested, yet short enough to be decoded
    encode_cursor(["Ann", 2**31]),  # past PostgreSQL's INTEGER
    encode_cursor(["Ann", -(2**31) - 1]),
    raw_cursor(b'["Ann", 1e999]'),  # infinity
    encode_cursor(["\ud800", 1]),  # a lone surrogate: no driver can send it
    encode_cursor(["\udfff"]),
    "A" * 3000,  # longer than any cursor a page writes
]
# The columns hold timezone-aware timestamps: one without its offset cannot be bound.
NAIVE_TIMESTAMPS = [encode_cursor(["2026-01-01T00:00:00", 1]), encode_cursor(["2026-01-01", 1])]
# Aware, but outside what converting to UTC can represent.
UNREPRESENTABLE = [
    encode_cursor(["0001-01-01T00:00:00+05:00", 1]),
    encode_cursor(["9999-12-31T23:59:59-05:00", 1]),
]
# Well-formed for a (text, id) key, but not the timestamp a list ordered by time sorts by.
BAD_TIMESTAMPS = [encode_cursor(["not a date", 1]), *NAIVE_TIMESTAMPS, *UNREPRESENTABLE]
AWARE = "2026-01-01T00:00:00+00:00"
# Cursors of the right length with a part of the wrong type, for each kind of key.
WRONG_TYPES = {
    "id": [["1"], ["999999"], [1.5], [None], [True], [2**31], [-(2**31) - 1]],
    "name": [[1, 1], ["Ann", "1"], ["Ann", 1.5], [None, 1]],
    "time": [
        [1, 1],
        [None, 1],
        [AWARE, "1"],
        [AWARE, 1.5],
        ["2026-02-30T00:00:00+00:00", 1],
    ],
    "score": [
        ["x", 1],
        [AWARE, 1],
        [None, 1],
        [1, "1"],
        [1.5, 1.5],
        [float("inf"), 1],
        [float("nan"), 1],
        [1.5, 2**31],
    ],
    "board": [
        ["1", 0, 0, 0, "Ann", 1],
        [None, 0, 0, 0, "Ann", 1],
        [0, 0, 0, 0, 1, 1],
        [0, "-1", 0, 0, "Ann", 1],
        [0, 0.5, 0, 0, "Ann", 1],
        [0, 0, 0, 0, "Ann", "1"],
        [0, 0, 0, 0, "Ann", None],
        [0, 0, 0, 0, "Ann", 2**31],
        [0, 0, 0, 0, "Ann\ud800", 1],
    ],
}


def forged_cursors(kind: str) -> list[str]:
    """Cursors no page of this kind ever writes: each must show the first page."""
    wrong = [encode_cursor(key) for key in WRONG_TYPES[kind]]
    # A (text, id) key may hold any text, so a bad timestamp is a real key there.
    return FORGED + wrong + ([] if kind == "name" else BAD_TIMESTAMPS)


def test_round_trip() -> None:
    assert decode_cursor(encode_cursor(["Ann", 3]), 2, (str, int)) == ["Ann", 3]


@pytest.mark.parametrize("cursor", FORGED)
def test_forged_cursors_decode_to_the_first_page(cursor: str) -> None:
    assert decode_cursor(cursor, 2, (str, int)) is None


def test_a_cursor_too_deep_for_the_stack_is_the_first_page() -> None:
    """How deep is too deep depends on the stack a request already uses."""
    cursor = raw_cursor(b"[" * 740 + b"]" * 740)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(400)
    try:
        assert decode_cursor(cursor, 2) is None
    finally:
        sys.setrecursionlimit(limit)


@pytest.mark.parametrize("cursor", UNREPRESENTABLE)
def test_a_timestamp_beyond_utc_is_the_first_page(cursor: str) -> None:
    assert decode_timestamp_cursor(cursor) is None


def test_a_timestamp_key_is_read_in_utc() -> None:
    moment, key_id = decode_timestamp_cursor(encode_cursor(["2026-01-01T05:00:00+05:00", 7]))
    assert (moment.isoformat(), key_id) == ("2026-01-01T00:00:00+00:00", 7)


BASE = "http://portal.test"
ROLES = ("employee", "manager", "admin")


@dataclass
class World:
    """One row or more on every paged list, for each role that can open it."""

    people: dict[str, User]
    idea_id: int
    campaign_id: int
    cycle_id: int
    first_reviewable: dict[str, int]


@pytest.fixture
def world(db: Session, admin: User, make_user: UserFactory) -> World:
    manager = make_user("manager@example.com", role=Role.MANAGER, name="Morgan Manager")
    employee = make_user("employee@example.com", manager=manager, name="Emery Employee")
    colleague = make_user("colleague@example.com", manager=manager, name="Casey Colleague")
    other_manager = make_user("other@example.com", role=Role.MANAGER, name="Olive Other")
    outsider = make_user("outsider@example.com", manager=other_manager, name="Oscar Outsider")
    aaron = make_user("aaron@example.com", manager=other_manager, name="Aaron Aardvark")
    today = utcnow().date()
    cycle = ReviewCycle(name="Current", starts_on=today, ends_on=today + timedelta(days=30))
    db.add(cycle)
    category = Category(name="Call handling")
    db.add(category)
    db.flush()
    campaign = create_campaign(
        db,
        admin,
        CampaignInput("How do we shorten waits?", starts_on=cycle.starts_on, ends_on=cycle.ends_on),
    )
    idea = submit_idea(
        db, employee, complete_input(category, "Paged idea", campaign_id=campaign.id)
    )
    add_comment(db, colleague, idea.id, "Paged comment.", base_url=BASE)
    spot = add_award(db, "Customer Hero")
    committee = add_award(
        db, "Service Star", AwardTier.QUARTERLY, 100, ApprovalPath.COMMITTEE, [employee, admin]
    )

    def submit(actor: User, nominee: User, award: Award, citation: str) -> int:
        request = request_for(nominee, award, citation=citation)
        [nomination] = nominate(
            db, actor, request, get_open_cycle(db), monthly_limit=500, base_url=BASE
        )
        return nomination.id

    walled = submit(employee, colleague, spot, "Sent by the employee.")
    decide_nomination(db, manager, walled, Decision.APPROVE, version=1, base_url=BASE)
    submit(colleague, employee, spot, "Returned the favour.")  # flagged: reciprocal
    for_committee = submit(outsider, colleague, committee, "Waiting for the committee.")
    decide_nomination(db, manager, for_committee, Decision.APPROVE, version=1, base_url=BASE)
    # Not the committee award: with both its members parties and no admin left, nobody could
    # decide its committee step, and nominating is refused rather than the step skipped.
    submit(admin, employee, spot, "Sent by the admin.")
    submit(manager, outsider, spot, "Sent by the manager.")
    people = {"employee": employee, "manager": manager, "admin": admin}
    for role, person in people.items():
        notify(db, [person.id], f"Paged notice for the {role}.", "/ideas", base_url=BASE)
    record_audit(db, "paged_probe", actor_id=admin.id)
    db.commit()
    first = {"employee": employee.id, "manager": colleague.id, "admin": aaron.id}
    return World(people, idea.id, campaign.id, cycle.id, first)


@dataclass(frozen=True)
class PagedList:
    """A page that reads a cursor, who may open it, and what its first page shows."""

    path: str
    kind: str
    roles: tuple[str, ...]
    first_row: Callable[[World, str], str]
    param: str = "after"
    htmx: bool = False
    elsewhere: tuple[str, ...] = ()  # cursors a test of their own covers

    def url(self, world: World) -> str:
        return self.path.format(idea=world.idea_id, campaign=world.campaign_id)

    def forged_cursors(self) -> list[str]:
        return [cursor for cursor in forged_cursors(self.kind) if cursor not in self.elsewhere]


def showing(text: str) -> Callable[[World, str], str]:
    return lambda _world, _role: text


def reviewable(world: World, role: str) -> str:
    return f'href="/reviews/{world.cycle_id}/people/{world.first_reviewable[role]}"'


SCORES = ("trending", "top")
TIMES = ("newest", "updated")
NAIVE = tuple(NAIVE_TIMESTAMPS)
APPROVALS = {
    "employee": "Waiting for the committee.",
    "manager": "Sent by the admin.",
    "admin": "Waiting for the committee.",
}
PAGED_LISTS = [
    *(PagedList(f"/ideas?sort={sort}", "score", ROLES, showing("Paged idea")) for sort in SCORES),
    *(
        PagedList(f"/ideas?sort={sort}", "time", ROLES, showing("Paged idea"), elsewhere=NAIVE)
        for sort in TIMES
    ),
    PagedList("/ideas?sort=top", "score", ROLES, showing("Paged idea"), htmx=True),
    PagedList("/ideas/campaigns/{campaign}", "score", ROLES, showing("Paged idea")),
    PagedList("/ideas/{idea}", "id", ROLES, showing("Paged comment."), param="comments"),
    PagedList("/ideas/{idea}", "id", ROLES, showing("Paged comment."), "comments", htmx=True),
    PagedList("/ideas/review", "time", ("manager", "admin"), showing("Paged idea")),
    PagedList("/recognition", "time", ROLES, showing("Sent by the employee.")),
    PagedList("/recognition/approvals", "id", ROLES, lambda _world, role: APPROVALS[role]),
    PagedList("/recognition/mine", "id", ROLES, lambda _world, role: f"Sent by the {role}."),
    PagedList(
        "/admin/integrity-flags",
        "id",
        ("admin",),
        showing("Emery Employee also nominated Casey Colleague within the last 90 days."),
    ),
    PagedList("/admin/leaderboards", "board", ("admin",), showing(">Casey Colleague</th>")),
    PagedList(
        "/admin/leaderboards?grouping=teams", "board", ("admin",), showing(">Morgan Manager</th>")
    ),
    PagedList(
        "/admin/leaderboards?grouping=departments",
        "board",
        ("admin",),
        showing(">Customer Experience</th>"),
    ),
    PagedList("/reviews", "name", ROLES, reviewable),
    PagedList("/notifications", "id", ROLES, lambda _world, role: f"Paged notice for the {role}."),
    PagedList("/people", "name", ROLES, showing(">Aaron Aardvark</a>")),
    PagedList("/admin/users", "name", ("admin",), showing(">Aaron Aardvark</a>")),
    PagedList("/admin/audit", "time", ("admin",), showing("paged_probe")),
]


def with_cursor(url: str, param: str, cursor: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{param}={quote(cursor)}"


@pytest.mark.parametrize(
    ("paged", "role"),
    [(paged, role) for paged in PAGED_LISTS for role in paged.roles],
    ids=lambda value: (
        f"{value.path}{'-htmx' if value.htmx else ''}" if isinstance(value, PagedList) else value
    ),
)
def test_pages_never_fail_on_a_forged_cursor(
    login_as: Callable[[User], FlaskClient], world: World, paged: PagedList, role: str
) -> None:
    client = login_as(world.people[role])
    headers = {"HX-Request": "true"} if paged.htmx else {}
    url = paged.url(world)
    first_row = paged.first_row(world, role)
    assert first_row in client.get(url, headers=headers).get_data(as_text=True)
    failures: list[tuple[str, object]] = []
    for cursor in paged.forged_cursors():
        try:
            response = client.get(with_cursor(url, paged.param, cursor), headers=headers)
        except Exception as error:  # the test client re-raises what would be a 500
            failures.append((cursor, repr(error)[:120]))
            continue
        if response.status_code != 200:
            failures.append((cursor, response.status_code))
        elif first_row not in response.get_data(as_text=True):
            failures.append((cursor, "not the first page"))
    assert not failures, "\n".join(f"{cursor}: {outcome}" for cursor, outcome in failures)


@pytest.mark.parametrize("cursor", NAIVE_TIMESTAMPS)
@pytest.mark.parametrize("sort", TIMES)
def test_the_feed_shows_its_first_page_for_a_naive_timestamp(
    login_as: Callable[[User], FlaskClient], world: World, sort: str, cursor: str
) -> None:
    client = login_as(world.people["employee"])
    response = client.get("/ideas", query_string={"sort": sort, "after": cursor})
    assert response.status_code == 200
    assert "Paged idea" in response.get_data(as_text=True)


@pytest.mark.parametrize("cursor", BAD_TIMESTAMPS)
@pytest.mark.parametrize("url", ["/people", "/admin/users", "/reviews"])
def test_any_text_is_a_name_key(
    login_as: Callable[[User], FlaskClient], world: World, url: str, cursor: str
) -> None:
    client = login_as(world.people["admin"])
    assert client.get(url, query_string={"after": cursor}).status_code == 200


@pytest.mark.parametrize("url", ["/people", "/admin/users"])
def test_a_cursor_past_the_end_says_so(
    login_as: Callable[[User], FlaskClient], make_user: UserFactory, url: str
) -> None:
    client = login_as(make_user("pager@example.com", role=Role.ADMIN, name="Pat Pager"))
    body = client.get(url, query_string={"after": encode_cursor(["zzz", 1])}).get_data(as_text=True)
    assert "No more people." in body
    assert "None" not in body


def test_beyond_walks_a_key_in_either_direction(db, make_user) -> None:
    from sqlalchemy import select

    from portal.accounts.models import User
    from portal.core.pagination import beyond

    for name in ("Ann", "Bea", "Bea", "Cal"):
        make_user(name=name)
    columns = (User.display_name, User.id)
    ordered = db.execute(select(*columns).order_by(*columns)).all()
    key = tuple(ordered[1])
    after = db.execute(select(*columns).where(beyond(columns, key)).order_by(*columns)).all()
    before = db.execute(
        select(*columns).where(beyond(columns, key, descending=True)).order_by(*columns)
    ).all()
    assert after == ordered[2:]
    assert before == ordered[:1]
