"""Admin: integrity flags, the nominations held for an admin's look."""

from __future__ import annotations

from flask import current_app, flash, request, url_for
from flask_login import current_user

from portal.accounts.access import admin_required
from portal.core.db import db_session
from portal.core.errors import DomainError
from portal.core.web import redirect_to, render
from portal.recognition.forms import FlagResolutionForm
from portal.recognition.models import FlagResolution
from portal.recognition.queries.flags import list_open_flags
from portal.recognition.services.integrity import resolve_flags
from portal.site.admin.blueprint import bp

RESOLVED_MESSAGES = {
    FlagResolution.CLEARED: "Cleared: the nomination carries on.",
    FlagResolution.REJECTED: "Rejected: the nominator will see your reason.",
}


@bp.get("/integrity-flags")
@admin_required
def integrity_flags():
    page = list_open_flags(
        db_session(),
        current_user.id,
        cursor=request.args.get("after"),
        limit=current_app.config["PAGE_SIZE"],
    )
    return render("admin/flags.html", page=page, form=FlagResolutionForm())


@bp.post("/integrity-flags/<int:nomination_id>")
@admin_required
def resolve_flag(nomination_id: int):
    form = FlagResolutionForm()
    if not form.validate_on_submit() or form.resolution.data not in set(FlagResolution):
        raise DomainError("Choose Clear or Reject.")
    resolution = FlagResolution(form.resolution.data)
    resolve_flags(
        db_session(),
        current_user,
        nomination_id,
        resolution,
        reason=form.reason.data or "",
        base_url=current_app.config["BASE_URL"],
    )
    flash(RESOLVED_MESSAGES[resolution], "success")
    return redirect_to(url_for("admin.integrity_flags"))
