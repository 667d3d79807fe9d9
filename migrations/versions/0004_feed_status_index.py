"""feed status filter index: the default (trending) feed filtered by status reads in order

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 21:16:45.592352
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ideas_status_hot_score_id", ["status", "hot_score", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.drop_index("ix_ideas_status_hot_score_id")
