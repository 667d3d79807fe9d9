"""email skeleton: addresses in NFKC form, and no two people with look-alike addresses

Existing addresses are rewritten in NFKC form (fullwidth letters become plain ones). Each
person gets the digest of their address's TR39 skeleton under a unique index. Data from
before the rule may break it; then the migration keeps every account as it is and says so:
an address whose NFKC form another person already has keeps its old form, and of people
whose addresses look alike the earliest keeps the digest (so new look-alikes of all of them
are still refused) while the others have none until an admin changes their address.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 23:00:00.000000
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from portal.accounts.emails import canonical_email, skeleton_digest

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")
users = sa.table(
    "users",
    sa.column("id", sa.Integer),
    sa.column("email", sa.String),
    sa.column("email_skeleton", sa.String),
)


def upgrade() -> None:
    op.add_column("users", sa.Column("email_skeleton", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    addresses = dict(
        connection.execute(sa.select(users.c.id, users.c.email).order_by(users.c.id)).all()
    )
    addresses = normalise_addresses(connection, addresses)
    store_skeletons(connection, addresses)
    op.create_index("ix_users_email_skeleton", "users", ["email_skeleton"], unique=True)


def normalise_addresses(connection: sa.Connection, addresses: dict[int, str]) -> dict[int, str]:
    taken = set(addresses.values())
    for user_id, email in addresses.items():
        normalised = canonical_email(email)
        if normalised == email:
            continue
        if normalised in taken:
            log.warning(
                "users.id %s keeps %r: %r belongs to someone else", user_id, email, normalised
            )
            continue
        connection.execute(users.update().where(users.c.id == user_id).values(email=normalised))
        taken.add(normalised)
        addresses[user_id] = normalised
    return addresses


def store_skeletons(connection: sa.Connection, addresses: dict[int, str]) -> None:
    holders: dict[str, int] = {}
    rows = []
    for user_id, email in addresses.items():
        digest = skeleton_digest(email)
        if digest in holders:
            log.warning(
                "users.id %s (%r) looks like users.id %s; change one of the addresses",
                user_id,
                email,
                holders[digest],
            )
            continue
        holders[digest] = user_id
        rows.append({"user_id": user_id, "digest": digest})
    if rows:
        connection.execute(
            users.update()
            .where(users.c.id == sa.bindparam("user_id"))
            .values(email_skeleton=sa.bindparam("digest")),
            rows,
        )


def downgrade() -> None:
    op.drop_index("ix_users_email_skeleton", table_name="users")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email_skeleton")
