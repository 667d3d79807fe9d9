import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DESKTOP_ONLY, AccessibilityCheck, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_data")]


def submit_idea(page: Page, title: str) -> str:
    page.goto("/ideas/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Customer problem").fill("Members wait **twenty minutes** on hold.")
    page.get_by_label("Proposed solution").fill("Offer a call-back instead of holding.")
    page.get_by_label("Expected customer impact").fill("Hold time falls; satisfaction rises.")
    page.get_by_label("Customer channel").select_option("phone")
    page.get_by_label("Category").select_option(index=1)
    page.get_by_role("button", name="Submit idea").click()
    expect(page).to_have_url(re.compile(r"/ideas/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return page.url


def new_page(browser: Browser, page: Page) -> Page:
    """A second person in their own browser context, same size as the first."""
    context = browser.new_context(base_url=page.url.split("/ideas")[0], viewport=page.viewport_size)
    return context.new_page()


def test_submit_vote_and_review_to_implemented(page: Page, browser: Browser) -> None:
    sign_in(page, "employee@example.com")
    idea_url = submit_idea(page, "Call-backs instead of hold music")
    expect(page.locator("strong", has_text="twenty minutes")).to_be_visible()

    voter = new_page(browser, page)
    sign_in(voter, "colleague@example.com")
    voter.goto(idea_url)
    count = voter.locator("[data-vote-count]")
    expect(count).to_have_text("0")
    voter.evaluate("() => { window.notReloaded = true; }")
    voter.get_by_role("button", name=re.compile(r"^Vote")).click()
    expect(count).to_have_text("1")
    expect(voter.get_by_role("button", name=re.compile(r"^Remove vote"))).to_be_visible()
    voter.get_by_role("button", name=re.compile(r"^Remove vote")).click()
    expect(count).to_have_text("0")
    voter.get_by_role("button", name=re.compile(r"^Vote")).click()
    expect(count).to_have_text("1")
    assert voter.evaluate("() => window.notReloaded === true"), "voting reloaded the page"
    voter.context.close()

    reviewer = new_page(browser, page)
    sign_in(reviewer, "manager@example.com")
    reviewer.goto(idea_url)
    for status, extra in [
        ("under_review", {}),
        ("approved", {"Owner's email": "manager@example.com"}),
        ("in_progress", {}),
        (
            "implemented",
            {
                "What was done": "Call-back offered after two minutes on hold.",
                "Measure": "Average hold time",
                "Unit": "seconds",
                "Before": "1200",
                "After": "240",
                "Measured on": "2026-11-20",
            },
        ),
    ]:
        reviewer.get_by_label("Status").select_option(status)
        reviewer.get_by_label("Note").fill(f"Moving to {status}.")
        for label, value in extra.items():
            reviewer.get_by_label(label, exact=True).fill(value)
        reviewer.get_by_role("button", name="Update status").click()
        expect(reviewer.locator(".timeline")).to_contain_text(f"Moving to {status}.")
    expect(reviewer.get_by_role("main")).to_contain_text("Average hold time")
    reviewer.context.close()

    page.reload()
    expect(page.get_by_role("main")).to_contain_text("Implemented")


@DESKTOP_ONLY
def test_feed_idea_and_form_pages_are_accessible(
    page: Page, assert_accessible: AccessibilityCheck
) -> None:
    sign_in(page, "employee@example.com")
    page.goto("/ideas")
    assert_accessible(page)
    page.goto("/ideas/new")
    assert_accessible(page)
    idea_url = submit_idea(page, "Plain-language letters")
    page.goto(idea_url)
    assert_accessible(page)
