"""The sign-in and directory section: SCIM tokens, and who joined through single sign-on."""

from __future__ import annotations

from flask import Response, abort, flash, url_for
from flask_login import current_user

from portal.accounts.access import admin_required
from portal.accounts.sso.queries import list_joined_without_manager
from portal.core.db import db_session
from portal.core.errors import DomainError
from portal.core.forms import ButtonForm, attach_error
from portal.core.web import redirect_to, render
from portal.scim import tokens
from portal.scim.models import ScimToken
from portal.scim.queries import list_tokens
from portal.site.admin.blueprint import bp
from portal.site.admin.forms import TokenForm


def identity_page(form: TokenForm, created: tuple[str, str] | None = None) -> Response:
    session = db_session()
    return render(
        "admin/identity.html",
        form=form,
        confirm=ButtonForm(),
        created=created,
        tokens=list_tokens(session),
        joiners=list_joined_without_manager(session),
    )


@bp.get("/identity")
@admin_required
def identity() -> Response:
    return identity_page(TokenForm())


@bp.post("/identity/tokens")
@admin_required
def new_token() -> Response:
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token, raw = tokens.create_token(db_session(), current_user, form.name.data or "")
        except DomainError as error:
            attach_error(form, error)
        else:
            # Shown in this response only: the portal keeps the token's hash, not the token.
            return identity_page(TokenForm(formdata=None), created=(token.name, raw))
    return identity_page(form)


@bp.post("/identity/tokens/<int:token_id>/revoke")
@admin_required
def revoke_token(token_id: int) -> Response:
    token = db_session().get(ScimToken, token_id)
    if token is None:
        abort(404)
    if ButtonForm().validate_on_submit():
        tokens.revoke_token(db_session(), current_user, token)
        flash(f"The token “{token.name}” was revoked; it no longer works.", "success")
    return redirect_to(url_for("admin.identity"))
