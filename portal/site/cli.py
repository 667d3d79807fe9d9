"""Command-line tools: flask --app wsgi db|demo|users|outbox|notifications|scim ..."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.core.db import get_database
from portal.core.errors import DomainError
from portal.core.mail import send_due_messages, transport_for
from portal.core.migrate import new_revision, upgrade_database
from portal.core.preflight import SetupProblem, ensure_database
from portal.demo.generate.run import NotEmpty, Sizes, generate_demo_data
from portal.demo.load import database_is_empty, load_demo_data
from portal.demo.organisation import CONTRACT_PEOPLE, DEMO_PASSWORD
from portal.leaderboards.cli import rollups_cli, verify_rollups_command
from portal.notifications.services import send_daily_digests
from portal.scim.cli import scim_cli
from portal.site.admin.importing.apply import apply_import
from portal.site.admin.importing.preview import preview_import
from portal.site.admin.importing.upload import decode_upload

db_cli = AppGroup("db", help="Database schema.")
demo_cli = AppGroup("demo", help="Demo data.")
users_cli = AppGroup("users", help="People and the org chart.")
outbox_cli = AppGroup("outbox", help="Outgoing email.")
notifications_cli = AppGroup("notifications", help="Notifications.")


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
    """Send the email waiting in the outbox; failures are kept and retried later."""
    config = current_app.config
    transport = transport_for(current_app)
    while True:
        sent, failed = send_due_messages(
            get_database().write_sessions,
            config["MAIL_FROM"],
            transport,
            config["MAIL_MAX_ATTEMPTS"],
        )
        if sent or failed or not loop:
            click.echo(f"{sent} sent, {failed} failed (will retry).")
        if not loop:
            return
        time.sleep(interval)


@notifications_cli.command("digest")
def notifications_digest() -> None:
    """Queue the daily digest email for everyone who chose it (run once a day from cron)."""
    with get_database().session_scope() as session:
        count = send_daily_digests(session, current_app.config["BASE_URL"])
    click.echo(f"{count} digest(s) queued.")


def register_commands(app: Flask) -> None:
    for group in (db_cli, demo_cli, users_cli, outbox_cli, notifications_cli, scim_cli):
        app.cli.add_command(group)
    app.cli.add_command(rollups_cli)
    app.cli.add_command(verify_rollups_command)
