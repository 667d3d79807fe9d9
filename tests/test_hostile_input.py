"""Every route of the access matrix, fed hostile input by each role allowed to call it.

Hostile: path integers beyond the database's range or in other scripts' digits, forged
cursors, dates at the edges of the calendar, numbers that are no numbers, control characters
and NUL in every text. Nothing of it may end in a 5xx, and a request refused with a 4xx must
leave every table as it was (refusals' own audit rows aside).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter
from wtforms.fields.core import UnboundField

from portal.accounts.models import Role, User
from portal.core.audit import AuditEntry
from portal.core.db import Base, Database, utcnow
from portal.core.pagination import encode_cursor
from portal.ideas.models import Category
from portal.ideas.services.campaigns import CampaignInput, create_campaign
from portal.ideas.services.comments import add_comment
from portal.ideas.services.submitting import submit_idea
from portal.notifications.services import notify
from portal.recognition.services.nominating import nominate
from portal.reviews.models import ReviewCycle
from portal.reviews.queries import get_open_cycle
from portal.scim.tokens import create_token
from tests.conftest import UserFactory, login
from tests.ideas.conftest import complete_input
from tests.recognition.conftest import add_award, request_for
from tests.test_access import LEVELS, ROUTES, TOKEN

BASE = "http://portal.test"
CONTROL = "a\x00b\x01c\x08\x0b\x1b[31m\x7fd\x85e\x9f\r\nf"
HUGE = "9" * 23
# Path integers a route must answer with 404: past INTEGER, past BIGINT, not ASCII digits.
HOSTILE_PATH_INTEGERS = [HUGE, str(2**31), str(2**63), "-1", quote("١٢"), quote("\uff11")]
HOSTILE_PATH_TEXT = [quote("x\x00y"), quote("..\\..\\x"), "%ff%fe", quote("\u202e" * 50)]


def raw_cursor(json_text: bytes) -> str:
    return base64.urlsafe_b64encode(json_text).decode().rstrip("=")


CURSORS = [
    raw_cursor(b"[" * 1400 + b"]" * 1400),  # longer than any real cursor
    raw_cursor(b"[" * 740 + b"]" * 740),  # deeply nested, decoded
    encode_cursor(["0001-01-01T00:00:00+05:00", 1]),
    encode_cursor(["9999-12-31T23:59:59-05:00", 1]),
    encode_cursor(["\ud800", 1]),
    encode_cursor([2**31]),
    encode_cursor(["Ann", 2**40]),
    raw_cursor(b"[1e999, 1]"),
    raw_cursor(b"[NaN, 1]"),
    encode_cursor([[[[[1]]]], 1]),
    "QQ" * 3000,
]
INTEGERS = ["²", "\uff11", "1e5", "-0", "-1", HUGE, "0x10", " 7 ", "1_000", "٣"]
DATES = ["0001-01-01", "99999-12-31", "9999-12-31", "1999-12-31", "2000-02-30", CONTROL]
NUMBERS = ["1e999999", "NaN", "inf", "-Infinity", "sNaN", "1e12", HUGE]
TEXT_ARGS = ["q", "title", "colleague", "sort", "status", "channel", "grouping", "next", "token"]
INT_ARGS = ["category", "department", "campaign", "cycle", "award", "page", "limit", "mine"]
DATE_ARGS = ["from", "to", "first", "last"]
CURSOR_ARGS = ["after", "comments", "before", "cursor"]


def hostile_query(variant: int) -> dict[str, str]:
    """Every argument any page reads, each hostile, rotating through the lists per variant."""
    args = {name: CONTROL + name for name in TEXT_ARGS}
    args |= {name: INTEGERS[(variant + n) % len(INTEGERS)] for n, name in enumerate(INT_ARGS)}
    args |= {name: DATES[(variant + n) % len(DATES)] for n, name in enumerate(DATE_ARGS)}
    args |= {
        name: CURSORS[(variant * len(CURSOR_ARGS) + n) % len(CURSORS)]
        for n, name in enumerate(CURSOR_ARGS)
    }
    args["period"] = "custom" if variant % 2 == 0 else CONTROL
    args["voted"] = "1"
    return args


def form_field_names() -> list[str]:
    """The names every form of the portal posts, from the WTForms classes themselves."""
    names: set[str] = {"back", "active"}
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form_class = pending.pop()
        pending.extend(form_class.__subclasses__())
        for attribute in dir(form_class):
            value = getattr(form_class, attribute, None)
            if isinstance(value, UnboundField):
                names.add(value.kwargs.get("name") or attribute)
    return sorted(names)


HOSTILE_VALUES = [CONTROL, *INTEGERS, *DATES, *NUMBERS, "x" * 30_000]


def hostile_form(names: list[str], variant: int) -> dict[str, str]:
    return {
        name: HOSTILE_VALUES[(variant * 7 + n) % len(HOSTILE_VALUES)]
        for n, name in enumerate(names)
    }


# Refusals write their own audit rows on purpose: they are not the request's work.
REFUSAL_ACTIONS = ("permission_denied", "rate_limited")


def database_digest(database: Database) -> str:
    """One hash of every row of every table (through the driver: a thousand of these run)."""
    digest = hashlib.sha256()
    connection = database.engine.raw_connection()
    try:
        cursor = connection.cursor()
        for table in Base.metadata.sorted_tables:
            sql = f'SELECT * FROM "{table.name}"'
            if table is AuditEntry.__table__:
                sql += f" WHERE action NOT IN {REFUSAL_ACTIONS!r}"
            cursor.execute(sql)
            rows = sorted(map(repr, cursor.fetchall()))
            digest.update(f"{table.name}:{len(rows)}:{'|'.join(rows)}".encode())
        connection.rollback()
    finally:
        connection.close()
    return digest.hexdigest()


def refused(response) -> bool:
    """A 4xx, or a form drawn again with its errors (those pages answer 200)."""
    if response.status_code >= 400:
        return True
    body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    return 'aria-invalid="true"' in body or 'class="form-errors"' in body


@dataclass
class Probe:
    """Sends requests as one person and records what went wrong."""

    database: Database
    clients: dict[str, FlaskClient]
    failures: list[str] = field(default_factory=list)
    sent: int = 0

    def __post_init__(self) -> None:
        self.digest = database_digest(self.database)

    def send(self, role: str, method: str, url: str, **kwargs) -> int | None:
        self.sent += 1
        label = f"{role} {method} {url[:160]!r}"
        try:
            response = self.clients[role].open(url, method=method, **kwargs)
        except Exception as error:  # the test client re-raises what would be a 500
            self.failures.append(f"{label}: {error!r}"[:400])
            self.digest = database_digest(self.database)
            return None
        status = response.status_code
        after = database_digest(self.database)
        if status >= 500:
            self.failures.append(f"{label}: {status}")
        elif refused(response) and after != self.digest:
            self.failures.append(f"{label}: {status}, refused, but something was written")
        elif method == "GET" and after != self.digest:
            self.failures.append(f"{label}: a GET wrote")
        self.digest = after
        return status


@pytest.fixture
def world(db: Session, make_user: UserFactory) -> dict[str, User]:
    """Row 1 of every table a route's id points at, so example URLs reach real things.

    Person 1 is nobody who signs in: deactivating them must not sign the probe out.
    """
    target = make_user("target@example.com", name="Terry Target")
    manager = make_user("manager@example.com", role=Role.MANAGER, name="Morgan Manager")
    employee = make_user("employee@example.com", manager=manager, name="Emery Employee")
    admin = make_user("admin@example.com", role=Role.ADMIN, name="Avery Admin")
    colleague = make_user("colleague@example.com", manager=manager, name="Casey Colleague")
    target.manager = manager
    today = utcnow().date()
    db.add(ReviewCycle(name="Current", starts_on=today, ends_on=today + timedelta(days=30)))
    category = Category(name="Call handling")
    db.add(category)
    db.flush()
    campaign = create_campaign(
        db,
        admin,
        CampaignInput("How do we shorten waits?", starts_on=today, ends_on=today),
    )
    idea = submit_idea(
        db, employee, complete_input(category, "Hostile idea", campaign_id=campaign.id)
    )
    add_comment(db, employee, idea.id, "First comment.", base_url=BASE)
    award = add_award(db, "Customer Hero")
    nominate(
        db,
        employee,
        request_for(colleague, award),
        get_open_cycle(db),
        monthly_limit=50,
        base_url=BASE,
    )
    notify(db, [employee.id], "A notice.", "/ideas", base_url=BASE)
    db.commit()
    return {"employee": employee, "manager": manager, "admin": admin}


@pytest.fixture
def probe(app: Flask, database: Database, db: Session, world: dict[str, User]) -> Iterator[Probe]:
    clients = {}
    for role, person in world.items():
        client = app.test_client()
        assert login(client, person.email).status_code == 303
        clients[role] = client
    clients[TOKEN] = directory_client(app, db)
    yield Probe(database, clients)


def directory_client(app: Flask, db: Session) -> FlaskClient:
    """A SCIM client with a token of its own; token 1, which the example URLs revoke, is not it."""
    create_token(db, None, "Revoked by the probe")
    _token, raw = create_token(db, None, "Hostile directory")
    db.commit()
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def allowed_roles(level: str) -> list[str]:
    """Who may call a route; the login page is called signed in, like everyone else here."""
    if level == TOKEN:
        return [TOKEN]
    return LEVELS[max(LEVELS.index(level), 1) :]


def hostile_document(variant: int) -> dict[str, object]:
    """A SCIM body whose every value is hostile: what a directory would send, gone wrong."""
    value = HOSTILE_VALUES[variant % len(HOSTILE_VALUES)]
    return {
        "schemas": [CONTROL, "urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": f"{CONTROL}@example.com",
        "displayName": value,
        "name": {"givenName": value, "familyName": CONTROL},
        "emails": [{"value": value, "type": CONTROL, "primary": value}],
        "active": value,
        "members": [{"value": HUGE}, {"value": CONTROL}],
        "Operations": [{"op": CONTROL, "path": CONTROL, "value": value}],
        CONTROL: {CONTROL: [[[value]]]},
    }


def routes(app: Flask):
    for rule in app.url_map.iter_rules():
        level, arguments = ROUTES[rule.endpoint]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, level, method, arguments


def url_with(rule, arguments: dict[str, object], replaced: dict[str, str]) -> str:
    """The rule's path with its arguments, some replaced by raw (already quoted) text."""

    def part(match: re.Match) -> str:
        name = match.group("name")
        return replaced.get(name, quote(str(arguments[name])))

    return re.sub(r"<(?:[^:>]+:)?(?P<name>[^>]+)>", part, rule.rule)


