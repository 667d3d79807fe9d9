"""Single sign-on: send people to the company's OpenID provider and sign them in on return."""

from __future__ import annotations

import requests
from authlib.integrations.base_client.errors import OAuthError
from flask import Blueprint, abort, current_app, g, request, session, url_for
from flask_login import current_user
from joserfc.errors import JoseError
from sqlalchemy.orm import Session

from portal.accounts.sessions import start_session
from portal.accounts.sso.oidc import (
    LEEWAY_SECONDS,
    LOGOUT_HINT_FIELD,
    ProviderUnreachable,
    id_token_claims_options,
    oidc_client,
    provider_metadata,
)
from portal.accounts.sso.services import (
    SignInRefused,
    record_sign_in_failure,
    sign_in_with_provider,
)
from portal.core.db import get_database
from portal.core.web import redirect_to, render, safe_next

bp = Blueprint("identity", __name__)

NEXT_KEY = "oidc_next"
UNREACHABLE = (
    "The company sign-in service is not answering. Try again in a few minutes; if it keeps "
    "happening, tell your IT team."
)
INVALID_RESPONSE = (
    "The answer from the company sign-in service could not be trusted (it may have expired or "
    "been changed on the way), so you are not signed in. Start again from the sign-in page."
)


def callback_session() -> Session:
    """A write session for the provider's redirect back to us.

    OpenID Connect returns people with a GET, and signing in writes (the link to the person,
    the audit row). The GET cannot be forged: it must carry the state and nonce this browser
    was given, and the code only works once with its PKCE verifier.
    """
    if "db_session" not in g:
        g.db_session = get_database().write_sessions()
        g.db_session.info["ip"] = request.remote_addr
    return g.db_session


def sign_in_problem(reason: str, message: str, status: int):
    record_sign_in_failure(callback_session(), current_app.config["OIDC_ISSUER"], reason)
    return render("accounts/sso/problem.html", status=status, message=message)


@bp.post("/login/oidc")
def start():
    client = oidc_client()
    if client is None:
        abort(404)
    home = url_for("home.index")
    if current_user.is_authenticated:
        return redirect_to(home)
    session[NEXT_KEY] = safe_next(request.form.get("next"), home)
    try:
        provider_metadata(client)
        return client.authorize_redirect(url_for("identity.callback", _external=True))
    except ProviderUnreachable as error:
        return sign_in_problem(f"provider unreachable: {error}", UNREACHABLE, 502)


@bp.get("/login/oidc/callback")
def callback():
    client = oidc_client()
    if client is None:
        abort(404)
    database_session = callback_session()
    try:
        token = client.authorize_access_token(
            claims_options=id_token_claims_options(), leeway=LEEWAY_SECONDS
        )
    except OAuthError as error:
        return sign_in_problem(f"response refused: {error}", INVALID_RESPONSE, 400)
    except JoseError as error:
        return sign_in_problem(f"ID token refused: {error}", INVALID_RESPONSE, 400)
    except requests.RequestException as error:
        return sign_in_problem(f"provider unreachable: {error}", UNREACHABLE, 502)
    claims = token.get("userinfo")
    if not claims:
        return sign_in_problem("no ID token", INVALID_RESPONSE, 400)
    try:
        user = sign_in_with_provider(
            database_session,
            current_app.config["OIDC_ISSUER"],
            claims,
            create_users=current_app.config["OIDC_CREATE_USERS"],
        )
    except SignInRefused as refusal:
        return render("accounts/sso/problem.html", status=403, message=refusal.message)
    target = safe_next(session.get(NEXT_KEY), url_for("home.index"))
    start_session(user)
    session[LOGOUT_HINT_FIELD] = token["id_token"]
    return redirect_to(target)
