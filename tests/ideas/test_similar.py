"""Similar ideas find rewordings (stems, word order, trigram on PostgreSQL), best first."""

from __future__ import annotations

from portal.ideas.queries.similar import list_similar_ideas, similar_terms
from portal.ideas.services.submitting import update_idea
from tests.ideas.conftest import complete_input


def titles(db, viewer, title: str, problem: str = "", **kwargs) -> list[str]:
    return [idea.title for idea in list_similar_ideas(db, viewer.id, title, problem, **kwargs)]


def test_a_reworded_title_finds_the_idea_first(db, employee, make_user, make_idea) -> None:
    make_idea(employee, "Due-date reminders by text message", problem="Members forget to pay.")
    make_idea(employee, "Text the branch opening hours", problem="People call to ask.")
    make_idea(employee, "Call back instead of holding")
    viewer = make_user()

    found = titles(db, viewer, "text reminder before the due date")
    assert found[0] == "Due-date reminders by text message"
    assert "Call back instead of holding" not in found
    assert titles(db, viewer, "Remind members by SMS", "they forget the due date")[0] == (
        "Due-date reminders by text message"
    )
    assert titles(db, viewer, "Holding music is too loud") == []


def test_the_problem_typed_counts_and_only_one_shared_word_is_not_enough(
    db, employee, make_user, make_idea
) -> None:
    make_idea(
        employee, "Paperless statements", problem="Customers lose paper statements in the post."
    )
    viewer = make_user()
    assert titles(db, viewer, "Lost letters", "statements get lost in the post") == [
        "Paperless statements"
    ]
    assert titles(db, viewer, "Statements in braille") == []


def test_drafts_duplicates_and_the_idea_itself_are_left_out(
    db, employee, make_user, make_idea, category
) -> None:
    draft = make_idea(employee, "Weekend chat support hours", draft=True)
    shown = make_idea(employee, "Chat support at weekends")
    viewer = make_user()
    assert titles(db, viewer, "weekend chat support") == ["Chat support at weekends"]
    assert titles(db, viewer, "weekend chat support", exclude_id=shown.id) == []
    assert draft.id not in [i.id for i in list_similar_ideas(db, employee.id, "weekend chat")]

    update_idea(db, employee, shown.id, complete_input(category, "Faster mortgage letters"))
    db.commit()
    assert titles(db, viewer, "weekend chat support") == []
    assert titles(db, viewer, "mortgage letter") == ["Faster mortgage letters"]


def test_at_most_five_and_search_syntax_is_plain_words(db, employee, make_user, make_idea) -> None:
    for number in range(7):
        make_idea(employee, f"Queue callback option {number}")
    viewer = make_user()
    assert len(titles(db, viewer, "callback queue")) == 5
    for typed in (
        '"queue" OR callback*',
        "queue'); DROP TABLE callback; --",
        "NEAR(queue callback)",
    ):
        assert len(titles(db, viewer, typed)) == 5
    assert titles(db, viewer, "the and of") == []


def test_terms_drop_stop_words_and_repeats() -> None:
    assert similar_terms("Text reminder before the due date", "the date") == [
        "text",
        "reminder",
        "due",
        "date",
    ]


def test_misspelt_titles_are_found_by_trigrams_on_postgresql_only(
    db, database, employee, make_user, make_idea
) -> None:
    make_idea(employee, "Paperless statements")
    # pg_trgm forgives typos; SQLite's stemmer matches whole words only.
    expected = ["Paperless statements"] if database.dialect == "postgresql" else []
    assert titles(db, make_user(), "Paperles statments") == expected
