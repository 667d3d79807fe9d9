"""An implemented idea links to the nomination form, filled with its people and impact."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from portal.accounts.models import Role
from portal.ideas.models import IdeaStatus
from portal.ideas.services.reviewing import ImpactInput, TransitionInput, transition_idea
from tests.ideas.conftest import BASE_URL


def test_an_implemented_idea_offers_to_recognise_its_people(
    db, login_as, employee, make_user, make_idea
):
    make_user("co@example.com")
    idea = make_idea(employee, "Call-backs & hold", co_author_emails=("co@example.com",))
    manager = make_user(role=Role.MANAGER)
    viewer_client = login_as(manager)
    assert "Recognise the people behind this" not in viewer_client.get(
        f"/ideas/{idea.id}"
    ).get_data(as_text=True)
    for status, extra in [
        (IdeaStatus.UNDER_REVIEW, {}),
        (IdeaStatus.APPROVED, {"owner_email": manager.email}),
        (IdeaStatus.IN_PROGRESS, {}),
    ]:
        transition_idea(db, manager, idea.id, TransitionInput(status, **extra), base_url=BASE_URL)
    impact = ImpactInput(
        "Call-back after two minutes.",
        "Hold time",
        "seconds",
        Decimal(1200),
        Decimal(240),
        date(2026, 11, 20),
    )
    change = TransitionInput(IdeaStatus.IMPLEMENTED, impact=impact)
    transition_idea(db, manager, idea.id, change, base_url=BASE_URL)
    db.commit()

    page = viewer_client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    href = re.search(
        r'<a class="button primary" href="([^"]+)">Recognise the people behind this', page
    )
    url = urlsplit(html_lib.unescape(href.group(1)))
    assert url.path == "/recognition/nominate"
    query = parse_qs(url.query)
    assert query["colleague"] == ["employee@example.com", "co@example.com"]
    assert query["evidence"] == [
        "Implemented idea “Call-backs & hold”: Call-back after two minutes. "
        "Hold time: 1200.00 → 240.00 seconds (measured 2026-11-20)."
    ]
