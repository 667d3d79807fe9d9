"""`make bench`: measure the portal's pages against the floor on SQLite and PostgreSQL.

For each database: a fresh dataset, the portal and the floor under gunicorn (2 workers
each), median and p95 latency and SQL statements per page over real HTTP with signed-in
sessions, then the integrity-under-load check (bench/load.py) against 4 workers. Each
portal request alternates with a floor request, so a page and its floor meet the same
machine: on a shared machine the load moves while a run goes on. Prints a table and writes
bench-results/<database>-<scale>.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from bench import load, servers
from bench.http import Client, Response

DEEP_PAGE = 40
# Pages left out of a run (--skip): at ten times large the review-cycle CSV of 50,000
# packets outlasts gunicorn's 30 s worker timeout.
SKIPPED: set[str] = set()
# Pages measured when a run names some (--only, a part of the page's name); empty means all.
ONLY: list[str] = []
WARMUP = 3


@dataclass
class Measurement:
    page: str
    path: str
    requests: int
    median_ms: float
    p95_ms: float
    statements: list[int]
    floor_ms: float = 0.0
    ratio_to_floor: float = 0.0


class Floor:
    """The floor page, requested between the portal's requests; keeps every reply."""

    def __init__(self, port: int) -> None:
        self.client = Client(port)
        self.replies: list[Response] = []

    def get(self) -> Response:
        reply = self.client.get("/")
        self.replies.append(reply)
        return reply

    def beside(self, measurement: Measurement, replies: list[Response]) -> Measurement:
        """`measurement` with the median of the floor requests made alongside it."""
        measurement.floor_ms = statistics.median(reply.seconds * 1000 for reply in replies)
        measurement.ratio_to_floor = measurement.median_ms / measurement.floor_ms
        return measurement


def summarise(page: str, path: str, replies: list[Response]) -> Measurement:
    failed = [reply.status for reply in replies if reply.status >= 400]
    if failed:
        raise RuntimeError(f"{page} ({path}) answered {failed[:5]}")
    times = sorted(reply.seconds * 1000 for reply in replies)
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18]
    statements = sorted({reply.statements for reply in replies if reply.statements is not None})
    return Measurement(page, path, len(times), statistics.median(times), p95, statements)


def is_measured(page: str) -> bool:
    if page in SKIPPED:
        return False
    return not ONLY or any(part in page for part in ONLY)


def timed(
    client: Client, floor: Floor, page: str, path: str, count: int, **headers: str
) -> Measurement:
    if not is_measured(page):
        return Measurement(page, path, 0, 0.0, 0.0, [])
    for _ in range(WARMUP):
        client.get(path, **headers)
    replies, floors = [], []
    for _ in range(count):
        floors.append(floor.get())
        replies.append(client.get(path, **headers))
    return floor.beside(summarise(page, path, replies), floors)


def deep_page_path(client: Client, start: str, depth: int) -> tuple[str, int]:
    """Follow rel="next" links from the first page; returns the deepest path and its number."""
    path, number = start, 1
    while number < depth:
        following = client.get(path).next_link()
        if following is None:
            break
        path, number = following, number + 1
    return path, number


def timed_votes(
    client: Client, floor: Floor, idea_id: int, token: str, count: int
) -> list[Measurement]:
    """Vote then take it back (htmx, as the button does), so the data ends as it started."""
    if not is_measured("vote (POST)"):
        return []
    headers = {"HX-Request": "true", "X-CSRFToken": token}
    votes, unvotes, floors = [], [], []
    for _ in range(count):
        floors.append(floor.get())
        votes.append(client.post(f"/ideas/{idea_id}/vote", {}, **headers))
        unvotes.append(client.post(f"/ideas/{idea_id}/unvote", {}, **headers))
    return [
        floor.beside(summarise("vote (POST)", f"/ideas/{idea_id}/vote", votes), floors),
        floor.beside(summarise("unvote (POST)", f"/ideas/{idea_id}/unvote", unvotes), floors),
    ]


