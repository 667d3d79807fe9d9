"""The sign-in and directory section: SCIM tokens are made, shown once, and revoked."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.scim.models import ScimToken
from portal.scim.tokens import find_active_token

SignIn = Callable[[User], FlaskClient]


def test_a_new_token_is_shown_once_and_works_until_revoked(
    login_as: SignIn, admin: User, db: Session
) -> None:
    client = login_as(admin)
    body = client.post("/admin/identity/tokens", data={"name": "Okta"}).get_data(as_text=True)
    match = re.search(r'id="new-token" type="text" readonly value="([^"]+)"', body)
    assert match
    raw = match.group(1)
    assert raw not in client.get("/admin/identity").get_data(as_text=True)
    token = db.scalars(select(ScimToken).where(ScimToken.name == "Okta")).one()
    assert find_active_token(db, raw) == token
    db.commit()

    response = client.post(f"/admin/identity/tokens/{token.id}/revoke")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/identity"
    db.expire_all()
    assert find_active_token(db, raw) is None


def test_a_token_without_a_name_is_refused_beside_the_field(login_as: SignIn, admin: User) -> None:
    response = login_as(admin).post("/admin/identity/tokens", data={"name": ""})
    body = response.get_data(as_text=True)
    assert "Name the token after the directory that will use it." in body
    assert 'id="new-token"' not in body


def test_revoking_an_unknown_token_is_404(login_as: SignIn, admin: User) -> None:
    assert login_as(admin).post("/admin/identity/tokens/999999/revoke").status_code == 404
