"""The people search that the directory and the admin People page both run."""

from __future__ import annotations

from flask import current_app, request

from portal.accounts import queries
from portal.accounts.forms import PeopleSearchForm
from portal.accounts.queries import PersonRow
from portal.core.db import db_session
from portal.core.pagination import Page


def search_people(*, include_inactive: bool) -> tuple[PeopleSearchForm, Page[PersonRow]]:
    """The search form as typed in the query string, and the page of people it finds."""
    form = PeopleSearchForm(request.args)
    page = queries.list_people(
        db_session(),
        search=form.q.data or "",
        cursor=request.args.get("after"),
        limit=current_app.config["PAGE_SIZE"],
        include_inactive=include_inactive,
    )
    return form, page
