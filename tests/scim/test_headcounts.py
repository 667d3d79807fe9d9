"""SCIM creates, moves and deactivates people: the department headcounts follow."""

from __future__ import annotations

import httpx2
from sqlalchemy.orm import Session

from portal.leaderboards.rollups import verify_rollups
from tests.scim.test_users import ENTERPRISE, new_user, patch


def exact(db: Session) -> list[str]:
    db.expire_all()
    found = verify_rollups(db)
    db.rollback()
    return found


def test_scim_writes_keep_the_headcounts(http: httpx2.Client, scim, db: Session) -> None:
    created = scim.create(new_user("dana@example.com"))
    assert exact(db) == []
    moved = patch(
        http, created.id, {"op": "Add", "path": f"{ENTERPRISE}:department", "value": "Billing"}
    )
    assert moved.status_code == 200 and exact(db) == []
    off = patch(http, created.id, {"op": "replace", "path": "active", "value": False})
    assert off.status_code == 200 and exact(db) == []
    again = scim.create(new_user("eli@example.com"))
    assert http.delete(f"/Users/{again.id}").status_code == 204 and exact(db) == []
