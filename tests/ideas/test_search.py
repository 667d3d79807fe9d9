"""Search follows an idea's texts: SQLite's FTS5 triggers, PostgreSQL's generated column."""

from __future__ import annotations

from sqlalchemy import select

from portal.ideas.models import Idea
from portal.ideas.search import matches_search
from portal.ideas.services.submitting import update_idea
from tests.ideas.conftest import complete_input


def found(db, query: str) -> list[int]:
    return db.scalars(select(Idea.id).where(matches_search(db, query))).all()


def test_an_edited_idea_is_found_by_its_new_words_and_not_its_old_ones(
    db, employee, make_idea, category
) -> None:
    idea = make_idea(employee, solution="Send a carrier pigeon with the renewal letter.")
    other = make_idea(employee, "Another idea")
    assert found(db, "pigeon") == [idea.id]

    update_idea(
        db,
        employee,
        idea.id,
        complete_input(category, solution="Wave semaphore flags from the branch roof."),
    )
    db.commit()

    assert found(db, "semaphore flags") == [idea.id]
    assert found(db, "pigeon") == []
    assert found(db, "carrier") == []
    assert set(found(db, "minutes")) == {idea.id, other.id}


def test_quotes_and_search_syntax_in_a_query_are_plain_words(login_as, employee, make_idea) -> None:
    make_idea(employee, "Call O'Brien back about the 100% refund")
    client = login_as(employee)
    for query in ("O'Brien", "O'Brien'); DROP TABLE ideas; --", '"100" OR refund*', "AND NOT"):
        response = client.get("/ideas", query_string={"q": query})
        assert response.status_code == 200
    html = client.get("/ideas", query_string={"q": "o'brien 100%"}).get_data(as_text=True)
    assert "Call O&#39;Brien back" in html
