"""The review steps that lead a submitted idea to each status, from the ideas' state table."""

from __future__ import annotations

from collections import deque

from portal.ideas.models import IdeaStatus
from portal.ideas.rules import TRANSITIONS


def shortest_review_paths() -> dict[IdeaStatus, tuple[IdeaStatus, ...]]:
    """For each status a submitted idea can reach, the fewest moves that reach it.

    Moves are tried in the statuses' declared order, so the paths never depend on set order.
    """
    paths: dict[IdeaStatus, tuple[IdeaStatus, ...]] = {IdeaStatus.SUBMITTED: ()}
    waiting = deque([IdeaStatus.SUBMITTED])
    while waiting:
        status = waiting.popleft()
        for following in IdeaStatus:
            if following in TRANSITIONS[status] and following not in paths:
                paths[following] = (*paths[status], following)
                waiting.append(following)
    return paths


REVIEW_PATHS = shortest_review_paths()
