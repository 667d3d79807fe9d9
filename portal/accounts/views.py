from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, request, session, url_for
from flask_login import current_user, login_required, logout_user

from portal.accounts.access import employee_required
from portal.accounts.devices import remember_device, sign_in_buckets
from portal.accounts.emails import canonical_email
from portal.accounts.forms import LoginForm, PasswordChangeForm, SetPasswordForm
from portal.accounts.services.invitations import accept_invitation, find_valid_invitation
from portal.accounts.services.signing_in import Throttled, change_password, sign_in, sign_out
from portal.accounts.sessions import start_session
from portal.accounts.sso.oidc import (
    LOGOUT_HINT_FIELD,
    password_sign_in_allowed,
    provider_logout_url,
)
from portal.accounts.throttling import Bucket
from portal.core.db import db_session
from portal.core.errors import DomainError, Forbidden
from portal.core.extensions import login_manager
from portal.core.forms import attach_error, run_form
from portal.core.web import redirect_to, render, safe_next

bp = Blueprint("accounts", __name__)


@login_manager.unauthorized_handler
def send_to_login():
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect_to(url_for("accounts.login", next=target))


def render_form(template: str, form, refusal: DomainError | None = None):
    """The form page; a throttled attempt is a 429 that says when to try again."""
    if not isinstance(refusal, Throttled):
        return render(template, form=form)
    response = render(template, form=form, status=refusal.status_code)
    response.headers["Retry-After"] = str(refusal.retry_after)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_target = request.args.get("next") or request.form.get("next")
    if current_user.is_authenticated:
        return redirect_to(safe_next(next_target, url_for("home.index")))
    if request.method == "POST" and not password_sign_in_allowed():
        raise Forbidden("Password sign-in is turned off: use single sign-on.")
    form = LoginForm(next=next_target)
    refusal = None
    if form.validate_on_submit():
        email = canonical_email(form.email.data)
        try:
            user = sign_in(db_session(), email, form.password.data, sign_in_buckets(email))
        except DomainError as error:
            refusal = error
            attach_error(form, error)
        else:
            start_session(user)
            response = redirect_to(safe_next(next_target, url_for("home.index")))
            remember_device(response, user.email)
            return response
    return render_form("accounts/login.html", form, refusal)


@bp.post("/logout")
@login_required
def logout():
    sign_out(db_session(), current_user._get_current_object())
    id_token = session.get(LOGOUT_HINT_FIELD)
    logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return_to = url_for("accounts.login", _external=True)
    return redirect_to(provider_logout_url(id_token, return_to) or url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@employee_required
def password():
    form = PasswordChangeForm()
    refusal = None
    if form.validate_on_submit():
        user = current_user._get_current_object()
        throttle = Bucket("password", str(user.id), current_app.config["PASSWORD_CHANGE_LIMIT"])
        try:
            change_password(
                db_session(), user, form.current_password.data, form.new_password.data, throttle
            )
        except DomainError as error:
            refusal = error
            attach_error(form, error)
        else:
            start_session(user)
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return redirect_to(url_for("home.index"))
    return render_form("accounts/password.html", form, refusal)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    find_valid_invitation(db_session(), token)
    form = SetPasswordForm()

    def accept() -> Response:
        start_session(accept_invitation(db_session(), token, form.password.data or ""))
        flash("Welcome! Your password is set.", "success")
        return redirect_to(url_for("home.index"))

    return run_form(form, accept, fieldless_to_error_page=True) or render(
        "accounts/invitation.html", form=form
    )
