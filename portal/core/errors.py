"""Domain errors and the handlers that turn every failure into a generic page or fragment."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.core.audit import record_audit
from portal.core.db import get_database, roll_back_request
from portal.core.web import wants_fragment

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the portal said no. The message is shown to the user as it is."""

    status_code = 422

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


ERROR_TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Page not found",
    405: "Not allowed",
    413: "File too large",
    422: "That did not work",
    429: "Too many attempts",
    500: "Something went wrong",
}


def render_error(status: int, message: str) -> tuple[str, int, dict[str, str]]:
    title = ERROR_TITLES.get(status, "Error")
    headers = {"Vary": "HX-Request, HX-History-Restore-Request"}
    if wants_fragment():
        # Show the message in the page's message area whatever element asked.
        headers |= {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"}
        body = render_template("errors/_message.html", title=title, message=message)
    else:
        body = render_template("errors/error.html", status=status, title=title, message=message)
    return body, status, headers


def roll_back_and_audit(action: str = "permission_denied") -> None:
    """Discard the request's work and record the refusal in a transaction of its own.

    A GET's read transaction must not be upgraded to a write: SQLite refuses that, instead of
    waiting, while another request is writing.
    """
    actor_id = current_user.id if current_user.is_authenticated else None
    roll_back_request()
    with get_database().session_scope() as session:
        session.info["ip"] = request.remote_addr
        record_audit(
            session,
            action,
            actor_id=actor_id,
            target=f"{request.method} {request.path}",
        )


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        if error.status_code == 403:
            roll_back_and_audit()
        else:
            roll_back_request()
        return render_error(error.status_code, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):
        roll_back_request()
        return render_error(400, "This form has expired. Reload the page and try again.")

    @app.errorhandler(403)
    def forbidden(_error: HTTPException):
        roll_back_and_audit()
        return render_error(403, "You do not have access to this page.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        roll_back_request()
        status = error.code or 500
        return render_error(status, ERROR_TITLES.get(status, "The request could not be handled."))

    @app.errorhandler(500)
    def server_error(_error: Exception):
        roll_back_request()
        return render_error(500, "The problem has been logged. Please try again in a moment.")
