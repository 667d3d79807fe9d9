"""The OpenID Connect client (Authlib), configured from the PORTAL_OIDC_* settings.

Authlib does discovery, PKCE (S256), state and nonce; it fetches the provider's keys from its
JWKS endpoint and fetches them again once when a token is signed by a key it does not know yet
(key rotation), and once more for a token whose signature does not verify, for providers whose
tokens name no key. This module adds what the portal asks on top: the ID token's issuer must be
the configured one, its audience must be our client ID, and it must carry an expiry.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.integrations.flask_client import OAuth
from authlib.integrations.flask_client.apps import FlaskOAuth2App
from flask import Flask, Response, current_app
from joserfc.errors import BadSignatureError

CLIENT_NAME = "portal"
DISCOVERY_PATH = "/.well-known/openid-configuration"
LOGOUT_HINT_FIELD = "oidc_logout_hint"  # the ID token, sent back as id_token_hint
# Clock skew allowed between the provider and this server when checking exp and iat.
LEEWAY_SECONDS = 60
PROVIDER_TIMEOUT_SECONDS = 10


class PortalOidcClient(FlaskOAuth2App):
    def parse_id_token(self, token, nonce, *args, **kwargs):
        """Authlib fetches the keys again for a token whose key ID it does not know; a provider
        that rotated its key without naming it (no `kid`) gets the same single second look."""
        try:
            return super().parse_id_token(token, nonce, *args, **kwargs)
        except BadSignatureError:
            self.fetch_jwk_set(force=True)
            return super().parse_id_token(token, nonce, *args, **kwargs)


class ProviderUnreachable(Exception):
    """The provider did not answer, or answered with something that is not its metadata."""


def init_app(app: Flask) -> None:
    issuer = app.config["OIDC_ISSUER"]
    if not issuer:
        return
    if app.config["ENV_NAME"] == "production" and not issuer.startswith("https://"):
        raise RuntimeError("PORTAL_OIDC_ISSUER must be an https:// address in production")
    scopes = app.config["OIDC_SCOPES"].split()
    if "openid" not in scopes:
        scopes.insert(0, "openid")
    oauth = OAuth(app)
    oauth.register(
        CLIENT_NAME,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=issuer + DISCOVERY_PATH,
        client_cls=PortalOidcClient,
        client_kwargs={
            "scope": " ".join(scopes),
            "code_challenge_method": "S256",
            "default_timeout": PROVIDER_TIMEOUT_SECONDS,
        },
    )
    app.extensions["portal_oidc"] = oauth.create_client(CLIENT_NAME)
    app.after_request(allow_forms_to_reach_provider)


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def provider_origins(client: PortalOidcClient) -> list[str]:
    """Where sign-in and sign-out forms are redirected: the issuer and its endpoints' hosts."""
    metadata = client.server_metadata
    urls = [
        current_app.config["OIDC_ISSUER"],
        metadata.get("authorization_endpoint", ""),
        metadata.get("end_session_endpoint", ""),
    ]
    return sorted({origin for origin in map(_origin, urls) if origin})


def allow_forms_to_reach_provider(response: Response) -> Response:
    """The sign-in and sign-out buttons post here and are redirected to the provider; CSP's
    form-action also covers those redirects, so the provider's origins join 'self'.

    Runs after add_security_headers (after_request runs in reverse order of registration).
    """
    policy = response.headers.get("Content-Security-Policy")
    client = oidc_client()
    if policy and client is not None and "form-action 'self'" in policy:
        allowed = " ".join(["'self'", *provider_origins(client)])
        response.headers["Content-Security-Policy"] = policy.replace(
            "form-action 'self'", f"form-action {allowed}"
        )
    return response


def oidc_client() -> PortalOidcClient | None:
    """The app's provider client; None when single sign-on is not configured."""
    return current_app.extensions.get("portal_oidc")


def password_sign_in_allowed() -> bool:
    config = current_app.config
    return not (config["OIDC_ONLY"] and config["OIDC_ISSUER"])


def id_token_claims_options() -> dict[str, Any]:
    config = current_app.config
    return {
        "iss": {"essential": True, "value": config["OIDC_ISSUER"]},
        "aud": {"essential": True, "value": config["OIDC_CLIENT_ID"]},
        "exp": {"essential": True},
        "sub": {"essential": True},
    }


def provider_metadata(client: PortalOidcClient) -> dict[str, Any]:
    try:
        return client.load_server_metadata()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnreachable(str(error)) from error


def provider_logout_url(id_token: str | None, return_to: str) -> str | None:
    """RP-initiated logout at the provider, when it offers it and the person came through it."""
    client = oidc_client()
    if client is None or not id_token:
        return None
    try:
        metadata = provider_metadata(client)
    except ProviderUnreachable:
        return None  # signed out here; the provider's own session will expire on its own
    if not metadata.get("end_session_endpoint"):
        return None
    return client.create_logout_url(
        post_logout_redirect_uri=return_to, id_token_hint=id_token, client_id=client.client_id
    )["url"]
