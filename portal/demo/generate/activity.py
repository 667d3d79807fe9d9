"""Votes, comments and follows on the generated ideas, and the counters they add up to."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime

from portal.core.markdown import render_markdown
from portal.demo.generate.ideas import CO_AUTHORS, DRAFT_OR_DUPLICATE, IDEAS, PlannedIdea
from portal.demo.generate.plan import Plan, moment_between, table_of
from portal.ideas.models import Comment, Follow, Vote, hot_score

ZIPF_EXPONENT = 1.0
COMMENT_TEXTS = [
    "Members ask me about this every week.",
    "We tried something similar in my last team and it worked well.",
    "How would this work for members abroad?",
    "Happy to help test this.",
    "This would save a lot of repeat calls.",
    "Could we start with a pilot in one region?",
]
# Rendered once, by the function the services use, rather than once per generated comment.
COMMENT_HTML = {text: str(render_markdown(text)) for text in COMMENT_TEXTS}
VOTES = table_of(Vote)
COMMENTS = table_of(Comment)
FOLLOWS = table_of(Follow)


def zipf_shares(total: int, count: int, cap: int, rng: random.Random) -> list[int]:
    """`total` split over `count` slots by a Zipf law, none above `cap`, in random order."""
    weights = [1 / (rank**ZIPF_EXPONENT) for rank in range(1, count + 1)]
    shares = [0] * count
    left = min(total, cap * count)
    while left > 0:
        open_slots = [index for index in range(count) if shares[index] < cap]
        weight_sum = sum(weights[index] for index in open_slots)
        given = 0
        for index in open_slots:
            extra = min(cap - shares[index], int(left * weights[index] / weight_sum))
            shares[index] += extra
            given += extra
        if given == 0:  # the rounding remainder goes to the most popular open slots
            for index in open_slots[:left]:
                shares[index] += 1
            given = min(left, len(open_slots))
        left -= given
    rng.shuffle(shares)
    return shares


def plan_votes(
    plan: Plan,
    rng: random.Random,
    total: int,
    ideas: list[PlannedIdea],
    people: int,
    now: datetime,
) -> None:
    """Votes skewed towards popular ideas, never by the author, one per person per idea,
    cast while the idea was open (drafts and merged duplicates hold none)."""
    open_ideas = [idea for idea in ideas if idea.status not in DRAFT_OR_DUPLICATE]
    if not open_ideas or people < 2:
        return
    shares = zipf_shares(total, len(open_ideas), people - 1, rng)
    rows = plan.rows[VOTES]
    for idea, share in zip(open_ideas, shares, strict=True):
        voters = [
            voter
            for voter in rng.sample(range(1, people + 1), share + 1)
            if voter != idea.author_id
        ][:share]
        idea.voters = voters
        end = idea.closed_at or now
        rows.extend(
            {
                "idea_id": idea.id,
                "voter_id": voter,
                "created_at": moment_between(rng, idea.opened_at, end),
            }
            for voter in voters
        )


def plan_comments(
    plan: Plan,
    rng: random.Random,
    total: int,
    ideas: list[PlannedIdea],
    people: int,
    now: datetime,
) -> dict[int, set[int]]:
    """Comments, more of them on ideas with more votes; returns the commenters per idea."""
    discussed = [idea for idea in ideas if idea.submitted]
    commenters: dict[int, set[int]] = defaultdict(set)
    if not discussed:
        return commenters
    weights = [len(idea.voters) + 1 for idea in discussed]
    rows = plan.rows[COMMENTS]
    for idea in rng.choices(discussed, weights=weights, k=total):
        author = rng.randint(1, people)
        moment = moment_between(rng, idea.opened_at, now)
        idea.comment_count += 1
        idea.last_activity_at = max(idea.last_activity_at, moment)
        commenters[idea.id].add(author)
        body = rng.choice(COMMENT_TEXTS)
        rows.append(
            {
                "idea_id": idea.id,
                "author_id": author,
                "body": body,
                "body_html": COMMENT_HTML[body],
                "official": False,
                "created_at": moment,
            }
        )
    return commenters


def plan_follows(
    plan: Plan, ideas: list[PlannedIdea], commenters: dict[int, set[int]], now: datetime
) -> None:
    """Authors follow on submitting, voters on voting, commenters on commenting; a merged
    duplicate's followers follow the original (as _merge_into_original does)."""
    followers = {
        idea.id: {idea.author_id, *idea.voters, *commenters.get(idea.id, ())}
        for idea in ideas
        if idea.submitted
    }
    for row in plan.rows[IDEAS]:
        if row["duplicate_of_id"] is not None:
            followers[row["duplicate_of_id"]] |= followers[row["id"]]
    plan.add(
        FOLLOWS,
        (
            {"idea_id": idea_id, "user_id": user_id, "created_at": now}
            for idea_id, users in followers.items()
            for user_id in sorted(users)
        ),
    )


def finish_idea_rows(plan: Plan, ideas: list[PlannedIdea]) -> None:
    """Counters and the trending score exactly as the services leave them."""
    for idea, row in zip(ideas, plan.rows[IDEAS], strict=True):
        row["vote_count"] = len(idea.voters)
        row["comment_count"] = idea.comment_count
        row["last_activity_at"] = idea.last_activity_at
        row["hot_score"] = hot_score(len(idea.voters), idea.opened_at) if idea.submitted else 0.0
    unique_co_authors = {(row["idea_id"], row["user_id"]): row for row in plan.rows[CO_AUTHORS]}
    plan.rows[CO_AUTHORS] = list(unique_co_authors.values())
