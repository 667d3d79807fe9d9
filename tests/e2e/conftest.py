"""Browser tests: the portal served over real HTTP, driven in Debian's Chromium by Playwright."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    expect,
    sync_playwright,
)
from werkzeug.serving import make_server

from portal.core.db import get_database
from portal.demo.load import load_demo_data
from portal.demo.organisation import DEMO_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-4.11.0.min.js").read_text()
# Closed network: keep Chromium from reaching out for updates, sync, metrics.
CHROMIUM_ARGS = [
    "--headless=new",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def base_url(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def demo_snapshot() -> Iterator[sqlite3.Connection]:
    """The demo organisation as loaded once, kept in memory to copy into each test's database."""
    snapshot = sqlite3.connect(":memory:")
    yield snapshot
    snapshot.close()


@pytest.fixture
def demo_data(app: Flask, clean_state: None, demo_snapshot: sqlite3.Connection) -> None:
    """The demo organisation in the (empty) test database.

    On SQLite it is loaded once and copied page by page for every later test, which costs
    milliseconds instead of a full load through the models.
    """
    database = get_database(app)
    if database.dialect != "sqlite":
        with database.session_scope() as session:
            load_demo_data(session)
        return
    live = sqlite3.connect(database.engine.url.database)
    try:
        if demo_snapshot.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            demo_snapshot.backup(live)
        else:
            with database.session_scope() as session:
                load_demo_data(session)
            live.backup(demo_snapshot)
    finally:
        live.close()


# An axe check of one page runs at desktop width only: test_layout runs axe on every page at
# phone width.
DESKTOP_ONLY = pytest.mark.parametrize("viewport", [DESKTOP], ids=["desktop"])


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def viewport(request: pytest.FixtureRequest) -> dict[str, int]:
    return request.param


@pytest.fixture
def page(browser: Browser, base_url: str, viewport: dict[str, int]) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, viewport=viewport)
    page = context.new_page()
    problems: list[str] = []

    def watch_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.on("console", watch_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    context.close()
    # A Content-Security-Policy violation or script error fails the test that caused it.
    assert problems == []


PageMaker = Callable[..., Page]
HTTP_ERROR = "Failed to load resource: the server responded with a status of"


@pytest.fixture
def new_page(browser: Browser, base_url: str) -> Iterator[PageMaker]:
    """Pages in browser contexts of one's choosing (color_scheme="dark",
    java_script_enabled=False, a viewport...), with the same watch for script errors."""
    contexts: list[BrowserContext] = []
    problems: list[str] = []

    def make(*, http_errors_expected: bool = False, **options: object) -> Page:
        context = browser.new_context(base_url=base_url, **options)  # type: ignore[arg-type]
        contexts.append(context)
        page = context.new_page()

        def watch_console(message: ConsoleMessage) -> None:
            expected = http_errors_expected and message.text.startswith(HTTP_ERROR)
            if message.type == "error" and not expected:
                problems.append(message.text)

        page.on("console", watch_console)
        page.on("pageerror", lambda error: problems.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert problems == []


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def follow_main_link(page: Page, name: str) -> None:
    """Click a link of the main navigation, opening the phone's menu first when it is folded."""
    # Until portal.js has run, "Menu" is still the no-JS link, not the button.
    page.wait_for_load_state()
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


def serious_accessibility_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the current page, one line each."""
    page.evaluate(AXE_SOURCE)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} -> "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


AccessibilityCheck = Callable[[Page], None]


@pytest.fixture
def assert_accessible() -> AccessibilityCheck:
    def check(page: Page) -> None:
        assert serious_accessibility_violations(page) == []

    return check
