from __future__ import annotations

import pytest

from portal.core.errors import DomainError, Forbidden
from portal.ideas.services.categories import add_category, set_category_active
from portal.ideas.services.submitting import submit_idea
from tests.ideas.conftest import complete_input


def test_admins_add_unique_categories(db, admin, manager):
    with pytest.raises(Forbidden):
        add_category(db, manager, "Accessibility")
    add_category(db, admin, "  Accessibility ")
    with pytest.raises(DomainError, match="already exists") as caught:
        add_category(db, admin, "Accessibility")
    assert caught.value.field == "name"


def test_retired_categories_take_no_new_ideas(db, admin, employee, category):
    set_category_active(db, admin, category.id, False)
    with pytest.raises(DomainError) as caught:
        submit_idea(db, employee, complete_input(category))
    assert caught.value.field == "category"
    set_category_active(db, admin, category.id, True)
    submit_idea(db, employee, complete_input(category))


def test_the_categories_page_adds_and_retires(login_as, admin, category):
    client = login_as(admin)
    response = client.post("/admin/categories", data={"name": "Accessibility"})
    assert response.status_code == 303
    response = client.post("/admin/categories", data={"name": "Accessibility"})
    assert "That category already exists." in response.get_data(as_text=True)
    client.post(f"/admin/categories/{category.id}/active", data={"active": "0"})
    html = client.get("/admin/categories").get_data(as_text=True)
    assert "No (retired)" in html
    assert category.name not in client.get("/ideas/new").get_data(as_text=True)
