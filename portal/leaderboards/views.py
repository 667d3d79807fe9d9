"""Recognition pages for managers; the admin leaderboards are in site/admin/leaderboards.py."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from portal.accounts.access import manager_required
from portal.core.db import db_session
from portal.core.web import render
from portal.leaderboards.equity import get_team_gaps

bp = Blueprint("leaderboards", __name__)


@bp.get("/recognition/team")
@manager_required
def team_gaps():
    return render("leaderboards/team.html", gaps=get_team_gaps(db_session(), current_user.id))
