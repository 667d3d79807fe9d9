"""Admin: recognition leaderboards (page and CSV) and the equity view."""

from __future__ import annotations

from flask import Response, request
from wtforms.fields.choices import SelectChoice

from portal.accounts.access import admin_required
from portal.core.db import db_session
from portal.core.errors import DomainError
from portal.core.forms import attach_error
from portal.core.web import render
from portal.leaderboards.equity import get_equity
from portal.leaderboards.forms import LeaderboardForm
from portal.leaderboards.periods import Period
from portal.leaderboards.queries import (
    Grouping,
    Leaderboard,
    LeaderboardFilters,
    get_leaderboard,
    leaderboard_as_csv,
)
from portal.reviews.exports import leaderboard_file_name as download_name
from portal.site.admin.blueprint import bp


def filters_from(form: LeaderboardForm) -> LeaderboardFilters:
    form.validate()
    return LeaderboardFilters(
        period=Period(form.period.data) if form.period.data in set(Period) else Period.QUARTER,
        grouping=Grouping(form.grouping.data)
        if form.grouping.data in set(Grouping)
        else Grouping.PEOPLE,
        cycle_id=form.cycle.data or None,
        first=form.first.data,
        last=form.last.data,
        department_id=form.department.data or None,
        award_id=form.award.data or None,
    )


def fill_choices(form: LeaderboardForm, board: Leaderboard) -> None:
    form.cycle.choices = [SelectChoice(0, "Choose a cycle")] + [
        SelectChoice(cycle.id, cycle.name) for cycle in board.cycles
    ]
    form.department.choices = [SelectChoice(0, "All departments")] + [
        SelectChoice(department.id, department.name) for department in board.departments
    ]
    form.award.choices = [SelectChoice(0, "All awards")] + [
        SelectChoice(award.id, award.name) for award in board.awards
    ]


def board_for(form: LeaderboardForm, cursor: str | None) -> Leaderboard:
    """The chosen board, or this quarter's with the filters' problem shown beside its field."""
    filters = filters_from(form)
    try:
        return get_leaderboard(db_session(), filters, cursor=cursor)
    except DomainError as error:
        attach_error(form, error)
        return get_leaderboard(db_session(), LeaderboardFilters(grouping=filters.grouping))


@bp.get("/leaderboards")
@admin_required
def leaderboards():
    form = LeaderboardForm(request.args)
    board = board_for(form, request.args.get("after"))
    fill_choices(form, board)
    filter_args = {name: value for name, value in request.args.items() if name != "after"}
    return render(
        "admin/leaderboards.html",
        "admin/_leaderboard.html",
        form=form,
        board=board,
        filter_args=filter_args,
    )


@bp.get("/leaderboards.csv")
@admin_required
def leaderboards_csv():
    filters = filters_from(LeaderboardForm(request.args))
    board = get_leaderboard(db_session(), filters, limit=None)
    return Response(
        leaderboard_as_csv(board),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={download_name(board)}"},
    )


@bp.get("/equity")
@admin_required
def equity():
    return render("admin/equity.html", equity=get_equity(db_session(), request.args.get("after")))
