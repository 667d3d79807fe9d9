from __future__ import annotations

from flask import Blueprint, Response, current_app, request, stream_with_context
from flask_login import current_user

from portal.accounts.access import admin_required, employee_required
from portal.core.db import db_session
from portal.core.inputs import parse_id
from portal.core.web import render
from portal.reviews import queries

bp = Blueprint("reviews", __name__)


@bp.get("/reviews")
@employee_required
def index():
    reviews = queries.get_reviews_page(
        db_session(),
        current_user,
        cycle_id=parse_id(request.args.get("cycle")),
        cursor=request.args.get("after"),
        limit=current_app.config["PAGE_SIZE"],
    )
    return render("reviews/index.html", "reviews/_people.html", reviews=reviews)


@bp.get("/reviews/<int:cycle_id>/people/<int:user_id>")
@employee_required
def packet(cycle_id: int, user_id: int):
    packet = queries.get_packet(db_session(), current_user, cycle_id, user_id)
    return render("reviews/packet.html", packet=packet)


@bp.get("/reviews/<int:cycle_id>/export.csv")
@admin_required
def export_csv(cycle_id: int):
    export = queries.get_cycle_export(db_session(), cycle_id, "csv")
    return Response(
        stream_with_context(queries.packets_as_csv(export.batches)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={export.file_name}"},
    )


@bp.get("/reviews/<int:cycle_id>/export.json")
@admin_required
def export_json(cycle_id: int):
    export = queries.get_cycle_export(db_session(), cycle_id, "json")
    return Response(
        stream_with_context(queries.packets_as_json(export.batches)),
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename={export.file_name}"},
    )
