"""The people directory and each person's profile: pages that draw on every domain."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from portal.accounts import queries
from portal.accounts.access import employee_required
from portal.core.db import db_session
from portal.core.web import render
from portal.recognition.queries.wall import list_person_awards
from portal.site.directory import search_people

bp = Blueprint("people", __name__)


@bp.get("/people")
@employee_required
def directory():
    form, page = search_people(include_inactive=False)
    return render("people/index.html", "people/_results.html", form=form, page=page)


@bp.get("/people/<int:user_id>")
@employee_required
def profile(user_id: int):
    profile = queries.get_profile(db_session(), user_id)
    if profile is None:
        abort(404)
    awards = list_person_awards(db_session(), user_id, current_user)
    return render("people/profile.html", profile=profile, awards=awards)
