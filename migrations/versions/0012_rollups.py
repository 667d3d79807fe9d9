"""rollups: summary rows kept current by the writes (insights, equity), filled from the data

idea_day_counts and person_activity feed /ideas/insights; cycle_recipients,
cycle_nominator_pairs and cycle_nominators feed /admin/equity. The upgrade fills them from the
existing rows with the same recount `flask rollups rebuild` uses.

Revision ID: 0012_rollups
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision: str = "0012_rollups"
down_revision: str | None = "0011_recognition_social"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idea_day_counts",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("ideas", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "level", "day", "dimension", "value", name=op.f("pk_idea_day_counts")
        ),
    )
    op.create_table(
        "person_activity",
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_active_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_person_activity")),
    )
    op.create_index(
        "ix_person_activity_last_active_on", "person_activity", ["last_active_on"], unique=False
    )
    op.create_table(
        "cycle_recipients",
        sa.Column("cycle_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("awards", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("cycle_id", "person_id", name=op.f("pk_cycle_recipients")),
    )
    op.create_table(
        "cycle_nominator_pairs",
        sa.Column("cycle_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("nominator_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("nominee_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("nominations", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "cycle_id", "nominator_id", "nominee_id", name=op.f("pk_cycle_nominator_pairs")
        ),
    )
    op.create_table(
        "cycle_nominators",
        sa.Column("cycle_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("nominator_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("nominations", sa.Integer(), nullable=False),
        sa.Column("top_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("cycle_id", "nominator_id", name=op.f("pk_cycle_nominators")),
    )
    op.create_index(
        "ix_cycle_nominators_cycle_id_nominations",
        "cycle_nominators",
        ["cycle_id", "nominations"],
        unique=False,
    )
    op.create_index(
        "ix_users_active_department_id", "users", ["active", "department_id"], unique=False
    )
    op.create_index("ix_nominations_status_id", "nominations", ["status", "id"], unique=False)
    _fill()


def _fill() -> None:
    """Count the existing rows; the rebuild reads only columns this revision already has.

    Only this revision's tables: later revisions fill their own (0014 the headcounts).
    """
    from portal.ideas.rollups.recount import rebuild_idea_rollups
    from portal.recognition.rollups.recount import rebuild_recognition_rollups

    session = Session(bind=op.get_bind())
    rebuild_idea_rollups(session)
    rebuild_recognition_rollups(session)
    session.flush()


def downgrade() -> None:
    op.drop_index("ix_nominations_status_id", table_name="nominations")
    op.drop_index("ix_users_active_department_id", table_name="users")
    op.drop_index("ix_cycle_nominators_cycle_id_nominations", table_name="cycle_nominators")
    op.drop_table("cycle_nominators")
    op.drop_table("cycle_nominator_pairs")
    op.drop_table("cycle_recipients")
    op.drop_index("ix_person_activity_last_active_on", table_name="person_activity")
    op.drop_table("person_activity")
    op.drop_table("idea_day_counts")