# Signing out ends the probe's session; it reads no input to be hostile about.
NOT_PROBED = {("accounts.logout", "POST")}


def test_no_hostile_input_reaches_a_500_or_writes_when_refused(app: Flask, probe: Probe) -> None:
    names = form_field_names()
    for rule, level, method, arguments in routes(app):
        if (rule.endpoint, method) in NOT_PROBED:
            continue
        roles = allowed_roles(level)
        for name, converter in rule._converters.items():
            integer = isinstance(converter, IntegerConverter)
            for value in HOSTILE_PATH_INTEGERS if integer else HOSTILE_PATH_TEXT:
                url = url_with(rule, arguments, {name: value})
                status = probe.send(roles[0], method, url, data={})
                if integer and status != 404:
                    probe.failures.append(f"{method} {url}: {status}, not 404")
        url = url_with(rule, arguments, {})
        for variant, role in enumerate(roles * 2):
            query = "?" + urlencode(hostile_query(variant))
            if method == "GET":
                headers = {"HX-Request": "true"} if variant % 2 else {}
                probe.send(role, "GET", url + query, headers=headers)
            elif role == TOKEN:
                probe.send(role, method, url + query, json=hostile_document(variant))
            else:
                probe.send(role, method, url + query, data=hostile_form(names, variant))
    assert probe.sent > 500
    assert not probe.failures, "\n".join(probe.failures)