def timed_comments(
    client: Client, floor: Floor, idea_id: int, token: str, count: int
) -> Measurement:
    path = f"/ideas/{idea_id}/comments"
    if not is_measured("comment (POST)"):
        return Measurement("comment (POST)", path, 0, 0.0, 0.0, [])
    form = {"csrf_token": token, "body": "Measured by the benchmark."}
    for _ in range(WARMUP):
        client.post(path, form)
    replies, floors = [], []
    for _ in range(count):
        floors.append(floor.get())
        replies.append(client.post(path, form))
    return floor.beside(summarise("comment (POST)", path, replies), floors)


def timed_decisions(
    client: Client, floor: Floor, nominations: list[dict[str, int]], token: str, count: int
) -> Measurement:
    """A committee member approves nominations waiting for them, one per request."""
    if not is_measured("nomination decision (POST)"):
        return Measurement(
            "nomination decision (POST)", "/recognition/approvals/<id>", 0, 0.0, 0.0, []
        )
    replies, floors = [], []
    for number, nomination in enumerate(nominations[: count + WARMUP]):
        form = {"csrf_token": token, "version": nomination["version"], "decision": "approve"}
        if number >= WARMUP:
            floors.append(floor.get())
        reply = client.post(f"/recognition/approvals/{nomination['id']}", form)
        if number >= WARMUP:
            replies.append(reply)
    return floor.beside(
        summarise("nomination decision (POST)", "/recognition/approvals/<id>", replies), floors
    )


def year_ago() -> str:
    return (datetime.now(UTC).date() - timedelta(days=364)).isoformat()


def measure_portal(port: int, floor: Floor, targets: dict, count: int) -> list[Measurement]:
    voter, admin, approver = Client(port), Client(port), Client(port)
    manager = Client(port)
    token = voter.sign_in(targets["voters"][0])
    admin.sign_in("admin@example.com")
    approver_token = approver.sign_in(targets["approvers"][0])
    manager.sign_in(targets["manager"])
    deep, reached = deep_page_path(voter, "/ideas", DEEP_PAGE)
    search = targets["search"]
    cycle, person = targets["cycle_id"], targets["packet_user_id"]
    htmx = {"HX-Request": "true"}
    return [
        timed(voter, floor, "home", "/", count),
        timed(voter, floor, "feed: trending, page 1", "/ideas", count),
        timed(voter, floor, "feed: top", "/ideas?sort=top", count),
        timed(voter, floor, "feed: newest", "/ideas?sort=newest", count),
        timed(voter, floor, "feed: recently updated", "/ideas?sort=updated", count),
        timed(voter, floor, "feed: filter status=submitted", "/ideas?status=submitted", count),
        timed(voter, floor, f"feed: search '{search}'", f"/ideas?q={search}", count),
        timed(voter, floor, f"feed: page {reached} via rel=next", deep, count),
        timed(voter, floor, "feed: htmx fragment, page 1", "/ideas", count, **htmx),
        timed(voter, floor, "idea page", f"/ideas/{targets['idea_id']}", count),
        *timed_votes(voter, floor, targets["idea_id"], token, count),
        timed(admin, floor, "review queue (admin)", "/ideas/review", count),
        timed(approver, floor, "approvals (committee member)", "/recognition/approvals", count),
        timed(
            admin, floor, "leaderboard, this quarter", "/admin/leaderboards?period=quarter", count
        ),
        timed(admin, floor, "leaderboard, teams", "/admin/leaderboards?grouping=teams", count),
        timed(admin, floor, "leaderboard CSV", "/admin/leaderboards.csv?period=quarter", count),
        timed(admin, floor, "review packet", f"/reviews/{cycle}/people/{person}", count),
        timed(admin, floor, "review-cycle people", f"/reviews?cycle={cycle}", count),
        timed(admin, floor, "review-cycle CSV", f"/reviews/{cycle}/export.csv", count),
        timed(voter, floor, "insights, default period", "/ideas/insights", count),
        timed(voter, floor, "insights, a year", f"/ideas/insights?from={year_ago()}", count),
        timed(admin, floor, "equity (admin)", "/admin/equity", count),
        timed(manager, floor, "team gaps (manager)", "/recognition/team", count),
        timed(voter, floor, "wall", "/recognition", count),
        timed(voter, floor, "campaigns", "/ideas/campaigns", count),
        timed(voter, floor, "a campaign", f"/ideas/campaigns/{targets['campaign_id']}", count),
        timed(voter, floor, "profile", f"/people/{person}", count),
        timed(voter, floor, "people", "/people", count),
        timed(admin, floor, "notifications", "/notifications", count),
        timed(admin, floor, "admin users", "/admin/users", count),
        timed_comments(voter, floor, targets["comment_idea_id"], token, count),
        timed_decisions(approver, floor, targets["to_decide"], approver_token, count),
    ]


