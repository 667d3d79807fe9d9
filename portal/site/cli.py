"""Command-line tools: flask --app wsgi db|demo|users|outbox|notifications|cycles|jobs|scim ..."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.core.db import get_database
from portal.core.errors import DomainError
from portal.core.job_progress import get_job_progress, list_recent_jobs
from portal.core.jobs import (
    IMMEDIATE,
    JobBusy,
    JobSettings,
    JobState,
    bind_worker_app,
    find_job,
    queue,
    resume_unfinished_jobs,
    run_job,
)
from portal.core.migrate import new_revision, upgrade_database
from portal.core.preflight import SetupProblem, ensure_database
from portal.demo.generate.run import NotEmpty, Sizes, generate_demo_data
from portal.demo.load import database_is_empty, load_demo_data
from portal.demo.organisation import CONTRACT_PEOPLE, DEMO_PASSWORD
from portal.leaderboards.cli import rollups_cli, verify_rollups_command
from portal.reviews.services import CLOSE_CYCLE, start_closing
from portal.scim.cli import scim_cli
from portal.site.admin.importing.apply import apply_import
from portal.site.admin.importing.preview import preview_import
from portal.site.admin.importing.upload import decode_upload
from portal.site.tasks import queue_daily_digests, send_outbox

db_cli = AppGroup("db", help="Database schema.")
demo_cli = AppGroup("demo", help="Demo data.")
users_cli = AppGroup("users", help="People and the org chart.")
outbox_cli = AppGroup("outbox", help="Outgoing email.")
notifications_cli = AppGroup("notifications", help="Notifications.")
cycles_cli = AppGroup("cycles", help="Review cycles.")
jobs_cli = AppGroup("jobs", help="Background jobs.")


def _ensure_database(url: str) -> None:
    try:
        ensure_database(url)
    except SetupProblem as problem:
        raise click.ClickException(str(problem)) from None


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the database to REVISION (default: the newest)."""
    database = get_database()
    _ensure_database(database.url)
    upgrade_database(database.engine, revision)
    click.echo(f"Database is at {revision}.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    new_revision(get_database().engine, message)


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when people already exist.")
def demo_load(if_empty: bool) -> None:
    """Load the demo organisation (accounts of DESIGN.md and a few dozen colleagues)."""
    with get_database().session_scope() as session:
        if database_is_empty(session):
            click.echo(f"Loaded {load_demo_data(session)} demo people.")
        elif if_empty:
            click.echo("The database already has people; demo data not loaded again.")
        else:
            raise click.ClickException("The database already has people; use an empty one.")
    click.echo(f"Demo sign-ins, password {DEMO_PASSWORD}:")
    for person in CONTRACT_PEOPLE:
        click.echo(f"  {person.email:<24} {person.role.value}")


def _count_option(name: str, default: int, what: str, minimum: int = 0):
    return click.option(
        f"--{name}", default=default, show_default=True, type=click.IntRange(min=minimum), help=what
    )


@demo_cli.command("generate")
@_count_option("employees", 500, "Generated people, besides the demo accounts.", minimum=20)
@_count_option("ideas", 2_000, "Ideas across every status.")
@_count_option("votes", 20_000, "Votes, skewed towards popular ideas.")
@_count_option("comments", 5_000, "Comments.")
@_count_option("nominations", 1_000, "Nominations across the review cycles.")
@click.option("--seed", default=2026, show_default=True, help="The same seed gives the same data.")
@click.option(
    "--reset",
    is_flag=True,
    help="Delete ALL data of this database first. Without it, a database that already has "
    "people is left untouched and the command fails.",
)
def demo_generate(
    employees: int, ideas: int, votes: int, comments: int, nominations: int, seed: int, reset: bool
) -> None:
    """Migrate the database, then fill it with a large realistic organisation.

    People sign in as employee1@example.com, employee2@example.com, ... and as the demo
    accounts, all with the demo password. Times are relative to today (midnight UTC).
    """
    database = get_database()
    _ensure_database(database.url)
    upgrade_database(database.engine)
    sizes = Sizes(employees, ideas, votes, comments, nominations)
    started = time.perf_counter()
    try:
        counts = generate_demo_data(
            database.engine, sizes, seed=seed, reset=reset, progress=click.progressbar
        )
    except NotEmpty as error:
        raise click.ClickException(f"{error} Use --reset to replace everything.") from None
    for table, count in counts.items():
        click.echo(f"{table:<18} {count:>10,}")
    click.echo(f"Done in {time.perf_counter() - started:.1f} s; password {DEMO_PASSWORD}.")


@users_cli.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Only report the problems.")
def users_import(csv_file: Path, dry_run: bool) -> None:
    """Import the org chart from CSV_FILE (email,name,title,department,manager_email,role)."""
    try:
        text = decode_upload(csv_file.read_bytes())
    except DomainError as error:
        raise click.ClickException(error.message) from error
    database = get_database()
    with database.session_scope() as session:
        preview = preview_import(session, text)
        for problem in preview.file_problems:
            click.echo(problem, err=True)
        for row in preview.rows:
            for problem in row.problems:
                click.echo(f"line {row.line}: {problem}", err=True)
        if not preview.is_clean:
            raise click.ClickException(f"{preview.problem_count} problem(s); nothing was imported.")
        click.echo(
            f"{preview.count('create')} to create, {preview.changed_count} to change, "
            f"{preview.unchanged_count} unchanged."
        )
        if dry_run:
            return
        with click.progressbar(length=len(preview.rows), label="Importing") as bar:
            apply_import(
                session,
                None,
                text,
                base_url=current_app.config["BASE_URL"],
                invitation_days=current_app.config["INVITATION_DAYS"],
                progress=bar.update,
            )
    click.echo("Import done; new people were sent invitations.")


@outbox_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running, sending new mail as it arrives.")
@click.option("--interval", default=10, show_default=True, help="Seconds between runs with --loop.")
def outbox_send(loop: bool, interval: int) -> None:
    """Send the email waiting in the outbox; failures are kept and retried later.

    The job worker (`flask jobs worker`) does this every minute; this is for cron users.
    """
    while True:
        sent, failed = send_outbox()
        if sent or failed or not loop:
            click.echo(f"{sent} sent, {failed} failed (will retry).")
        if not loop:
            return
        time.sleep(interval)


@notifications_cli.command("digest")
def notifications_digest() -> None:
    """Queue the daily digest email for everyone who chose it (the job worker does this daily
    at PORTAL_DIGEST_HOUR; run it from cron when no worker runs)."""
    click.echo(f"{queue_daily_digests()} digest(s) queued.")


@cycles_cli.command("close")
@click.argument("cycle_id", type=click.IntRange(min=1, max=2**31 - 1))
def cycles_close(cycle_id: int) -> None:
    """Close review cycle CYCLE_ID, freezing every packet, with a progress bar.

    Runs here in committed batches; if a worker is already closing it, follows its progress.
    Run again after an interruption to resume where it stopped.
    """
    database = get_database()
    try:
        with database.session_scope() as session:
            job = find_job(session, CLOSE_CYCLE, cycle_id)
            if job is None or job.state in (JobState.FAILED, JobState.DONE):
                job = start_closing(session, None, cycle_id)  # refuses a closed cycle
            job_id, total = job.id, job.total
    except DomainError as error:
        raise click.ClickException(error.message) from None
    started = time.perf_counter()
    with click.progressbar(length=total, label="Freezing packets") as bar:

        def advance(done: int, _total: int) -> None:
            bar.update(done - bar.pos)

        _run_or_follow(job_id, advance)
    click.echo(f"Cycle {cycle_id} is closed; done in {time.perf_counter() - started:.1f} s.")


def _run_or_follow(job_id: int, progress: Callable[[int, int], None]) -> None:
    database = get_database()
    while True:
        try:
            state = run_job(database, job_id, JobSettings.of(current_app), progress)
        except JobBusy:
            state = None
        with database.read_sessions() as session:
            current = get_job_progress(session, job_id)
        progress(current.done, current.total)
        if current.state == JobState.FAILED:
            raise click.ClickException(f"Closing failed: {current.error}")
        if state == JobState.DONE or current.state == JobState.DONE:
            return
        time.sleep(1)


@jobs_cli.command("status")
def jobs_status() -> None:
    """The newest background jobs: kind, target, state and progress."""
    with get_database().read_sessions() as session:
        jobs = list_recent_jobs(session)
    if not jobs:
        click.echo("No background jobs yet.")
    for job in jobs:
        line = f"{job.id:>6} {job.kind} {job.target_id}: {job.state.value}, {job.done}/{job.total}"
        click.echo(f"{line} {job.error}".rstrip())


@jobs_cli.command("worker")
@click.option("--workers", type=click.IntRange(1, 64), help="Threads (PORTAL_QUEUE_WORKERS).")
def jobs_worker(workers: int | None) -> None:
    """Run the background worker: queued jobs, the outbox every minute, the daily digests."""
    config = current_app.config
    if config["QUEUE_URL"] == IMMEDIATE:
        raise click.ClickException("PORTAL_QUEUE_URL=immediate runs jobs inline; no worker.")
    bind_worker_app(current_app._get_current_object())  # type: ignore[attr-defined]
    resumed = resume_unfinished_jobs(get_database(), held_too=True)
    click.echo(f"Worker on {config['QUEUE_URL'].split('@')[-1]}; {resumed} job(s) resumed.")
    consumer = queue.create_consumer(
        workers=workers or config["QUEUE_WORKERS"], worker_type="thread", periodic=True
    )
    consumer.run()


def register_commands(app: Flask) -> None:
    for group in (
        db_cli,
        demo_cli,
        users_cli,
        outbox_cli,
        notifications_cli,
        cycles_cli,
        jobs_cli,
        scim_cli,
    ):
        app.cli.add_command(group)
    app.cli.add_command(rollups_cli)
    app.cli.add_command(verify_rollups_command)
