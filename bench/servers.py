"""Fresh databases, datasets and gunicorn servers for the benchmark."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"
BIN = Path(sys.executable).parent
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"
SECRET_KEY = "bench-secret-key-not-for-production"  # noqa: S105 - loopback benchmark only

# Generator sizes: the large dataset, a small one that still has 40 feed pages, and
# ten times large.
SCALES = {
    "small": {
        "employees": 300,
        "ideas": 1500,
        "votes": 15000,
        "comments": 3000,
        "nominations": 300,
    },
    "large": {
        "employees": 5000,
        "ideas": 20000,
        "votes": 400000,
        "comments": 40000,
        "nominations": 5000,
    },
    # Ten times large: the "cost does not grow with history" check (PostgreSQL).
    "huge": {
        "employees": 50000,
        "ideas": 200000,
        "votes": 4000000,
        "comments": 400000,
        "nominations": 50000,
    },
}


def psql(*commands: str) -> None:
    arguments = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q"]
    for command in commands:
        arguments += ["-c", command]
    subprocess.run(arguments, check=True)  # noqa: S603 - fixed local command


def fresh_database(kind: str, scale: str) -> str:
    """An empty database for one run: a new SQLite file or a recreated PostgreSQL database."""
    if kind == "sqlite":
        path = RESULTS / f"bench-{scale}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    # Named after the checkout too, so two checkouts can run the benchmark at the same time.
    checkout = "".join(char if char.isalnum() else "_" for char in ROOT.name.lower())
    name = f"portal_bench_{scale}_{checkout}"
    psql(f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
    return f"{POSTGRES}/{name}"


def drop_database(kind: str, url: str) -> None:
    if kind == "postgresql":
        psql(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]}")


def environment(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "PORTAL_DATABASE_URL": url,
        "PORTAL_COUNT_SQL": "1",
        "PORTAL_ENV": "development",
        "SECRET_KEY": SECRET_KEY,
    }


def flask(url: str, *arguments: str) -> str:
    command = [str(BIN / "flask"), "--app", "wsgi", *arguments]
    done = subprocess.run(  # noqa: S603 - our own CLI
        command, cwd=ROOT, env=environment(url), check=True, capture_output=True, text=True
    )
    return done.stdout


def has_generator(url: str) -> bool:
    return "generate" in flask(url, "demo", "--help")


def build_dataset(url: str, scale: str) -> str:
    """Migrate and fill the database; returns how it was filled."""
    flask(url, "db", "upgrade")
    if has_generator(url):
        sizes = SCALES[scale]
        options = [part for name, size in sizes.items() for part in (f"--{name}", str(size))]
        flask(url, "demo", "generate", *options)
        return "demo generate " + " ".join(options)
    if scale != "small":
        raise SystemExit("SCALE=large needs `flask demo generate` (the large-data generator).")
    flask(url, "demo", "load")
    return "demo load"


def prepare(url: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bench.prepare"],
        cwd=ROOT,
        env=environment(url),
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port: int, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn on port {port} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not listen on port {port} within {seconds}s")


@contextmanager
def gunicorn(url: str, app: str, workers: int, log: Path) -> Iterator[int]:
    """`make serve` on a free port: gunicorn with `workers` sync workers; yields the port."""
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "-",
        app,
    ]
    with log.open("ab") as output:
        process = subprocess.Popen(  # noqa: S603 - our own server
            command, cwd=ROOT, env=environment(url), stdout=output, stderr=subprocess.STDOUT
        )
        try:
            wait_until_listening(port, process)
            yield port
        finally:
            process.terminate()
            process.wait(timeout=30)
