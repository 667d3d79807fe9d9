from __future__ import annotations

from flask import Blueprint, current_app, flash, request, url_for
from flask_login import current_user

from portal.accounts.access import employee_required
from portal.accounts.models import Delivery
from portal.core.db import db_session
from portal.core.forms import ButtonForm
from portal.core.web import redirect_to, render, safe_next
from portal.notifications import queries
from portal.notifications.forms import DeliveryForm
from portal.notifications.services import mark_all_read, mark_read, set_delivery

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@employee_required
def index():
    page = queries.list_notifications(
        db_session(),
        current_user.id,
        cursor=request.args.get("after"),
        limit=current_app.config["PAGE_SIZE"],
    )
    return render("notifications/index.html", page=page, form=ButtonForm())


@bp.post("/notifications/<int:notification_id>/open")
@employee_required
def open_notification(notification_id: int):
    notification = mark_read(db_session(), current_user, notification_id)
    return redirect_to(safe_next(notification.link, url_for("notifications.index")))


@bp.post("/notifications/read-all")
@employee_required
def read_all():
    if ButtonForm().validate_on_submit():
        mark_all_read(db_session(), current_user)
    return redirect_to(url_for("notifications.index"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@employee_required
def preferences():
    form = DeliveryForm(delivery=current_user.notification_delivery.value)
    if form.validate_on_submit():
        set_delivery(db_session(), current_user, Delivery(form.delivery.data))
        flash("Your notification preference is saved.", "success")
        return redirect_to(url_for("notifications.preferences"))
    return render("notifications/preferences.html", form=form)
