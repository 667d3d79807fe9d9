"""The audit log section: who did what, newest first."""

from __future__ import annotations

from flask import Response, request

from portal.accounts.access import admin_required
from portal.core.db import db_session
from portal.core.web import render
from portal.site.admin.blueprint import bp
from portal.site.admin.queries import list_audit_entries


@bp.get("/audit")
@admin_required
def audit() -> Response:
    page = list_audit_entries(db_session(), cursor=request.args.get("after"), limit=50)
    return render("admin/audit.html", page=page)
