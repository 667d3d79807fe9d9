"""The one sequence form views run: a refusal is shown on the form and writes nothing."""

from __future__ import annotations

from flask import Flask, Response
from sqlalchemy import func, select

from portal.core.audit import AuditEntry, record_audit
from portal.core.db import db_session
from portal.core.errors import DomainError
from portal.core.forms import ButtonForm, run_form


def test_a_refusal_is_shown_and_rolls_back_what_the_service_flushed(app: Flask, db) -> None:
    def refusing_service() -> Response:
        record_audit(db_session(), "half_done", actor_id=None)
        db_session().flush()
        raise DomainError("That did not work out.")

    with app.test_request_context("/anything", method="POST"):
        form = ButtonForm(meta={"csrf": False})
        assert run_form(form, refusing_service) is None
        assert form.form_errors == ["That did not work out."]
        app.process_response(Response())  # the request boundary, which commits
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_a_valid_form_returns_what_its_action_answers(app: Flask) -> None:
    with app.test_request_context("/anything", method="POST"):
        answer = Response(status=303)
        assert run_form(ButtonForm(meta={"csrf": False}), lambda: answer) is answer
