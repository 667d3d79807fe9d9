"""Admin: the award catalogue."""

from __future__ import annotations

from flask import Response, flash, request, url_for
from flask_login import current_user

from portal.accounts.access import admin_required
from portal.core.db import db_session
from portal.core.forms import ButtonForm, run_form
from portal.core.web import redirect_to, render
from portal.recognition.forms import AwardForm, split_emails
from portal.recognition.models import ApprovalPath, Award, AwardTier
from portal.recognition.queries.catalogue import list_awards
from portal.recognition.services.awards import (
    AwardDetails,
    create_award,
    get_award_for_edit,
    set_award_active,
    update_award,
)
from portal.site.admin.blueprint import bp


def details_from(form: AwardForm) -> AwardDetails:
    return AwardDetails(
        name=form.name.data or "",
        description=form.description.data or "",
        tier=AwardTier(form.tier.data),
        points=form.points.data or 0,
        approval_path=ApprovalPath(form.approval_path.data),
        committee_emails=split_emails(form.committee.data),
    )


def form_data(award: Award) -> dict[str, object]:
    return {
        "name": award.name,
        "description": award.description,
        "tier": award.tier.value,
        "points": award.points,
        "approval_path": award.approval_path.value,
        "committee": ", ".join(member.email for member in award.committee),
    }


def saved(award: Award, message: str) -> Response:
    flash(f"{award.name} {message}", "success")
    return redirect_to(url_for("admin.awards"))


@bp.get("/awards")
@admin_required
def awards():
    return render("admin/awards.html", awards=list_awards(db_session()), confirm=ButtonForm())


@bp.route("/awards/new", methods=["GET", "POST"])
@admin_required
def new_award():
    form = AwardForm()

    def create() -> Response:
        award = create_award(db_session(), current_user, details_from(form))
        return saved(award, "was added to the catalogue.")

    return run_form(form, create) or render("admin/award_form.html", form=form, award=None)


@bp.route("/awards/<int:award_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_award(award_id: int):
    award = get_award_for_edit(db_session(), award_id)
    form = AwardForm(data=form_data(award) if request.method == "GET" else None)

    def update() -> Response:
        update_award(db_session(), current_user, award_id, details_from(form))
        return saved(award, "was saved.")

    return run_form(form, update) or render("admin/award_form.html", form=form, award=award)


@bp.post("/awards/<int:award_id>/active")
@admin_required
def award_active(award_id: int):
    if ButtonForm().validate_on_submit():
        active = request.form.get("active") == "1"
        award = set_award_active(db_session(), current_user, award_id, active=active)
        flash(f"{award.name} was {'reactivated' if active else 'deactivated'}.", "success")
    return redirect_to(url_for("admin.awards"))
