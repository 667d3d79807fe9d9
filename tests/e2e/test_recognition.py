import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DESKTOP_ONLY, AccessibilityCheck, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_data")]

CITATION = "Stayed on the line for an hour to rebook a stranded member's flights."


def nominate_colleague(page: Page) -> None:
    page.goto("/recognition/nominate")
    page.get_by_label("Colleague", exact=True).fill("colleague@example.com")
    page.get_by_role("group", name="Award").get_by_role(
        "radio", name=re.compile("Customer Hero")
    ).check()
    page.get_by_role("group", name="Traits").get_by_label("Patience").check()
    page.get_by_role("group", name="Traits").get_by_label("Empathy").check()
    page.get_by_label("What did they do?").fill(CITATION)
    page.get_by_role("button", name="Submit nomination").click()


def other_person(browser: Browser, page: Page) -> Page:
    base = re.match(r"https?://[^/]+", page.url).group(0)
    return browser.new_context(base_url=base, viewport=page.viewport_size).new_page()


def test_nominate_approve_and_see_the_award(page: Page, browser: Browser) -> None:
    sign_in(page, "employee@example.com")
    nominate_colleague(page)
    expect(page.locator("#messages")).to_contain_text(re.compile("nominat", re.I))

    approver = other_person(browser, page)
    sign_in(approver, "manager@example.com")
    approver.goto("/recognition/approvals")
    expect(approver.get_by_role("main")).to_contain_text(CITATION)
    # The demo has nominations of its own waiting for the manager: approve this one.
    card = approver.get_by_role("listitem").filter(has_text=CITATION)
    card.get_by_role("button", name="Approve", exact=True).click()
    expect(approver.locator("#messages")).to_contain_text(re.compile("approved", re.I))
    approver.goto("/reviews")
    approver.get_by_role("link", name="Casey Colleague").click()
    expect(approver.get_by_role("main")).to_contain_text(CITATION)
    expect(approver.get_by_role("main")).to_contain_text("Customer Hero")
    approver.context.close()

    page.goto("/people")
    page.get_by_label("Search people").fill("Casey")
    page.get_by_role("link", name="Casey Colleague", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text(CITATION)


@DESKTOP_ONLY
def test_recognition_pages_are_accessible(
    page: Page, assert_accessible: AccessibilityCheck
) -> None:
    sign_in(page, "manager@example.com")
    page.goto("/recognition/nominate")
    assert_accessible(page)
    page.goto("/recognition/approvals")
    assert_accessible(page)
    page.goto("/reviews")
    page.get_by_role("link", name="Casey Colleague").click()
    assert_accessible(page)


@DESKTOP_ONLY
def test_leaderboard_is_accessible(page: Page, assert_accessible: AccessibilityCheck) -> None:
    sign_in(page, "admin@example.com")
    page.goto("/admin/leaderboards")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
