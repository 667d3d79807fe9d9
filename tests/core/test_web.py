"""The shared render(): full page, htmx fragment, and htmx history restores."""

from __future__ import annotations

from flask.testing import FlaskClient

from portal.accounts.models import User


def test_render_gives_htmx_the_fragment_and_a_browser_the_page(login_as, employee: User):
    client: FlaskClient = login_as(employee)
    page = client.get("/people")
    fragment = client.get("/people", headers={"HX-Request": "true"})
    assert "<html" in page.get_data(as_text=True)
    assert fragment.get_data(as_text=True).lstrip().startswith('<section id="people-results"')
    assert "HX-Request" in page.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]


def test_a_history_restore_request_gets_the_whole_page(login_as, employee: User):
    response = login_as(employee).get(
        "/people",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" in response.get_data(as_text=True)
    assert "HX-History-Restore-Request" in response.headers["Vary"]


def test_a_history_restore_of_a_refused_page_gets_the_whole_error_page(login_as, employee: User):
    response = login_as(employee).get(
        "/admin/users",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert response.status_code == 403
    assert "<html" in response.get_data(as_text=True)
    assert "HX-Retarget" not in response.headers
