import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import AccessibilityCheck, sign_in

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


def test_sign_in_page_is_accessible(page: Page, assert_accessible: AccessibilityCheck) -> None:
    page.goto("/login")
    assert_accessible(page)


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
