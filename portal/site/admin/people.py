"""The people sections: people, their roles and managers, and the org-chart import."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from portal.accounts import queries
from portal.accounts.access import admin_required
from portal.accounts.models import Role, User
from portal.accounts.services.invitations import issue_invitation
from portal.accounts.services.people import PersonDetails, set_person_active, update_person
from portal.core.db import db_session, roll_back_request
from portal.core.errors import DomainError, render_error
from portal.core.forms import ButtonForm, attach_error, run_form
from portal.core.web import redirect_to, render
from portal.site.admin.blueprint import bp
from portal.site.admin.forms import (
    ImportConfirmForm,
    ImportUploadForm,
    PersonForm,
)
from portal.site.admin.importing.apply import apply_import
from portal.site.admin.importing.preview import ImportPreview, preview_import
from portal.site.admin.importing.upload import decode_upload, pack_upload, unpack_upload
from portal.site.admin.services import add_person
from portal.site.directory import search_people


def person_or_404(user_id: int) -> User:
    user = db_session().get(User, user_id)
    if user is None:
        abort(404)
    return user


def details_from(form: PersonForm) -> PersonDetails:
    return PersonDetails(
        email=form.email.data or "",
        display_name=form.display_name.data or "",
        job_title=form.job_title.data or "",
        department=form.department.data or "",
        manager_email=form.manager_email.data or "",
        role=Role(form.role.data),
    )


def person_form_data(user: User) -> dict[str, str]:
    """The edit form's values as stored, for its first showing."""
    profile = queries.get_profile(db_session(), user.id)
    return {
        "email": user.email,
        "display_name": user.display_name,
        "job_title": user.job_title,
        "department": profile.department.name if profile and profile.department else "",
        "manager_email": profile.manager.email if profile and profile.manager else "",
        "role": user.role.value,
    }


@bp.get("/users")
@admin_required
def users() -> Response:
    form, page = search_people(include_inactive=True)
    return render("admin/users.html", "admin/_user_rows.html", form=form, page=page)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user() -> Response:
    form = PersonForm()

    def add() -> Response:
        user = add_person(
            db_session(),
            current_user,
            details_from(form),
            base_url=current_app.config["BASE_URL"],
            invitation_days=current_app.config["INVITATION_DAYS"],
        )
        flash(f"{user.display_name} was added and invited by email.", "success")
        return redirect_to(url_for("people.profile", user_id=user.id))

    return run_form(form, add) or render("admin/person_form.html", form=form, person=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int) -> Response:
    user = person_or_404(user_id)
    form = PersonForm(data=person_form_data(user) if request.method == "GET" else None)

    def save() -> Response:
        update_person(db_session(), current_user, user, details_from(form))
        flash(f"{user.display_name} was saved.", "success")
        return redirect_to(url_for("people.profile", user_id=user.id))

    return run_form(form, save) or render(
        "admin/person_form.html", form=form, person=user, confirm=ButtonForm()
    )


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@admin_required
def deactivate_user(user_id: int) -> Response:
    user = person_or_404(user_id)
    form = ButtonForm()
    if form.validate_on_submit():
        set_person_active(db_session(), current_user, user, active=False)
        flash(f"{user.display_name} was deactivated and signed out everywhere.", "success")
        return redirect_to(url_for("admin.users"))
    return render("admin/confirm_deactivate.html", form=form, person=user)


@bp.post("/users/<int:user_id>/reactivate")
@admin_required
def reactivate_user(user_id: int) -> Response:
    user = person_or_404(user_id)
    if ButtonForm().validate_on_submit():
        set_person_active(db_session(), current_user, user, active=True)
        flash(f"{user.display_name} was reactivated.", "success")
    return redirect_to(url_for("admin.edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/invite")
@admin_required
def invite_user(user_id: int) -> Response:
    user = person_or_404(user_id)
    if ButtonForm().validate_on_submit():
        config = current_app.config
        issue_invitation(db_session(), user, config["BASE_URL"], config["INVITATION_DAYS"])
        flash(f"A new invitation was sent to {user.email}.", "success")
    return redirect_to(url_for("admin.edit_user", user_id=user.id))


def upload_limit_mb() -> int:
    return current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)


def import_page(
    form: ImportUploadForm,
    preview: ImportPreview | None = None,
    confirm: ImportConfirmForm | None = None,
    status: int = 200,
) -> Response:
    return render(
        "admin/import.html",
        form=form,
        preview=preview,
        confirm=confirm,
        limit=upload_limit_mb(),
        status=status,
    )


@bp.route("/users/import", methods=["GET", "POST"])
@admin_required
def import_users() -> Response:
    form = ImportUploadForm()
    if not form.validate_on_submit():
        return import_page(form)
    try:
        text = decode_upload(form.file.data.read())
    except DomainError as error:
        attach_error(form, error)
        return import_page(form)
    preview = preview_import(db_session(), text, current_user)
    confirm = ImportConfirmForm(content=pack_upload(text)) if preview.is_clean else None
    return import_page(form, preview, confirm)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error: RequestEntityTooLarge) -> ResponseReturnValue:
    """Werkzeug refuses the body before any view runs; say so on the import page itself."""
    roll_back_request()
    message = f"The file is larger than {upload_limit_mb()} MB. Split it into smaller files."
    on_import = request.endpoint in {"admin.import_users", "admin.confirm_import"}
    if not (on_import and current_user.is_authenticated and current_user.is_admin):
        return render_error(413, message)
    form = ImportUploadForm(formdata=None)
    form.file.errors = [message]
    return import_page(form, status=413)


@bp.post("/users/import/confirm")
@admin_required
def confirm_import() -> Response:
    form = ImportConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    preview = apply_import(
        db_session(),
        current_user,
        unpack_upload(form.content.data or "", current_app.config["MAX_CONTENT_LENGTH"]),
        base_url=current_app.config["BASE_URL"],
        invitation_days=current_app.config["INVITATION_DAYS"],
    )
    flash(
        f"Imported {len(preview.rows)} people: {preview.count('create')} new (invited by email), "
        f"{preview.changed_count} changed, {preview.unchanged_count} unchanged.",
        "success",
    )
    return redirect_to(url_for("admin.users"))
