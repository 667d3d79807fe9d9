"""jobs: background work on a task queue (closing a review cycle), its progress and its lease

One row per job and target (a cycle has one closing job); periodic tasks keep one row each
for their lock. The lease lets one worker at a time run a job; a killed worker's lease
expires and another worker resumes from the last committed batch.

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-06 03:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.core.db

revision: str = "0013"
down_revision: str | None = "0012_rollups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "queued",
                "running",
                "done",
                "failed",
                name="job_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=1000), nullable=False),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_until", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "done >= 0 AND total >= 0 AND attempts >= 0",
            name=op.f("ck_jobs_counts_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_jobs_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("kind", "target_id", name=op.f("uq_jobs_kind_target_id")),
    )


def downgrade() -> None:
    op.drop_table("jobs")
