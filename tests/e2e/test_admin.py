import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import AccessibilityCheck, follow_main_link, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_data")]


def test_the_admin_link_leads_to_the_overview_and_each_page_marks_its_section(
    page: Page, assert_accessible: AccessibilityCheck
) -> None:
    sign_in(page, "admin@example.com")
    follow_main_link(page, "Admin")
    expect(page).to_have_url(re.compile(r"/admin$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Admin")
    assert_accessible(page)

    page.get_by_role("list", name="Admin sections").get_by_role("link", name="People").click()
    page.get_by_role("link", name="Edit Emery Employee").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Emery Employee")
    section = page.get_by_role("navigation", name="Admin").locator('[aria-current="page"]')
    expect(section).to_have_text("People")
    assert_accessible(page)
