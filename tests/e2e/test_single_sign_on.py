"""Signing in through the OpenID provider's own page in Chromium and landing on home."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, Route, expect

from portal.core.db import get_database
from tests.accounts.sso.conftest import Provider, portal_trusting, provider_app, served
from tests.e2e.conftest import CHROMIUM_ARGS  # noqa: F401 - same browser settings

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("demo_data")]


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with served(provider_app(timedelta(hours=1))) as url:
        yield Provider(url)


@pytest.fixture(scope="module")
def sso_portal_url(app: Flask, provider: Provider) -> Iterator[str]:
    portal = portal_trusting(app, provider.url)
    with served(portal) as url:
        yield url
    get_database(portal).engine.dispose()


def serve_blank_stylesheet(route: Route) -> None:
    """The provider's page links a stylesheet on a CDN; the test machine has no internet."""
    route.fulfill(status=200, content_type="text/css", body="")


@pytest.fixture
def sso_page(browser: Browser, sso_portal_url: str, viewport: dict[str, int]) -> Iterator[Page]:
    context = browser.new_context(base_url=sso_portal_url, viewport=viewport)
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), serve_blank_stylesheet)
    page = context.new_page()
    yield page
    context.close()


def test_sign_in_through_the_provider_page_lands_on_home(
    sso_page: Page, provider: Provider
) -> None:
    provider.add_person(
        "emery-at-idp", email="employee@example.com", email_verified=True, name="Emery"
    )
    sso_page.goto("/login")
    sso_page.get_by_role("button", name="Sign in with single sign-on").click()

    expect(sso_page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    sso_page.get_by_placeholder("sub").fill("emery-at-idp")
    sso_page.get_by_role("button", name="Authorize").click()

    expect(sso_page).to_have_url(re.compile(r"/$"))
    expect(sso_page.get_by_role("heading", level=1)).to_have_text("Welcome, Emery Employee")
    expect(sso_page.get_by_role("button", name="Sign out")).to_be_visible()
