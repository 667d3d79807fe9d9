"""flask --app wsgi scim create-token NAME | revoke-token NAME | tokens"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.core.db import get_database
from portal.core.errors import DomainError
from portal.scim.queries import list_tokens
from portal.scim.tokens import create_token, find_token_by_name, revoke_token

scim_cli = AppGroup("scim", help="SCIM provisioning tokens.")


@scim_cli.command("create-token")
@click.argument("name")
def create_token_command(name: str) -> None:
    """Make a bearer token for the directory NAME; it is printed alone on the last line."""
    try:
        with get_database().session_scope() as session:
            _token, raw = create_token(session, None, name)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo("Give this token to the directory now; it is not shown again:", err=True)
    click.echo(raw)


@scim_cli.command("revoke-token")
@click.argument("name")
def revoke_token_command(name: str) -> None:
    """Stop the token NAME from working."""
    try:
        with get_database().session_scope() as session:
            revoke_token(session, None, find_token_by_name(session, name))
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"The token “{name}” is revoked.")


@scim_cli.command("tokens")
def list_tokens_command() -> None:
    """The tokens, active first."""
    with get_database().session_scope() as session:
        for row in list_tokens(session):
            token = row.token
            status = "active" if token.is_active else f"revoked {token.revoked_at:%Y-%m-%d}"
            click.echo(f"{token.name:<40} {status}")
