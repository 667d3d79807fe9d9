import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from portal.demo.organisation import DEMO_PASSWORD
from tests.e2e.conftest import DESKTOP_ONLY, AccessibilityCheck, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_data")]


def test_sign_in_see_home_and_sign_out(page: Page) -> None:
    sign_in(page, "employee@example.com")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Emery Employee")
    expect(page.get_by_role("main")).to_contain_text("Morgan Manager")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))


def test_wrong_password_keeps_the_email_and_explains(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill("employee@example.com")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    expect(page.get_by_label("Email")).to_have_value("employee@example.com")


@DESKTOP_ONLY
def test_sign_in_page_is_accessible(page: Page, assert_accessible: AccessibilityCheck) -> None:
    page.goto("/login")
    assert_accessible(page)


@DESKTOP_ONLY
def test_home_page_is_accessible(page: Page, assert_accessible: AccessibilityCheck) -> None:
    sign_in(page, "manager@example.com")
    assert_accessible(page)


def test_admin_users_page_is_accessible_and_searchable(
    page: Page, assert_accessible: AccessibilityCheck
) -> None:
    sign_in(page, "admin@example.com")
    page.goto("/admin/users")
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    assert_accessible(page)
    page.get_by_label("Search people").fill("Casey")
    expect(page.get_by_role("cell", name="colleague@example.com")).to_be_visible()
    expect(page.get_by_role("cell", name="employee@example.com")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=Casey"))


def test_keyboard_user_can_skip_to_main_content(page: Page) -> None:
    sign_in(page, "employee@example.com")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


@pytest.fixture
def strict_sign_in_limits(app: Flask) -> Iterator[None]:
    saved = app.config["LOGIN_LIMIT_PER_ACCOUNT"]
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    yield
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = saved


def try_to_sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.usefixtures("strict_sign_in_limits")
def test_a_stranger_cannot_lock_a_colleague_out_of_their_own_browser(
    page: Page, browser: Browser, base_url: str, assert_accessible: AccessibilityCheck
) -> None:
    sign_in(page, "colleague@example.com")
    page.get_by_role("button", name="Sign out").click()
    stranger = browser.new_context(base_url=base_url).new_page()
    for _ in range(3):
        try_to_sign_in(stranger, "colleague@example.com", "a guess")
    try_to_sign_in(stranger, "colleague@example.com", DEMO_PASSWORD)
    expect(stranger.get_by_role("alert")).to_contain_text("Too many failed sign-ins")
    assert_accessible(stranger)
    stranger.context.close()
    sign_in(page, "colleague@example.com")


def test_the_import_preview_summarises_problems(
    page: Page, assert_accessible: AccessibilityCheck
) -> None:
    sign_in(page, "admin@example.com")
    page.goto("/admin/users/import")
    rows = "".join(f"p{n}@example.com,P {n},,,ghost@example.com,\n" for n in range(150))
    page.get_by_label("Org chart CSV file").set_input_files(
        files=[
            {
                "name": "org.csv",
                "mimeType": "text/csv",
                "buffer": ("email,name,title,department,manager_email,role\n" + rows).encode(),
            }
        ]
    )
    page.get_by_role("button", name="Preview import").click()
    expect(page.get_by_role("alert")).to_contain_text("The file has 150 problem(s).")
    expect(page.get_by_role("heading", name="The first 100 problems")).to_be_visible()
    expect(
        page.get_by_role("list", name="The first 100 problems").get_by_role("listitem")
    ).to_have_count(100)
    assert_accessible(page)
