"""The admin overview (/admin): where the navigation's "Admin" link leads."""

from __future__ import annotations

from flask import Response

from portal.accounts.access import admin_required
from portal.core.web import render
from portal.site.admin.blueprint import bp


@bp.get("")
@admin_required
def index() -> Response:
    return render("admin/index.html")
