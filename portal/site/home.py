from flask import Blueprint
from flask_login import current_user

from portal.accounts import queries
from portal.accounts.access import employee_required
from portal.core.db import db_session
from portal.core.web import render

bp = Blueprint("home", __name__)


@bp.get("/")
@employee_required
def index():
    profile = queries.get_profile(db_session(), current_user.id)
    return render("home.html", profile=profile)
