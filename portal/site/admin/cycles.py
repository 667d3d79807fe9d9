"""Admin: review cycles, adding them and closing them (which freezes every packet)."""

from __future__ import annotations

from flask import Response, flash, url_for
from flask_login import current_user

from portal.accounts.access import admin_required
from portal.core.db import db_session
from portal.core.forms import ButtonForm, run_form
from portal.core.web import redirect_to, render
from portal.reviews import services
from portal.reviews.forms import CycleForm
from portal.reviews.queries import list_cycles
from portal.site.admin.blueprint import bp


@bp.route("/review-cycles", methods=["GET", "POST"])
@admin_required
def cycles():
    form = CycleForm()

    def create() -> Response:
        cycle = services.create_cycle(
            db_session(), current_user, form.name.data or "", form.starts_on.data, form.ends_on.data
        )
        flash(f"{cycle.name} was added.", "success")
        return redirect_to(url_for("admin.cycles"))

    return run_form(form, create) or render(
        "admin/cycles.html", form=form, cycles=list_cycles(db_session()), confirm=ButtonForm()
    )


@bp.post("/review-cycles/<int:cycle_id>/close")
@admin_required
def close_cycle(cycle_id: int):
    if ButtonForm().validate_on_submit():
        cycle = services.close_cycle(db_session(), current_user, cycle_id)
        flash(f"{cycle.name} is closed and every packet in it is frozen.", "success")
    return redirect_to(url_for("admin.cycles"))
