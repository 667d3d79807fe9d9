from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.accounts.models import User
from portal.core import config as portal_config
from portal.core.db import get_database
from portal.ideas.models import Category


def test_security_headers_on_every_response(client: FlaskClient) -> None:
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_session_cookie_is_httponly_and_lax(client: FlaskClient, employee: User) -> None:
    response = client.post(
        "/login", data={"email": employee.email, "password": "correct-horse-battery"}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_requires_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_production_sets_secure_cookie_and_hsts(
    monkeypatch: pytest.MonkeyPatch, app: Flask
) -> None:
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    production = create_app({"DATABASE_URL": app.config["DATABASE_URL"]})
    assert production.config["SESSION_COOKIE_SECURE"] is True
    response = production.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_development_key_is_generated_once_and_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(portal_config, "INSTANCE_DIR", tmp_path)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = portal_config.DevelopmentConfig().SECRET_KEY
    second = portal_config.DevelopmentConfig().SECRET_KEY
    assert first == second
    assert len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_unknown_page_is_a_generic_404(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_server_error_is_generic_and_rolls_back(app: Flask, db, employee: User) -> None:
    failing = create_app(
        {"DATABASE_URL": app.config["DATABASE_URL"], "PROPAGATE_EXCEPTIONS": False}
    )

    @failing.get("/_test/boom")
    def boom():
        from portal.core.db import db_session

        db_session().get(User, employee.id).display_name = "Changed"
        raise RuntimeError("secret internals")

    response = failing.test_client().get("/_test/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in body
    assert "Something went wrong" in body
    db.expire_all()
    assert db.get(User, employee.id).display_name == "Emery Employee"


def test_a_read_only_request_session_refuses_to_write(app: Flask) -> None:
    session = get_database(app).read_sessions()
    try:
        session.add(Category(name="Written during a GET"))
        with pytest.raises(RuntimeError, match="read-only"):
            session.flush()
    finally:
        session.rollback()
        session.close()
