"""The review paths the demo data walks are read from the ideas' state table."""

from __future__ import annotations

import itertools

from portal.demo.review_paths import REVIEW_PATHS
from portal.ideas.models import IdeaStatus
from portal.ideas.rules import TRANSITIONS


def test_every_status_after_submission_has_a_path_of_allowed_moves() -> None:
    assert set(REVIEW_PATHS) == set(IdeaStatus) - {IdeaStatus.DRAFT}
    for status, path in REVIEW_PATHS.items():
        walk = (IdeaStatus.SUBMITTED, *path)
        assert walk[-1] is status
        for before, after in itertools.pairwise(walk):
            assert after in TRANSITIONS[before]


def test_each_path_is_the_shortest_the_table_allows() -> None:
    for status, path in REVIEW_PATHS.items():
        for shorter in range(len(path)):
            reachable = {IdeaStatus.SUBMITTED}
            for _ in range(shorter):
                reachable |= {after for before in reachable for after in TRANSITIONS[before]}
            assert status not in reachable or status is IdeaStatus.SUBMITTED
    assert REVIEW_PATHS[IdeaStatus.IMPLEMENTED] == (
        IdeaStatus.UNDER_REVIEW,
        IdeaStatus.APPROVED,
        IdeaStatus.IN_PROGRESS,
        IdeaStatus.IMPLEMENTED,
    )
