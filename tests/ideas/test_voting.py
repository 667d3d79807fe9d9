from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.core.errors import DomainError, NotFound
from portal.ideas.models import Follow, IdeaStatus, Vote, hot_score
from portal.ideas.services.voting import cast_vote, follow_idea, unfollow_idea, withdraw_vote


def vote_rows(db, idea_id: int) -> int:
    return db.scalar(select(func.count()).select_from(Vote).where(Vote.idea_id == idea_id))


def test_a_vote_counts_once_however_often_it_is_cast(db, employee, make_user, make_idea):
    idea = make_idea(employee)
    voter = make_user()
    assert cast_vote(db, voter, idea.id) == 1
    assert cast_vote(db, voter, idea.id) == 1
    db.commit()
    db.refresh(idea)
    assert idea.vote_count == 1 == vote_rows(db, idea.id)


def test_withdrawing_twice_changes_nothing_more(db, employee, make_user, make_idea):
    idea = make_idea(employee)
    voter, other = make_user(), make_user()
    cast_vote(db, voter, idea.id)
    cast_vote(db, other, idea.id)
    assert withdraw_vote(db, voter, idea.id) == 1
    assert withdraw_vote(db, voter, idea.id) == 1
    db.commit()
    db.refresh(idea)
    assert idea.vote_count == 1 == vote_rows(db, idea.id)


def test_the_hot_score_follows_the_votes(db, employee, make_user, make_idea):
    idea = make_idea(employee)
    for _ in range(10):
        cast_vote(db, make_user(), idea.id)
    db.commit()
    db.refresh(idea)
    assert idea.hot_score == pytest.approx(hot_score(10, idea.submitted_at))
    assert hot_score(10, idea.submitted_at) == pytest.approx(hot_score(1, idea.submitted_at) + 1)


def test_no_vote_on_your_own_idea(db, employee, make_idea):
    idea = make_idea(employee)
    with pytest.raises(DomainError, match="your own idea"):
        cast_vote(db, employee, idea.id)


def test_no_vote_on_an_idea_you_co_wrote(db, login_as, employee, make_user, make_idea):
    co_author = make_user("co.author@example.com")
    outsider = make_user()
    idea = make_idea(employee, co_author_emails=(co_author.email,))
    client = login_as(co_author)
    for url in (f"/ideas/{idea.id}", "/ideas"):
        html = client.get(url).get_data(as_text=True)
        assert "data-vote-count" in html and ">Vote<" not in html, url
    client.post("/logout")
    assert ">Vote<" in login_as(outsider).get(f"/ideas/{idea.id}").get_data(as_text=True)
    with pytest.raises(DomainError, match="co-wrote"):
        cast_vote(db, co_author, idea.id)
    assert vote_rows(db, idea.id) == 0


@pytest.mark.parametrize(
    "status", [IdeaStatus.DECLINED, IdeaStatus.IMPLEMENTED, IdeaStatus.DUPLICATE]
)
def test_no_votes_on_closed_ideas(db, employee, make_user, make_idea, status):
    idea = make_idea(employee)
    original = make_idea(employee, "The original")
    idea.status = status
    idea.duplicate_of_id = original.id if status is IdeaStatus.DUPLICATE else None
    db.commit()
    with pytest.raises(DomainError, match="no more votes"):
        cast_vote(db, make_user(), idea.id)


def test_drafts_cannot_be_voted_on_or_seen(db, employee, make_user, make_idea):
    idea = make_idea(employee, draft=True)
    with pytest.raises(NotFound):
        cast_vote(db, make_user(), idea.id)


def test_voters_follow_automatically_and_may_unfollow(db, employee, make_user, make_idea):
    idea = make_idea(employee)
    voter = make_user()
    cast_vote(db, voter, idea.id)
    assert db.get(Follow, (idea.id, voter.id)) is not None
    unfollow_idea(db, voter, idea.id)
    assert db.get(Follow, (idea.id, voter.id)) is None
    follow_idea(db, voter, idea.id)
    follow_idea(db, voter, idea.id)
    assert db.get(Follow, (idea.id, voter.id)) is not None
