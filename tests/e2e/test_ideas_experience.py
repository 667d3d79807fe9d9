"""The idea experience in Chromium at 1280 and 390 px: the submit journey with its error
summary and similar ideas, voting by keyboard, the no-JavaScript fallbacks, axe on every idea
page, and the feed's first idea on a phone's first screen."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DESKTOP_ONLY, PHONE, AccessibilityCheck, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_data")]

DEMO_MATCH = "Due-date reminders by text message"


def fill_rest(page: Page) -> None:
    page.get_by_label("Customer problem").fill("Members forget to pay and get a late fee.")
    page.get_by_label("Proposed solution").fill("A text message three days before.")
    page.get_by_label("Expected customer impact").fill("Fewer late fees.")
    page.get_by_label("Customer channel").select_option("mobile_app")
    page.get_by_label("Category").select_option(index=1)


def test_submit_journey_errors_similar_ideas_and_a_vote(
    page: Page, assert_accessible: AccessibilityCheck
) -> None:
    sign_in(page, "colleague@example.com")
    page.goto("/ideas/new")
    page.get_by_role("button", name="Submit idea").click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(6)
    summary.get_by_role("link", name="Choose a category.").click()
    expect(page).to_have_url(re.compile(r"#category$"))
    assert_accessible(page)

    page.get_by_label("Title").press_sequentially("text reminder before the due date")
    match = page.locator("#similar-ideas").get_by_role("link", name=DEMO_MATCH)
    expect(match).to_be_visible()
    expect(page.locator("#similar-status")).to_contain_text("already shared")
    title_box = page.get_by_label("Title").bounding_box()
    submit_box = page.get_by_role("button", name="Submit idea").bounding_box()
    match_box = match.bounding_box()
    assert title_box and submit_box and match_box
    assert (
        title_box["y"] < match_box["y"] < page.get_by_label("Customer problem").bounding_box()["y"]
    )
    assert match_box["y"] < submit_box["y"]

    page.locator("#similar-ideas").get_by_role(
        "button", name=re.compile("^Vote for Due-date")
    ).click()
    voted = page.locator("#similar-ideas .badge", has_text="You voted")
    expect(voted).to_be_focused()
    assert_accessible(page)

    fill_rest(page)
    page.get_by_role("button", name="Submit idea").click()
    expect(page).to_have_url(re.compile(r"/ideas/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("text reminder before the due date")


def test_voting_by_keyboard_keeps_focus_and_announces_the_count(page: Page) -> None:
    sign_in(page, "colleague@example.com")
    page.goto("/ideas")
    page.get_by_role("link", name=DEMO_MATCH).click()
    count = page.locator("[data-vote-count]")
    before = int(count.inner_text())
    page.get_by_role("button", name=re.compile("^Vote")).focus()
    page.keyboard.press("Enter")
    remove = page.get_by_role("button", name=re.compile("^Remove vote"))
    expect(remove).to_be_focused()
    expect(count).to_have_text(str(before + 1))
    expect(page.locator("#vote-status")).to_have_text(f"{before + 1} votes, including yours.")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name=re.compile("^Vote"))).to_be_focused()
    expect(count).to_have_text(str(before))


def test_without_javascript_post_it_anyway_and_the_whole_review_form(
    browser: Browser, base_url: str
) -> None:
    context = browser.new_context(base_url=base_url, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "colleague@example.com")
    page.goto("/ideas/new")
    page.get_by_label("Title").fill("Text reminder before the due date")
    fill_rest(page)
    page.get_by_role("button", name="Submit idea").click()
    expect(page.get_by_role("link", name=DEMO_MATCH)).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Text reminder before the due date")
    expect(page.get_by_label("Proposed solution")).to_have_value(
        "A text message three days before."
    )
    page.get_by_role("button", name="Post it anyway").click()
    expect(page).to_have_url(re.compile(r"/ideas/\d+$"))
    idea_url = page.url
    context.close()

    context = browser.new_context(base_url=base_url, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "manager@example.com")
    page.goto(idea_url)
    for label in [
        "Status",
        "Note",
        "Original idea number",
        "Owner's email",
        "What was done",
        "Measure",
        "Unit",
        "Before",
        "After",
        "Measured on",
    ]:
        expect(page.get_by_label(label, exact=True)).to_be_visible()
    expect(page.get_by_label("Owner's email")).to_have_value("manager@example.com")
    page.get_by_label("Status").select_option("under_review")
    page.get_by_role("button", name="Update status").click()
    expect(page.locator(".timeline")).to_contain_text("Under review")
    context.close()


@DESKTOP_ONLY
def test_review_pages_are_accessible(page: Page, assert_accessible: AccessibilityCheck) -> None:
    sign_in(page, "manager@example.com")
    page.goto("/ideas/review")
    expect(page.get_by_role("heading", level=1)).to_have_text("Idea review")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(DEMO_MATCH)).click()
    expect(page.get_by_label("Status")).to_be_visible()
    assert_accessible(page)
    page.goto("/ideas/insights")
    assert_accessible(page)


def test_the_review_form_shows_what_the_chosen_status_needs(
    browser: Browser, base_url: str
) -> None:
    context = browser.new_context(base_url=base_url, viewport=PHONE)
    page = context.new_page()
    sign_in(page, "manager@example.com")
    page.goto("/ideas/review")
    page.get_by_role("link", name=re.compile(DEMO_MATCH)).click()
    owner = page.get_by_label("Owner's email")
    done = page.get_by_label("What was done")
    original = page.get_by_label("Original idea number")
    page.get_by_label("Status").select_option("under_review")
    for group in (owner, done, original):
        expect(group).to_be_hidden()
    page.get_by_label("Status").select_option("duplicate")
    expect(original).to_be_visible()
    page.get_by_label("Status").select_option("under_review")
    page.get_by_role("button", name="Update status").click()
    page.get_by_label("Status").select_option("approved")
    expect(owner).to_be_visible()
    expect(owner).to_have_value("manager@example.com")
    expect(done).to_be_hidden()
    page.get_by_role("button", name="Update status").click()
    page.get_by_label("Status").select_option("in_progress")
    page.get_by_role("button", name="Update status").click()
    page.get_by_label("Status").select_option("implemented")
    expect(done).to_be_visible()
    expect(owner).to_be_hidden()
    context.close()


def test_on_a_phone_the_first_idea_is_on_the_first_screen(browser: Browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, viewport=PHONE)
    page = context.new_page()
    sign_in(page, "employee@example.com")
    page.goto("/ideas")
    card = page.locator(".idea-card").first
    box = card.bounding_box()
    assert box and box["y"] < PHONE["height"] - 100, box
    summary = page.locator("summary", has_text="Filters")
    expect(summary).to_be_visible()
    expect(page.locator("#feed-status")).to_be_hidden()
    page.goto("/ideas?status=submitted&mine=1")
    expect(page.locator("summary", has_text="Filters")).to_contain_text("(2 in use)")
    page.get_by_label("Voted by me").check()
    expect(page.locator("summary", has_text="Filters")).to_contain_text("(3 in use)")
    context.close()
