from flask import Blueprint
from flask_login import current_user

from portal.accounts import queries
from portal.db import db_session
from portal.web import employee_required, render

bp = Blueprint("home", __name__)


@bp.get("/")
@employee_required
def index():
    profile = queries.get_profile(db_session(), current_user.id)
    return render("home.html", profile=profile)
