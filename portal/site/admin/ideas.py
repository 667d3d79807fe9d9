"""Admin pages of ideas: the category list, and creating and editing campaigns."""

from __future__ import annotations

from flask import Response, abort, flash, request, url_for
from flask_login import current_user

from portal.accounts.access import admin_required
from portal.core.db import db_session
from portal.core.forms import ButtonForm, run_form
from portal.core.web import redirect_to, render
from portal.ideas.forms import CampaignForm, CategoryForm
from portal.ideas.queries.campaigns import get_campaign
from portal.ideas.queries.choices import list_categories, list_departments
from portal.ideas.services.campaigns import create_campaign, update_campaign
from portal.ideas.services.categories import add_category, set_category_active
from portal.site.admin.blueprint import bp


@bp.route("/categories", methods=["GET", "POST"])
@admin_required
def categories():
    form = CategoryForm()

    def add() -> Response:
        added = add_category(db_session(), current_user, form.name.data or "")
        flash(f"Category “{added.name}” added.", "success")
        return redirect_to(url_for("admin.categories"))

    return run_form(form, add) or render(
        "admin/categories.html",
        form=form,
        categories=list_categories(db_session(), include_retired=True),
        action_form=ButtonForm(),
    )


@bp.post("/categories/<int:category_id>/active")
@admin_required
def toggle_category(category_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400)
    set_category_active(db_session(), current_user, category_id, request.form.get("active") == "1")
    return redirect_to(url_for("admin.categories"))


def _campaign_form(**kwargs) -> CampaignForm:
    form = CampaignForm(**kwargs)
    form.set_departments(list_departments(db_session()))
    return form


@bp.route("/campaigns/new", methods=["GET", "POST"])
@admin_required
def new_campaign():
    form = _campaign_form()

    def create() -> Response:
        created = create_campaign(db_session(), current_user, form.campaign_input())
        flash("The campaign is saved.", "success")
        return redirect_to(url_for("ideas.campaign", campaign_id=created.id))

    return run_form(form, create) or render("admin/campaign_form.html", form=form, found=None)


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_campaign(campaign_id: int):
    found = get_campaign(db_session(), campaign_id)
    if found is None:
        abort(404)
    current = found.campaign
    form = _campaign_form(
        data={
            "question": current.question,
            "description": current.description,
            "starts_on": current.starts_on,
            "ends_on": current.ends_on,
            "department": str(current.department_id or ""),
        }
        if request.method == "GET"
        else None
    )

    def save() -> Response:
        update_campaign(db_session(), current_user, campaign_id, form.campaign_input())
        flash("The campaign is saved.", "success")
        return redirect_to(url_for("ideas.campaign", campaign_id=campaign_id))

    return run_form(form, save) or render("admin/campaign_form.html", form=form, found=found)
