"""Home: where a person's work is. The two main actions, their ideas and nominations and
awards, what waits for them, and for admins the programme at a glance."""

from flask import Blueprint, current_app
from flask_login import current_user

from portal.accounts.access import employee_required
from portal.core.db import db_session
from portal.core.web import render
from portal.site.dashboard import get_home_page
from portal.site.layout import layout_facts
from portal.site.programme import get_programme_summary

bp = Blueprint("home", __name__)


@bp.get("/")
@employee_required
def index():
    session = db_session()
    target_days = current_app.config["IDEA_RESPONSE_TARGET_DAYS"]
    return render(
        "home.html",
        home=get_home_page(session, current_user, target_days=target_days),
        facts=layout_facts(),
        summary=(
            get_programme_summary(session, target_days=target_days)
            if current_user.is_admin
            else None
        ),
        target_days=target_days,
    )
