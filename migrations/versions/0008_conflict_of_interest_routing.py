"""conflict of interest routing: who an idea goes to when its department's managers wrote it,
and why each approval step went to whom

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STEP_ROUTE = sa.Enum(
    "reporting_line",
    "committee",
    "manager_above",
    "admins",
    name="step_route",
    native_enum=False,
    create_constraint=True,
    length=32,
)


def ideas_triggers() -> list[str]:
    """SQLite's search triggers on ideas: batch mode copies the table and drops them."""
    if op.get_bind().dialect.name != "sqlite":
        return []
    query = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ideas'"
    return list(op.get_bind().execute(sa.text(query)).scalars())


def upgrade() -> None:
    triggers = ideas_triggers()
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.add_column(sa.Column("routed_reviewer_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_ideas_routed_reviewer_id"), ["routed_reviewer_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_ideas_routed_reviewer_id_users"),
            "users",
            ["routed_reviewer_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    for trigger in triggers:
        op.execute(trigger)
    # Existing steps keep the default; a committee member's second-level step says so.
    with op.batch_alter_table("approval_steps", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("route", STEP_ROUTE, nullable=False, server_default="reporting_line")
        )
    op.execute(
        "UPDATE approval_steps SET route = 'committee' WHERE level = 2 AND EXISTS ("
        " SELECT 1 FROM nominations JOIN award_committee_members AS members"
        " ON members.award_id = nominations.award_id"
        " WHERE nominations.id = approval_steps.nomination_id"
        " AND members.user_id = approval_steps.approver_id)"
    )
    with op.batch_alter_table("approval_steps", schema=None) as batch_op:
        batch_op.alter_column("route", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("approval_steps", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_approval_steps_step_route"), type_="check")
        batch_op.drop_column("route")
    triggers = ideas_triggers()
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_ideas_routed_reviewer_id_users"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_ideas_routed_reviewer_id"))
        batch_op.drop_column("routed_reviewer_id")
    for trigger in triggers:
        op.execute(trigger)
