"""Admins' page for sign-in and provisioning: SCIM tokens, and who joined through single sign-on."""

from __future__ import annotations

from flask import Blueprint, abort, flash, url_for
from flask_login import current_user

from portal.accounts.access import admin_required
from portal.core.db import db_session
from portal.core.errors import DomainError
from portal.core.forms import attach_error
from portal.core.web import redirect_to, render
from portal.identity.forms import TokenForm
from portal.identity.queries import list_joined_without_manager
from portal.scim.models import ScimToken
from portal.scim.queries import list_tokens
from portal.scim.tokens import create_token, revoke_token
from portal.site.admin.forms import ConfirmForm

bp = Blueprint("identity_admin", __name__, url_prefix="/admin/identity")


def identity_page(form: TokenForm, created: tuple[str, str] | None = None):
    session = db_session()
    return render(
        "identity/admin.html",
        form=form,
        confirm=ConfirmForm(),
        created=created,
        tokens=list_tokens(session),
        joiners=list_joined_without_manager(session),
    )


@bp.get("")
@admin_required
def index():
    return identity_page(TokenForm())


@bp.post("/tokens")
@admin_required
def new_token():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token, raw = create_token(db_session(), current_user, form.name.data or "")
        except DomainError as error:
            attach_error(form, error)
        else:
            # Shown in this response only: the portal keeps the token's hash, not the token.
            return identity_page(TokenForm(formdata=None), created=(token.name, raw))
    return identity_page(form)


@bp.post("/tokens/<int:token_id>/revoke")
@admin_required
def revoke(token_id: int):
    token = db_session().get(ScimToken, token_id)
    if token is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        revoke_token(db_session(), current_user, token)
        flash(f"The token “{token.name}” was revoked; it no longer works.", "success")
    return redirect_to(url_for("identity_admin.index"))
