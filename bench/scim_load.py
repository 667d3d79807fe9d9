"""A directory's first provisioning run: 5,000 people through SCIM, with duplicate requests.

    .venv/bin/python -m bench.scim_load [--database sqlite|postgresql] [--users 5000]

A fresh database, the portal under gunicorn (4 workers), a token made by
`flask scim create-token`, then several concurrent clients POST /scim/v2/Users over real
HTTP. Every tenth person is sent twice at the same moment by two clients, as a directory
retrying a slow request does. With --lookup each client first asks for the person by
`userName eq`, as Okta does before it creates someone. Reports the time and the machine's load
average, and checks that every person exists exactly once and that each duplicate got a 409
uniqueness error. Exits non-zero when a check fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, func, select

from bench import servers
from portal.accounts.models import User

CLIENTS = 8
WORKERS = 4
DUPLICATE_EVERY = 10


def person(number: int) -> dict[str, object]:
    return {
        "schemas": [
            "urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        ],
        "userName": f"joiner{number}@bench.example.com",
        "name": {"givenName": "Joiner", "familyName": str(number)},
        "title": "Customer service representative",
        "externalId": f"dir-{number}",
        "active": True,
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "department": f"Region {number % 12}"
        },
    }


class ScimClient(threading.local):
    def __init__(self, port: int, token: str, timeout: float = 60) -> None:
        self.port = port
        self.timeout = timeout
        self.headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/scim+json",
        }
        self.connection: http.client.HTTPConnection | None = None

    def send(self, method: str, path: str, body: dict[str, object] | None = None) -> int:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=self.timeout
            )
        payload = json.dumps(body) if body is not None else None
        self.connection.request(method, path, payload, self.headers)
        response = self.connection.getresponse()
        response.read()
        return response.status

    def post(self, body: dict[str, object], lookup: bool) -> int:
        if lookup:
            query = quote(f'userName eq "{body["userName"]}"')
            status = self.send("GET", f"/scim/v2/Users?filter={query}")
            assert status == 200, status
        return self.send("POST", "/scim/v2/Users", body)


def warm(port: int, token: str) -> None:
    """Every worker booted and answering before the clock starts, as a server already is
    (on a busy machine, booting takes a while)."""
    client = ScimClient(port, token, timeout=600)
    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(
            pool.map(
                lambda _: client.send("GET", "/scim/v2/ServiceProviderConfig"), range(4 * WORKERS)
            )
        )
    assert set(answers) == {200}, answers


def provision(port: int, token: str, users: int, lookup: bool) -> tuple[Counter[int], float]:
    client = ScimClient(port, token)
    jobs = []
    for number in range(users):
        jobs.append(number)
        if number % DUPLICATE_EVERY == 0:
            jobs.append(number)  # the same person again, sent by another client at once
    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = Counter(pool.map(lambda number: client.post(person(number), lookup), jobs))
    return statuses, time.perf_counter() - started


def server_cpu_seconds(port: int, database: str | None) -> tuple[float, float]:
    """CPU time the portal's gunicorn processes and the database's backends have used so far:
    what the run costs whatever else the machine is doing."""
    portal = backends = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used = (int(fields[11]) + int(fields[12])) / tick  # utime and stime
        if f"127.0.0.1:{port}" in command:
            portal += used
        elif database and command.startswith("postgres:") and f" {database} " in command:
            backends += used
    return portal, backends


def count_people(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(func.count(), func.count(func.distinct(User.email))).where(
                User.email.like("joiner%@bench.example.com")
            )
        ).one()
    engine.dispose()
    return rows[0], rows[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--lookup", action="store_true", help="GET userName eq before each POST")
    arguments = parser.parse_args()
    servers.RESULTS.mkdir(exist_ok=True)
    url = servers.fresh_database(arguments.database, "scim")
    servers.flask(url, "db", "upgrade")
    token = servers.flask(url, "scim", "create-token", "bench").strip().splitlines()[-1]
    log = servers.RESULTS / f"scim-{arguments.database}.log"
    database = url.rsplit("/", 1)[1] if arguments.database == "postgresql" else None
    with servers.gunicorn(url, "wsgi:app", WORKERS, log) as port:
        load_before = os.getloadavg()[0]
        warm(port, token)
        cpu_before = server_cpu_seconds(port, database)
        statuses, seconds = provision(port, token, arguments.users, arguments.lookup)
        portal_cpu, database_cpu = (
            after - before
            for after, before in zip(server_cpu_seconds(port, database), cpu_before, strict=True)
        )
        load_after = os.getloadavg()[0]
    people, distinct = count_people(url)
    duplicates = len(range(0, arguments.users, DUPLICATE_EVERY))
    print(
        f"{arguments.database}: {arguments.users} people ({duplicates} sent twice) through SCIM "
        f"by {CLIENTS} clients, {WORKERS} gunicorn workers: {seconds:.1f} s "
        f"({arguments.users / seconds:.0f} people/s); responses {dict(statuses)}"
        + (", each looked up first" if arguments.lookup else "")
        + f"; load average {load_before:.1f} before, {load_after:.1f} after"
    )
    total = portal_cpu + database_cpu
    print(
        f"  server CPU: {portal_cpu:.1f} s portal + {database_cpu:.1f} s database = "
        f"{total:.1f} core-seconds, {total / 2:.0f} s of a machine with two free cores"
    )
    checks = {
        "every person created once": statuses[201] == arguments.users,
        "each duplicate refused with 409": statuses[409] == duplicates,
        "no other response": set(statuses) <= {201, 409},
        "no lost or duplicated person": people == distinct == arguments.users,
    }
    for name, passed in checks.items():
        print(f"  {'ok ' if passed else 'FAIL'} {name}")
    servers.drop_database(arguments.database, url)
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
