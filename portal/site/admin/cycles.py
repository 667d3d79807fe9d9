"""Admin: review cycles, adding them and closing them (a background job freezes every packet)."""

from __future__ import annotations

from flask import Response, flash, url_for
from flask_login import current_user

from portal.accounts.access import admin_required
from portal.core.db import db_session
from portal.core.forms import ButtonForm, run_form
from portal.core.job_progress import get_job_progress, list_job_progress
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

    session = db_session()
    return run_form(form, create) or render(
        "admin/cycles.html",
        form=form,
        cycles=list_cycles(session),
        closing=list_job_progress(session, services.CLOSE_CYCLE),
        confirm=ButtonForm(),
    )


@bp.post("/review-cycles/<int:cycle_id>/close")
@admin_required
def close_cycle(cycle_id: int):
    if ButtonForm().validate_on_submit():
        services.start_closing(db_session(), current_user, cycle_id)
        flash(
            "The cycle is closing: every packet is being frozen in the background. "
            "Its progress shows below.",
            "success",
        )
    return redirect_to(url_for("admin.cycles"))


@bp.get("/jobs/<int:job_id>")
@admin_required
def job_progress(job_id: int):
    """A background job's progress: the fragment the cycles page polls, or a page of its own."""
    progress = get_job_progress(db_session(), job_id)
    return render("admin/job.html", "admin/_job_progress.html", progress=progress)
