"""Links to one idea, for templates that draw many of them (the feed draws 75 a page), and
from an implemented idea to recognising its people."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import g, url_for

if TYPE_CHECKING:
    from portal.ideas.queries.idea_page import IdeaPage

# An id no idea has, built into the URL once and then replaced by each real id.
_PLACEHOLDER = 918273645


def idea_url(endpoint: str, idea_id: int) -> str:
    """`url_for(endpoint, idea_id=...)`, building each endpoint's URL once per request."""
    patterns = g.setdefault("idea_url_patterns", {})
    pattern = patterns.get(endpoint)
    if pattern is None:
        prefix, _, suffix = url_for(endpoint, idea_id=_PLACEHOLDER).partition(str(_PLACEHOLDER))
        pattern = patterns[endpoint] = (prefix, suffix)
    return f"{pattern[0]}{idea_id}{pattern[1]}"


def recognition_url(page: IdeaPage) -> str:
    """The nomination form filled with an implemented idea's authors and its measured impact
    as evidence (the form accepts repeated `colleague` and `evidence`)."""
    people = [page.idea.author, *page.co_authors]
    evidence = [
        f"Implemented idea “{page.idea.title}”: {impact.what_was_done} "
        f"{impact.measure}: {impact.before} → {impact.after} {impact.unit} "
        f"(measured {impact.measured_on.isoformat()})."
        for impact in page.impacts
    ]
    return url_for(
        "recognition.nominate_colleague",
        colleague=[person.email for person in people],
        evidence=evidence,
    )
