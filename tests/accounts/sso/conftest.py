"""A real OpenID provider (oidc-provider-mock) on a loopback port, and portals that trust it.

The provider is a complete OpenID Connect server: discovery, authorisation with a page where
a person is chosen, token endpoint, JWKS, end-session. The test drives it over HTTP as a
browser would, so the portal's client is exercised end to end.
"""

from __future__ import annotations

import socket
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import flask
import httpx2 as httpx
import oidc_provider_mock
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from portal import create_app
from portal.core.db import get_database

CLIENT_ID = "portal-tests"
CLIENT_SECRET = "provider-secret"


def generate_signing_key():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from authlib import jose

        return jose.RSAKey.generate_key(is_private=True)


def provider_app(access_token_max_age: timedelta) -> Flask:
    app = oidc_provider_mock.app(require_nonce=True, access_token_max_age=access_token_max_age)

    @app.post("/test/rotate-key")
    def rotate_key():
        # The provider starts signing with a new key and publishes only that one.
        flask.g.oidc_provider_mock_storage.jwk = generate_signing_key()
        return "", 204

    return app


@dataclass
class Provider:
    url: str

    def add_person(self, sub: str, **claims: object) -> None:
        response = httpx.put(f"{self.url}/users/{sub}", json=claims)
        assert response.status_code == 204, response.text

    def rotate_key(self) -> None:
        assert httpx.post(f"{self.url}/test/rotate-key").status_code == 204

    def choose(self, authorize_url: str, sub: str) -> str:
        """Pick the person on the provider's authorisation page; returns where it sends them."""
        assert authorize_url.startswith(self.url), authorize_url
        page = httpx.get(authorize_url)
        assert page.status_code == 200 and "Authorize" in page.text
        answer = httpx.post(authorize_url, data={"sub": sub})
        assert answer.status_code == 302, answer.text
        return answer.headers["location"]


@contextmanager
def served(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def provider() -> Iterator[Provider]:
    with served(provider_app(timedelta(hours=1))) as url:
        yield Provider(url)


@pytest.fixture(scope="session")
def stale_provider() -> Iterator[Provider]:
    """A provider whose ID tokens expired an hour before they were issued."""
    with served(provider_app(timedelta(hours=-1))) as url:
        yield Provider(url)


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def portal_trusting(app: Flask, issuer: str, **settings: object) -> Flask:
    """Another portal on the test database, signing people in through `issuer`."""
    return create_app(
        {
            "DATABASE_URL": app.config["DATABASE_URL"],
            "OIDC_ISSUER": issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            **settings,
        }
    )


@pytest.fixture(scope="session")
def sso_app(app: Flask, provider: Provider) -> Iterator[Flask]:
    sso_app = portal_trusting(app, provider.url)
    yield sso_app
    get_database(sso_app).engine.dispose()


@pytest.fixture(scope="session")
def stale_sso_app(app: Flask, stale_provider: Provider) -> Iterator[Flask]:
    stale_app = portal_trusting(app, stale_provider.url)
    yield stale_app
    get_database(stale_app).engine.dispose()


@pytest.fixture(scope="session")
def unreachable_sso_app(app: Flask) -> Iterator[Flask]:
    down_app = portal_trusting(app, closed_port_url())
    yield down_app
    get_database(down_app).engine.dispose()


def start_sign_in(client: FlaskClient, next_page: str | None = None) -> str:
    """Press "Sign in with single sign-on"; returns the provider's authorisation URL."""
    response = client.post("/login/oidc", data={"next": next_page} if next_page else {})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def return_to_portal(client: FlaskClient, location: str):
    """Follow the provider's redirect back to the portal's callback."""
    target = urlsplit(location)
    assert target.path == "/login/oidc/callback", location
    return client.get(f"{target.path}?{target.query}")


def sign_in_through(client: FlaskClient, provider: Provider, sub: str, next_page=None):
    return return_to_portal(client, provider.choose(start_sign_in(client, next_page), sub))
