"""flask --app wsgi rollups verify | rebuild (and verify-rollups, the same check)."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from portal.core.db import get_database
from portal.leaderboards.rollups import rebuild_rollups, verify_rollups

rollups_cli = AppGroup("rollups", help="Summary rows kept current by the writes.")
SHOWN = 50


def _verify() -> None:
    with get_database().session_scope() as session:
        if session.get_bind().dialect.name == "postgresql":
            # One snapshot for every recount, so writes landing meanwhile cannot differ.
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        found = verify_rollups(session)
    for line in found[:SHOWN]:
        click.echo(line)
    if len(found) > SHOWN:
        click.echo(f"... and {len(found) - SHOWN} more differences.")
    if found:
        raise click.ClickException(f"{len(found)} summary rows differ from a full recount.")
    click.echo("Every summary row matches a full recount.")


@rollups_cli.command("verify")
def verify_command() -> None:
    """Recount the summary rows from the raw rows; exit non-zero on any difference."""
    _verify()


@rollups_cli.command("rebuild")
def rebuild_command() -> None:
    """Replace every summary row with a recount of the raw rows."""
    with get_database().session_scope() as session:
        written = rebuild_rollups(session)
    click.echo(f"Rebuilt the summary rows: {written} rows.")


@click.command("verify-rollups")
@with_appcontext
def verify_rollups_command() -> None:
    """The same as `rollups verify`."""
    _verify()