def print_table(title: str, floor: Measurement, results: list[Measurement]) -> None:
    print(f"\n{title}")
    print(f"{'page':<36} {'median ms':>9} {'p95 ms':>8} {'SQL':>7} {'floor ms':>8} {'x floor':>8}")
    for row in [floor, *results]:
        statements = ",".join(str(number) for number in row.statements)
        print(
            f"{row.page:<36} {row.median_ms:>9.1f} {row.p95_ms:>8.1f} "
            f"{statements:>7} {row.floor_ms:>8.1f} {row.ratio_to_floor:>8.2f}"
        )


def bench_database(kind: str, scale: str, count: int) -> dict:
    servers.RESULTS.mkdir(exist_ok=True)
    log = servers.RESULTS / f"{kind}-{scale}-server.log"
    log.unlink(missing_ok=True)
    url = servers.fresh_database(kind, scale)
    try:
        started = time.monotonic()
        dataset = servers.build_dataset(url, scale)
        built = time.monotonic() - started
        targets = json.loads(servers.prepare(url))
        with (
            servers.gunicorn(url, "bench.floor:app", 2, log) as floor_port,
            servers.gunicorn(url, "wsgi:app", 2, log) as port,
        ):
            floor_page = Floor(floor_port)
            for _ in range(WARMUP):
                floor_page.client.get("/")
            measured = measure_portal(port, floor_page, targets, count)
        results = [row for row in measured if row.requests]
        floor = summarise("floor: 25 ideas, one query", "/", floor_page.replies)
        floor_page.beside(floor, floor_page.replies)
        print_table(f"{kind}, {scale} ({dataset}; {targets['ideas']} ideas)", floor, results)
        integrity = {"ok": True, "skipped": "--only"}
        if not ONLY:
            with servers.gunicorn(url, "wsgi:app", 4, log) as port:
                integrity = load.run(port, url, targets, log)
            load.print_report(integrity)
    finally:
        servers.drop_database(kind, url)
    report = {
        "database": kind,
        "scale": scale,
        "dataset": dataset,
        "build_seconds": round(built, 1),
        "ideas": targets["ideas"],
        "workers": 2,
        "requests_per_page": count,
        "floor": asdict(floor),
        "pages": [asdict(row) for row in results],
        "integrity": integrity,
    }
    path = servers.RESULTS / f"{kind}-{scale}.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"wrote {path.relative_to(servers.ROOT)}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=sorted(servers.SCALES), default="small")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], action="append")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--skip", action="append", default=[], help="a page name to leave out")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="measure only pages whose name contains this (repeatable); skips the load check",
    )
    arguments = parser.parse_args()
    SKIPPED.update(arguments.skip)
    ONLY.extend(arguments.only)
    if arguments.scale == "huge" and not arguments.skip:
        SKIPPED.add("review-cycle CSV")
    # At ten times large PostgreSQL is the reference; SQLite runs only when asked for.
    default = ["postgresql"] if arguments.scale == "huge" else ["sqlite", "postgresql"]
    reports = [
        bench_database(kind, arguments.scale, arguments.requests)
        for kind in arguments.database or default
    ]
    if not all(report["integrity"]["ok"] for report in reports):
        sys.exit("integrity under load FAILED")


if __name__ == "__main__":
    main()
