"""headcount: active people per department, kept current by every account write

department_headcounts feeds /admin/equity and /ideas/insights, which counted every person on
each request. The upgrade fills it from the people as they are.

Revision ID: 0014_headcount
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_headcount"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "department_headcounts",
        sa.Column("department_key", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("department_key", name=op.f("pk_department_headcounts")),
    )
    # People without a department are counted under key 0 (accounts/rollups/models.py).
    op.execute(
        "INSERT INTO department_headcounts (department_key, people) "
        "SELECT COALESCE(department_id, 0), COUNT(*) FROM users WHERE active "
        "GROUP BY COALESCE(department_id, 0)"
    )


def downgrade() -> None:
    op.drop_table("department_headcounts")
