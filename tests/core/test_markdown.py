"""Hostile Markdown never reaches the page as anything but inert text."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from flask import Flask, render_template_string

from portal.core.markdown import render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    '<a href="#" onclick="alert(1)">x</a>',
    '<img src=x onerror="alert(1)">',
    '<div hx-get="/admin/users" hx-trigger="load">x</div>',
    '<button hx-post="/ideas/1/vote">x</button>',
    '<span data-hx-get="/admin">x</span>',
    '<p style="position:fixed">x</p>',
    "![pic](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
]


class TagCollector(HTMLParser):
    """Every live tag and attribute in some HTML (escaped text does not count)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)


def live_markup(html: str) -> TagCollector:
    collector = TagCollector()
    collector.feed(html)
    return collector


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_has_no_live_tags_or_attributes(text: str) -> None:
    markup = live_markup(str(render_markdown(text)))
    assert not {"script", "img", "div", "button", "span"} & set(markup.tags), markup.tags
    for name, value in markup.attributes:
        assert name in {"href", "rel", "title"}, (text, name)
        assert not value.lower().startswith(("javascript:", "data:")), (text, value)


def test_markdown_formatting_survives() -> None:
    html = str(render_markdown("**bold** and *em*\n\n- one\n- two\n\n`code`"))
    assert "<strong>bold</strong>" in html
    assert "<em>em</em>" in html
    assert "<li>one</li>" in html
    assert "<code>code</code>" in html


def test_links_keep_safe_schemes_and_get_rel() -> None:
    html = str(render_markdown("[site](https://example.com) [mail](mailto:a@example.com)"))
    assert 'href="https://example.com"' in html
    assert 'href="mailto:a@example.com"' in html
    assert html.count('rel="nofollow noopener noreferrer"') == 2


def test_empty_text_renders_nothing() -> None:
    assert str(render_markdown(None)) == ""
    assert str(render_markdown("")) == ""


def test_registered_as_jinja_filter(app: Flask) -> None:
    with app.test_request_context():
        html = render_template_string("{{ text|markdown }}", text="<script>x</script> *hi*")
    assert "<script" not in html
    assert "<em>hi</em>" in html
