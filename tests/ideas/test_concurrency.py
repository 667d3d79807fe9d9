"""Many people voting at once, each in their own session and transaction."""

from __future__ import annotations

import random
import threading

from sqlalchemy import func, select

from portal.ideas.models import Idea, Vote
from portal.ideas.services.voting import cast_vote, withdraw_vote
from portal.leaderboards.rollups import verify_rollups

THREADS = 12
ROUNDS = 6


def test_concurrent_votes_stay_exact(db, database, make_user, make_idea, employee):
    ideas = [make_idea(employee, f"Concurrent idea {number}") for number in range(3)]
    voters = [make_user() for _ in range(THREADS)]
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def vote_a_lot(voter_id: int, seed: int) -> None:
        chooser = random.Random(seed)
        try:
            start.wait()
            for _ in range(ROUNDS):
                for idea in ideas:
                    with database.write_sessions() as session:
                        voter = session.get(type(employee), voter_id)
                        action = cast_vote if chooser.random() < 0.6 else withdraw_vote
                        action(session, voter, idea.id)
                        session.commit()
        except BaseException as error:  # any failure must fail the test, not vanish
            errors.append(error)

    threads = [
        threading.Thread(target=vote_a_lot, args=(voter.id, seed))
        for seed, voter in enumerate(voters)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    db.expire_all()
    for idea in ideas:
        distinct = db.scalar(
            select(func.count(func.distinct(Vote.voter_id))).where(Vote.idea_id == idea.id)
        )
        assert db.get(Idea, idea.id).vote_count == distinct
    assert verify_rollups(db) == []  # the voters' activity rows too
