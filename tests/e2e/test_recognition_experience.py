"""Recognition as people live it, at 1280 and 390 px: Recognise from a profile, a two-step
approval that says where it stands, Celebrate with and without JavaScript, axe-clean pages."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import AccessibilityCheck, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_data")]

CITATION = "Talked a member through a frozen card abroad until the payment went through."
WORDS = "She stayed calm when I could not, and saved my holiday."
AWARD = "Service Star of the Quarter"
# Set PORTAL_SHOTS=/tmp/shots-ux-recog to keep a screenshot of each page the journey visits.
SHOTS = os.environ.get("PORTAL_SHOTS")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def as_person(browser: Browser, page: Page, email: str, *, javascript: bool = True) -> Page:
    base = re.match(r"https?://[^/]+", page.url).group(0)
    context = browser.new_context(
        base_url=base, viewport=page.viewport_size, java_script_enabled=javascript
    )
    other = context.new_page()
    sign_in(other, email)
    return other


def recognise_from_profile(page: Page) -> None:
    page.goto("/people")
    page.get_by_label("Search people").fill("Casey")
    expect(page.get_by_role("link", name="Recognise Casey Colleague")).to_be_visible()
    shot(page, "people")
    page.get_by_role("link", name="Casey Colleague", exact=True).click()
    shot(page, "profile")
    page.get_by_role("link", name="Recognise", exact=True).click()
    expect(page.get_by_label("Colleague", exact=True)).to_have_value("colleague@example.com")
    shot(page, "nominate")
    page.get_by_role("group", name="Award").get_by_role("radio", name=re.compile(AWARD)).check()
    page.get_by_role("group", name="Traits").get_by_label("Composure").check()
    page.get_by_label("What did they do?").fill(CITATION)
    page.get_by_label("The customer's own words").fill(WORDS)
    page.get_by_role("button", name="Submit nomination").click()
    card = page.locator("li", has_text=CITATION)
    expect(card).to_contain_text("Waiting for Morgan Manager")


def approve_step(approver: Page, expected: str) -> None:
    approver.goto("/recognition/approvals")
    card = approver.locator("li.card", has_text=CITATION)
    expect(card).to_contain_text(re.compile(r"step \d of 2"))
    card.get_by_role("button", name="Approve", exact=True).click()
    expect(approver.locator("#messages")).to_contain_text(expected)


def test_recognise_approve_in_two_steps_and_celebrate(
    page: Page, browser: Browser, assert_accessible: AccessibilityCheck
) -> None:
    sign_in(page, "employee@example.com")
    recognise_from_profile(page)
    assert_accessible(page)
    shot(page, "mine")

    manager = as_person(browser, page, "manager@example.com")
    manager.goto("/recognition/approvals")
    expect(manager.locator("li.card", has_text=CITATION)).to_contain_text("step 1 of 2")
    assert_accessible(manager)
    shot(manager, "approvals")
    approve_step(manager, "Approved at your step; now with Dana Director.")
    manager.context.close()
    page.reload()
    expect(page.locator("li", has_text=CITATION)).to_contain_text("Waiting for Dana Director")

    director = as_person(browser, page, "director@example.com")
    approve_step(director, f"Approved: Casey Colleague receives {AWARD}.")
    director.goto("/reviews")
    director.get_by_role("link", name="Casey Colleague", exact=True).click()
    expect(director.get_by_role("main")).to_contain_text(WORDS)
    expect(director.get_by_role("button", name="Print")).to_be_visible()
    shot(director, "packet")
    director.context.close()

    page.goto("/recognition")
    award = page.locator("li.wall-award", has_text=CITATION)
    expect(award).to_contain_text(WORDS)
    button = award.get_by_role("button", name=re.compile("^Celebrate"))
    count = award.locator("[data-celebrate-count]")
    expect(count).to_have_text("0")
    button.click()
    expect(count).to_have_text("1")
    expect(award.get_by_role("button", name=re.compile("^Celebrate"))).to_be_focused()
    expect(award.get_by_role("button", name=re.compile("^Celebrate"))).to_have_attribute(
        "aria-pressed", "true"
    )
    award.get_by_role("textbox", name="Comment").fill("So proud of you, Casey!")
    award.get_by_role("button", name=re.compile("^Post comment")).click()
    expect(award.locator(".comment-list")).to_contain_text("So proud of you, Casey!")
    assert_accessible(page)
    shot(page, "wall")

    # Without JavaScript the same button posts and comes back to the award.
    colleague = as_person(browser, page, "colleague@example.com", javascript=False)
    colleague.goto("/recognition")
    plain = colleague.locator("li.wall-award", has_text=CITATION)
    plain.get_by_role("button", name=re.compile("^Celebrate")).click()
    expect(
        colleague.locator("li.wall-award", has_text=CITATION).locator("[data-celebrate-count]")
    ).to_have_text("2")
    colleague.goto("/notifications")
    expect(colleague.get_by_role("main")).to_contain_text(
        f"You received {AWARD} from Emery Employee."
    )
    colleague.context.close()  # (axe needs JavaScript: it checks the next page)

    page.goto("/notifications")
    expect(page.get_by_role("main")).to_contain_text(
        f"Dana Director approved your nomination of Casey Colleague: Casey Colleague received "
        f"{AWARD}."
    )
    expect(page.get_by_role("main")).to_contain_text("and 1 earlier update")
    assert_accessible(page)
    shot(page, "notifications")
