"""Admin pages of recognition: the award catalogue and integrity flags."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, request, url_for
from flask_login import current_user

from portal.accounts.access import admin_required
from portal.core.db import db_session
from portal.core.errors import DomainError
from portal.core.forms import attach_error
from portal.core.web import redirect_to, render
from portal.recognition.forms import AwardForm, FlagResolutionForm, split_emails
from portal.recognition.models import ApprovalPath, Award, AwardTier, FlagResolution
from portal.recognition.queries.catalogue import list_awards
from portal.recognition.queries.flags import list_open_flags
from portal.recognition.services.awards import (
    AwardDetails,
    create_award,
    get_award_for_edit,
    set_award_active,
    update_award,
)
from portal.recognition.services.integrity import resolve_flags
from portal.site.admin.forms import ConfirmForm

bp = Blueprint("recognition_admin", __name__, url_prefix="/admin")


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


@bp.get("/awards")
@admin_required
def awards():
    return render(
        "recognition/admin/awards.html",
        awards=list_awards(db_session()),
        confirm=ConfirmForm(),
    )


@bp.route("/awards/new", methods=["GET", "POST"])
@admin_required
def new_award():
    form = AwardForm()
    if form.validate_on_submit():
        try:
            award = create_award(db_session(), current_user, details_from(form))
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(f"{award.name} was added to the catalogue.", "success")
            return redirect_to(url_for("recognition_admin.awards"))
    return render("recognition/admin/award_form.html", form=form, award=None)


@bp.route("/awards/<int:award_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_award(award_id: int):
    award = get_award_for_edit(db_session(), award_id)
    form = AwardForm(data=form_data(award) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            update_award(db_session(), current_user, award_id, details_from(form))
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(f"{award.name} was saved.", "success")
            return redirect_to(url_for("recognition_admin.awards"))
    return render("recognition/admin/award_form.html", form=form, award=award)


@bp.post("/awards/<int:award_id>/active")
@admin_required
def award_active(award_id: int):
    if ConfirmForm().validate_on_submit():
        active = request.form.get("active") == "1"
        award = set_award_active(db_session(), current_user, award_id, active=active)
        flash(f"{award.name} was {'reactivated' if active else 'deactivated'}.", "success")
    return redirect_to(url_for("recognition_admin.awards"))


@bp.get("/integrity-flags")
@admin_required
def integrity_flags():
    page = list_open_flags(
        db_session(),
        current_user.id,
        cursor=request.args.get("after"),
        limit=current_app.config["PAGE_SIZE"],
    )
    return render("recognition/admin/flags.html", page=page, form=FlagResolutionForm())


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
    flash(
        "Cleared: the nomination carries on."
        if resolution is FlagResolution.CLEARED
        else "Rejected: the nominator will see your reason.",
        "success",
    )
    return redirect_to(url_for("recognition_admin.integrity_flags"))
