"""Integrity under load: many people voting at once, two approvers deciding at once.

100 signed-in people vote and unvote on 10 ideas in parallel against gunicorn with 4 workers
(loopback only, a bounded number of requests and seconds); then every stored vote_count must
equal the distinct voters in the votes table, no request may fail, and the server log must
not mention "database is locked". Then two committee members decide the same nominations at
the same moment: each nomination must get exactly one decision.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.http import Client

ROUNDS = 2  # each person acts twice on each of the 10 ideas: 2,000 requests in all
DEADLINE_SECONDS = 180


def _vote_and_unvote(client: Client, token: str, ideas: list[int], start, stop_at) -> Counter:
    statuses: Counter = Counter()
    headers = {"HX-Request": "true", "X-CSRFToken": token}
    chooser = random.Random()  # noqa: S311 - load pattern, not security
    start.wait()
    for _ in range(ROUNDS):
        for idea_id in chooser.sample(ideas, len(ideas)):
            if time.monotonic() > stop_at:
                statuses["stopped at deadline"] += 1
                return statuses
            action = chooser.choice(("vote", "unvote"))
            try:
                statuses[client.post(f"/ideas/{idea_id}/{action}", {}, **headers).status] += 1
            except OSError as error:
                statuses[f"connection error: {type(error).__name__}"] += 1
    return statuses


def vote_storm(port: int, targets: dict) -> dict:
    voters = targets["voters"]
    ideas = targets["load_ideas"]
    clients = [Client(port) for _ in voters]
    with ThreadPoolExecutor(max_workers=16) as pool:
        tokens = list(
            pool.map(lambda pair: pair[0].sign_in(pair[1]), zip(clients, voters, strict=False))
        )
    start = threading.Barrier(len(clients))
    started = time.monotonic()
    stop_at = started + DEADLINE_SECONDS
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        outcomes = list(
            pool.map(
                lambda pair: _vote_and_unvote(pair[0], pair[1], ideas, start, stop_at),
                zip(clients, tokens, strict=False),
            )
        )
    statuses = sum(outcomes, Counter())
    return {
        "people": len(clients),
        "ideas": ideas,
        "requests": sum(statuses.values()),
        "seconds": round(time.monotonic() - started, 1),
        "statuses": {str(status): number for status, number in sorted(statuses.items(), key=str)},
    }


MISCOUNTED = text(
    """
    SELECT ideas.id, ideas.vote_count, COALESCE(counted.voters, 0)
    FROM ideas LEFT JOIN (
        SELECT idea_id, COUNT(DISTINCT voter_id) AS voters FROM votes GROUP BY idea_id
    ) AS counted ON counted.idea_id = ideas.id
    WHERE ideas.vote_count <> COALESCE(counted.voters, 0)
    """
)


def miscounted_ideas(url: str) -> list[list[int]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [list(row) for row in connection.execute(MISCOUNTED)]
    finally:
        engine.dispose()


def _decide(client: Client, token: str, nominations: list[dict], barrier) -> Counter:
    statuses: Counter = Counter()
    for nomination in nominations:
        barrier.wait()
        form = {"decision": "approve", "version": nomination["version"], "csrf_token": token}
        statuses[client.post(f"/recognition/approvals/{nomination['id']}", form).status] += 1
    return statuses


NEW_EVENTS = text(
    "SELECT nomination_id, COUNT(*) FROM nomination_events WHERE id > :last GROUP BY nomination_id"
)


def approval_race(port: int, url: str, targets: dict) -> dict:
    nominations = targets["raced"]
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            last_event = connection.scalar(
                text("SELECT COALESCE(MAX(id), 0) FROM nomination_events")
            )
        clients = [Client(port) for _ in targets["approvers"]]
        tokens = [
            client.sign_in(email)
            for client, email in zip(clients, targets["approvers"], strict=False)
        ]
        barrier = threading.Barrier(len(clients))
        with ThreadPoolExecutor(max_workers=len(clients)) as pool:
            outcomes = list(
                pool.map(
                    lambda pair: _decide(pair[0], pair[1], nominations, barrier),
                    zip(clients, tokens, strict=False),
                )
            )
        ids = [nomination["id"] for nomination in nominations]
        with engine.connect() as connection:
            decisions = dict.fromkeys(ids, 0)
            rows = connection.execute(
                NEW_EVENTS,
                {"last": last_event},
            )
            decisions.update({row[0]: row[1] for row in rows})
            ledger = dict(
                connection.execute(
                    text("SELECT nomination_id, COUNT(*) FROM points_ledger GROUP BY nomination_id")
                ).all()
            )
    finally:
        engine.dispose()
    statuses = sum(outcomes, Counter())
    return {
        "approvers": targets["approvers"],
        "nominations": len(ids),
        "statuses": {str(status): number for status, number in sorted(statuses.items())},
        "decisions_per_nomination": dict(Counter(decisions.values())),
        "points_entries_per_nomination": dict(Counter(ledger.get(i, 0) for i in ids)),
    }


def server_errors(log: Path) -> dict[str, int]:
    content = log.read_text(errors="replace")
    return {
        "database is locked": content.count("database is locked"),
        "Traceback": content.count("Traceback"),
    }


def run(port: int, url: str, targets: dict, log: Path) -> dict:
    votes = vote_storm(port, targets)
    votes["miscounted_ideas"] = miscounted_ideas(url)
    race = approval_race(port, url, targets)
    log_errors = server_errors(log)
    failed = [status for status in votes["statuses"] if not status.startswith("2")]
    ok = (
        not failed
        and not votes["miscounted_ideas"]
        and set(race["decisions_per_nomination"]) == {1}
        and set(race["points_entries_per_nomination"]) == {1}
        and set(race["statuses"]) == {"303"}
        and not any(log_errors.values())
    )
    return {"ok": ok, "votes": votes, "approvals": race, "server_log": log_errors}


def print_report(report: dict) -> None:
    votes, race = report["votes"], report["approvals"]
    print(
        f"\nintegrity under load (gunicorn, 4 workers): {'OK' if report['ok'] else 'FAILED'}\n"
        f"  {votes['people']} people, {votes['requests']} vote/unvote requests on "
        f"{len(votes['ideas'])} ideas in {votes['seconds']}s: statuses {votes['statuses']}; "
        f"miscounted ideas {votes['miscounted_ideas'] or 'none'}\n"
        f"  2 approvers x {race['nominations']} nominations: statuses {race['statuses']}; "
        f"decisions per nomination {race['decisions_per_nomination']}; "
        f"points entries per nomination {race['points_entries_per_nomination']}\n"
        f"  server log: {report['server_log']}"
    )
