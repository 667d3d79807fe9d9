"""The feed's filter form: its three lists in one statement, and none of it for a fragment."""

from __future__ import annotations

from datetime import date

from portal.accounts.models import Department
from portal.ideas.models import Campaign, Category
from portal.ideas.queries.choices import list_categories, list_departments
from portal.ideas.queries.feed import Choice, list_feed_choices


def test_the_filter_lists_come_in_their_own_orders_in_one_statement(db, admin, count_statements):
    db.add_all([Category(name="Web"), Category(name="Branch"), Category(name="Old", active=False)])
    db.add_all([Department(name="Sales"), Department(name="Claims")])
    older = Campaign(
        question="Fewer calls?",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 2, 1),
        created_by_id=admin.id,
    )
    newer = Campaign(
        question="Faster claims?",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 4, 1),
        created_by_id=admin.id,
    )
    db.add_all([older, newer])
    db.commit()

    with count_statements() as counter:
        choices = list_feed_choices(db)

    assert counter.count == 1
    assert choices.categories == [Choice(c.id, c.name) for c in list_categories(db)]
    assert "Old" not in {choice.name for choice in choices.categories}
    assert choices.departments == [Choice(d.id, d.name) for d in list_departments(db)]
    assert choices.campaigns == [
        Choice(newer.id, "Faster claims?"),
        Choice(older.id, "Fewer calls?"),
    ]


def test_the_feed_offers_the_lists_and_its_fragment_skips_them_and_the_layout(
    db, login_as, employee, make_idea, count_statements
):
    make_idea(employee)
    db.add(Category(name="Retired one", active=False))
    db.commit()
    client = login_as(employee)

    page = client.get("/ideas").get_data(as_text=True)
    with count_statements() as whole:
        client.get("/ideas")
    with count_statements() as fragment:
        html = client.get("/ideas", headers={"HX-Request": "true"}).get_data(as_text=True)

    assert "Call handling" in page
    assert "Retired one" not in page
    # The whole page adds the filter lists; the bell and Approvals link come with the person.
    assert fragment.count == whole.count - 1
    assert 'id="feed-category"' not in html
    assert 'id="idea-feed"' in html
