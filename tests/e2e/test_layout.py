"""The layout on a phone and in dark mode: no page scrolls sideways at 390 px, the menu button
works by keyboard and without JavaScript, the main pages are accessible in light and dark
mode, and home leads people to their work."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    AXE_SOURCE,
    PHONE,
    AccessibilityCheck,
    PageMaker,
    serious_accessibility_violations,
    sign_in,
)
from tests.test_access import ANONYMOUS, ROUTES, TOKEN

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_data")]

NOT_PAGES = ("static", "identity.")  # files, and the sign-on redirects to the provider
# Dark mode changes colours only, so it is checked for contrast; light mode for everything.
CONTRAST_RULES = ["color-contrast", "link-in-text-block"]


def page_urls(app: Flask) -> dict[str, list[str]]:
    """The GET pages of the access matrix, by who can open them (anonymous or signed in)."""
    urls: dict[str, list[str]] = {"anonymous": [], "signed in": []}
    for rule in app.url_map.iter_rules():
        level, arguments = ROUTES[rule.endpoint]
        if "GET" not in (rule.methods or ()) or level == TOKEN:
            continue
        if rule.endpoint.startswith(NOT_PAGES) or rule.rule.endswith((".csv", ".json")):
            continue
        if rule.endpoint.startswith("reviews.export"):
            continue
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **arguments)
        urls["anonymous" if level == ANONYMOUS else "signed in"].append(url)
    return urls


def open_html(page: Page, url: str) -> bool:
    # Deferred scripts, and so DOMContentLoaded, wait for the stylesheets: the layout is final.
    response = page.goto(url, wait_until="domcontentloaded")
    return response is not None and "text/html" in response.headers.get("content-type", "")


def too_wide_or_inaccessible(page: Page, url: str) -> list[str]:
    if not open_html(page, url):
        return []
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = [f"{url} is {width} px wide"] if width > PHONE["width"] else []
    if not is_whole_page(page):  # a type-ahead's fragment, fetched by htmx into its page
        return wide
    return wide + [f"{url}: {problem}" for problem in serious_accessibility_violations(page)]


def shows_page(page: Page, url: str) -> bool:
    return open_html(page, url) and is_whole_page(page)


def is_whole_page(page: Page) -> bool:
    return bool(page.evaluate("() => document.querySelector('main') !== null"))


def test_no_page_is_wider_than_a_phone_and_axe_finds_nothing_serious(
    app: Flask, new_page: PageMaker
) -> None:
    urls = page_urls(app)
    assert len(urls["signed in"]) > 30
    page = new_page(viewport=PHONE, http_errors_expected=True)  # some examples are 403 or 404
    problems = [p for url in urls["anonymous"] for p in too_wide_or_inaccessible(page, url)]
    sign_in(page, "admin@example.com")
    problems += [p for url in urls["signed in"] for p in too_wide_or_inaccessible(page, url)]
    assert problems == []


def test_every_page_keeps_its_contrast_in_dark_mode(app: Flask, new_page: PageMaker) -> None:
    urls = page_urls(app)
    page = new_page(color_scheme="dark", http_errors_expected=True)
    problems = [
        p for url in urls["anonymous"] if open_html(page, url) for p in contrast_problems(page)
    ]
    sign_in(page, "admin@example.com")
    problems += [
        p for url in urls["signed in"] if open_html(page, url) for p in contrast_problems(page)
    ]
    assert problems == []


def contrast_problems(page: Page) -> list[str]:
    """axe-core's colour-contrast findings on the page, one line each."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    results = page.evaluate(
        "rules => axe.run(document, {runOnly: rules, resultTypes: ['violations']})",
        CONTRAST_RULES,
    )
    return [
        f"{page.url}: {violation['id']} -> "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
    ]


def test_the_open_menu_is_accessible_in_light_and_dark_mode(
    new_page: PageMaker, assert_accessible: AccessibilityCheck
) -> None:
    light = new_page(viewport=PHONE)
    sign_in(light, "admin@example.com")
    light.get_by_role("button", name="Menu").click()
    assert_accessible(light)  # the open menu; every page closed is checked above

    dark = new_page(viewport=PHONE, color_scheme="dark")
    sign_in(dark, "admin@example.com")
    dark.get_by_role("button", name="Menu").click()
    assert contrast_problems(dark) == []


def test_the_menu_button_works_by_keyboard_and_without_javascript(new_page: PageMaker) -> None:
    page = new_page(viewport=PHONE)
    sign_in(page, "employee@example.com")
    menu = page.get_by_role("button", name="Menu")
    ideas = page.get_by_role("navigation", name="Main").get_by_role("link", name="Ideas")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(ideas).to_be_hidden()
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(ideas).to_be_visible()
    page.keyboard.press("Tab")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Home")
    ).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(ideas).to_be_hidden()
    page.keyboard.press("Space")
    expect(ideas).to_be_visible()
    ideas.click()
    expect(page).to_have_url(re.compile(r"/ideas$"))

    plain = new_page(viewport=PHONE, java_script_enabled=False)
    sign_in(plain, "employee@example.com")
    link = plain.get_by_role("link", name="Menu")
    ideas = plain.get_by_role("navigation", name="Main").get_by_role("link", name="Ideas")
    expect(ideas).to_be_hidden()
    link.focus()
    plain.keyboard.press("Enter")
    expect(ideas).to_be_visible()
    plain.get_by_role("link", name="Close menu").click()
    expect(ideas).to_be_hidden()


def test_home_leads_a_manager_to_what_waits_for_them(new_page: PageMaker) -> None:
    page = new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, "manager@example.com")
    waiting = page.get_by_role("region", name="Waiting for you")
    expect(waiting.get_by_role("link", name=re.compile(r"^Idea review \(\d+\)$"))).to_be_visible()
    expect(waiting).to_contain_text("overdue")
    waiting.get_by_role("link", name="Approvals (2)").click()
    expect(page).to_have_url(re.compile(r"/recognition/approvals$"))
    expect(page.get_by_role("button", name="Approve", exact=True)).to_have_count(2)
    page.get_by_role("link", name="Home", exact=True).click()
    page.get_by_role("link", name="Share an idea").click()
    expect(page).to_have_url(re.compile(r"/ideas/new$"))
    expect(page.get_by_label("Title")).to_be_visible()
