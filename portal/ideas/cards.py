"""Feed cards drawn once and reused: a card's HTML depends only on what it shows.

An `IdeaCard` holds every value its card prints, so equal cards draw equal HTML and a page
of 25 cards seen by many people is drawn once per worker, not once per view. The two values
that differ per page and per person, the address to come back to and the CSRF token, are
left as placeholders and filled in on each use. The placeholders are HTML comments: escaped
user text can never contain `<`, so nothing a user wrote can be mistaken for one.
"""

from __future__ import annotations

from functools import lru_cache

from flask import current_app, request
from markupsafe import Markup

from portal.ideas.queries.feed import IdeaCard

BACK = Markup("<!--back-->")
TOKEN = Markup("<!--csrf-token-->")


def _draw(card: IdeaCard) -> Markup:
    module = current_app.jinja_env.get_template("ideas/_cards.html").module
    # Jinja sets a template's macros as attributes of its module at run time, which its
    # TemplateModule type cannot declare.
    macro = module.idea_card  # type: ignore[attr-defined]
    return macro(card, BACK, TOKEN)


@lru_cache(maxsize=4096)
def _drawn(card: IdeaCard, script_root: str) -> Markup:
    return _draw(card)


def card_html(card: IdeaCard, back: str, token: str) -> Markup:
    """The card's HTML with this page's return address and the viewer's CSRF token."""
    # While the development server runs, templates may change under a kept card.
    reload = current_app.jinja_env.auto_reload
    html = _draw(card) if reload else _drawn(card, request.script_root)
    return html.replace(BACK, back).replace(TOKEN, token)  # Markup.replace escapes both
