"""Links to one idea, for templates that draw many of them (the feed draws 75 a page)."""

from __future__ import annotations

from flask import g, url_for

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
