"""The wall as a social feed: celebrations (one per person, a toggle that survives double
clicks), short comments, the customer's words, and a fixed number of statements."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.core.errors import DomainError, NotFound
from portal.recognition.models import AwardComment, Celebration, Nomination, RecognitionPreference
from portal.recognition.queries.wall import list_wall
from portal.recognition.services.deciding import Decision, decide_nomination
from portal.recognition.services.social import celebrate, comment_on_award
from tests.recognition.conftest import Org
from tests.recognition.test_views import BASE, submit


def approved(db: Session, org: Org, award, nominee=None, **extra) -> Nomination:
    nominee = nominee or org.colleague
    approver = org.manager if nominee.manager_id == org.manager.id else org.other_manager
    nomination = submit(db, org.employee, nominee, award, **extra)
    decide_nomination(db, approver, nomination.id, Decision.APPROVE, version=1, base_url=BASE)
    db.commit()
    return nomination


def celebrations(db: Session) -> int:
    count = db.scalar(select(func.count()).select_from(Celebration)) or 0
    db.commit()
    return count


def test_celebrating_twice_keeps_one_and_taking_it_back_removes_it(db, org: Org, spot, cycle):
    nomination = approved(db, org, spot)
    first = celebrate(db, org.outsider, nomination.id, celebrating=True)
    again = celebrate(db, org.outsider, nomination.id, celebrating=True)
    assert (first.count, again.count, again.celebrated) == (1, 1, True)
    assert celebrate(db, org.manager, nomination.id, celebrating=True).count == 2
    back = celebrate(db, org.outsider, nomination.id, celebrating=False)
    assert (back.count, back.celebrated) == (1, False)


def test_only_approved_awards_the_viewer_may_see_are_celebrated(db, org: Org, spot, cycle):
    pending = submit(db, org.employee, org.colleague, spot)
    with pytest.raises(NotFound):
        celebrate(db, org.outsider, pending.id, celebrating=True)
    nomination = approved(db, org, spot, nominee=org.outsider)
    db.add(RecognitionPreference(user_id=org.outsider.id, hidden_from_colleagues=True))
    db.commit()
    with pytest.raises(NotFound):
        celebrate(db, org.colleague, nomination.id, celebrating=True)
    with pytest.raises(NotFound):
        comment_on_award(db, org.colleague, nomination.id, "Well done!")


def test_comments_are_short_plain_text(db, org: Org, spot, cycle):
    nomination = approved(db, org, spot)
    comment = comment_on_award(db, org.outsider, nomination.id, "  Well\n\n done,  Casey! ")
    assert comment.body == "Well done, Casey!"
    for body in ("   ", "x" * 281):
        with pytest.raises(DomainError) as refused:
            comment_on_award(db, org.outsider, nomination.id, body)
        assert refused.value.field == "comment"


def test_the_wall_shows_counts_my_celebration_words_and_latest_comments(db, org: Org, spot, cycle):
    nomination = approved(db, org, spot, customer_words="She saved my holiday!")
    celebrate(db, org.outsider, nomination.id, celebrating=True)
    for number in range(5):
        comment_on_award(db, org.outsider, nomination.id, f"Comment {number}")
    db.commit()
    [item] = list_wall(db, org.outsider).items
    assert (item.celebrations, item.celebrated, item.comment_count) == (1, True, 5)
    assert [comment.body for comment in item.comments] == ["Comment 2", "Comment 3", "Comment 4"]
    assert list_wall(db, org.manager).items[0].celebrated is False
    assert item.card.customer_words == "She saved my holiday!"


def test_celebrate_with_htmx_swaps_the_button_and_without_redirects(
    login_as, db, org: Org, spot, cycle
):
    nomination = approved(db, org, spot, customer_words="She saved my holiday!")
    client = login_as(org.outsider)
    wall = client.get("/recognition").get_data(as_text=True)
    assert "data-celebrate-count>0<" in wall and "She saved my holiday!" in wall
    assert 'class="avatar" aria-hidden="true">CC<' in wall
    url = f"/recognition/awards/{nomination.id}/celebrate"
    fragment = client.post(url, data={"celebrate": "1"}, headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body
    assert "data-celebrate-count>1<" in body and 'aria-pressed="true"' in body
    assert f'id="celebrate-{nomination.id}"' in body
    # The page says which way the button goes: a double click repeats, never undoes.
    assert client.post(url, data={"celebrate": "1"}, headers={"HX-Request": "true"}).status_code
    assert celebrations(db) == 1
    response = client.post(url, data={"celebrate": "0"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/recognition#nomination-{nomination.id}"
    assert celebrations(db) == 0
    assert client.post(url, data={"celebrate": "maybe"}).status_code == 422


def test_commenting_posts_and_redirects_and_refusals_show_a_message(
    login_as, db, org: Org, spot, cycle
):
    nomination = approved(db, org, spot)
    client = login_as(org.outsider)
    url = f"/recognition/awards/{nomination.id}/comments"
    page = client.post(url, data={"comment": "Brilliant work"}, follow_redirects=True)
    assert "Brilliant work" in page.get_data(as_text=True)
    page = client.post(url, data={"comment": "  "}, follow_redirects=True)
    assert "Write a few words of congratulation." in page.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(AwardComment)) == 1
    db.commit()
    assert (
        client.post("/recognition/awards/999999/comments", data={"comment": "x"}).status_code == 404
    )


def test_the_wall_and_my_nominations_run_a_fixed_number_of_statements(
    login_as, db, org: Org, spot, cycle, count_statements, make_user
):
    client = login_as(org.employee)

    def statements(url: str) -> int:
        with count_statements() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    def add_awards(first: int, last: int) -> None:
        for number in range(first, last):
            nominee = make_user(f"busy{number}@example.com", manager=org.manager)
            nomination = approved(db, org, spot, nominee=nominee)
            celebrate(db, org.outsider, nomination.id, celebrating=True)
            for _ in range(4):
                comment_on_award(db, org.outsider, nomination.id, "Well done")
            submit(
                db,
                org.employee,
                make_user(f"waiting{number}@example.com", manager=org.manager),
                spot,
            )
        db.commit()

    add_awards(0, 1)
    wall, mine = statements("/recognition"), statements("/recognition/mine")
    add_awards(1, 8)
    assert (statements("/recognition"), statements("/recognition/mine")) == (wall, mine)


def test_commenting_with_htmx_swaps_the_comments_and_keeps_a_refusal_inside(
    login_as, db, org: Org, spot, cycle
):
    nomination = approved(db, org, spot)
    client = login_as(org.outsider)
    url = f"/recognition/awards/{nomination.id}/comments"
    htmx = {"HX-Request": "true"}
    body = client.post(url, data={"comment": "Bravo"}, headers=htmx).get_data(as_text=True)
    assert body.startswith("{#") is False and "<html" not in body
    assert f'id="award-comments-{nomination.id}"' in body and "Bravo" in body
    refused = client.post(url, data={"comment": " "}, headers=htmx)
    assert refused.status_code == 200
    assert 'role="alert">Write a few words of congratulation.' in refused.get_data(as_text=True)
