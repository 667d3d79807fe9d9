"""What every form view shares: a button-only form, refusals shown beside their field, and the
one sequence a form view runs (validate, call the service, redirect or show the form again)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response
from flask_wtf import FlaskForm

from portal.core.db import roll_back_request
from portal.core.errors import DomainError


class ButtonForm(FlaskForm):
    """A form that is only a button (vote, follow, confirm): it carries the CSRF token."""


def attach_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's message beside the field it names, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def run_form(
    form: FlaskForm, action: Callable[[], Response], *, fieldless_to_error_page: bool = False
) -> Response | None:
    """On a valid submission, `action` (call the service, then redirect); None to show the form.

    A refusal is shown beside the field it names, or above the form, and whatever the service
    flushed before refusing is rolled back. With `fieldless_to_error_page`, a refusal that
    names no field (not found, not allowed) goes to the error page instead, for forms that sit
    inside another page.
    """
    if not form.validate_on_submit():
        return None
    try:
        return action()
    except DomainError as error:
        if error.field is None and fieldless_to_error_page:
            raise
        roll_back_request()
        attach_error(form, error)
        return None
