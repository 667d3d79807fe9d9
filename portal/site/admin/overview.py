"""The admin overview (/admin): where the navigation's "Admin" link leads. The programme at a
glance, then every admin section."""

from __future__ import annotations

from flask import Response, current_app

from portal.accounts.access import admin_required
from portal.core.db import db_session
from portal.core.web import render
from portal.site.admin.blueprint import bp
from portal.site.programme import get_programme_summary


@bp.get("")
@admin_required
def index() -> Response:
    target_days = current_app.config["IDEA_RESPONSE_TARGET_DAYS"]
    summary = get_programme_summary(db_session(), target_days=target_days)
    return render("admin/index.html", summary=summary, target_days=target_days)
