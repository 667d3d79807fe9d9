"""recognition: awards, review cycles, nominations, approvals, flags, points, review packets, privacy choices

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 20:25:51.306824
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.core.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column(
            "tier",
            sa.Enum(
                "spot",
                "quarterly",
                "annual",
                name="award_tier",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column(
            "approval_path",
            sa.Enum(
                "manager",
                "manager_then_skip",
                "committee",
                name="approval_path",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("points >= 0", name=op.f("ck_awards_points_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_awards")),
        sa.UniqueConstraint("name", name=op.f("uq_awards_name")),
    )
    op.create_table(
        "review_cycles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("closed_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_review_cycles_ends_after_start")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_cycles")),
        sa.UniqueConstraint("name", name=op.f("uq_review_cycles_name")),
    )
    with op.batch_alter_table("review_cycles", schema=None) as batch_op:
        batch_op.create_index("ix_review_cycles_dates", ["starts_on", "ends_on"], unique=False)

    op.create_table(
        "award_committee_members",
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["awards.id"],
            name=op.f("fk_award_committee_members_award_id_awards"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_award_committee_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("award_id", "user_id", name=op.f("pk_award_committee_members")),
    )
    with op.batch_alter_table("award_committee_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_award_committee_members_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "nominations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nominator_id", sa.Integer(), nullable=False),
        sa.Column("nominee_id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("awarded_award_id", sa.Integer(), nullable=True),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("team_group_id", sa.String(length=36), nullable=True),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column("confidential_note", sa.Text(), nullable=False),
        sa.Column("evidence_reference", sa.String(length=120), nullable=False),
        sa.Column("customer_words", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "flagged",
                "returned",
                "approved",
                "rejected",
                "withdrawn",
                name="nomination_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("current_level", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("current_level >= 1", name=op.f("ck_nominations_level_positive")),
        sa.CheckConstraint(
            "nominator_id <> nominee_id", name=op.f("ck_nominations_no_self_nomination")
        ),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["awards.id"],
            name=op.f("fk_nominations_award_id_awards"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["awarded_award_id"],
            ["awards.id"],
            name=op.f("fk_nominations_awarded_award_id_awards"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["review_cycles.id"],
            name=op.f("fk_nominations_cycle_id_review_cycles"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["nominator_id"],
            ["users.id"],
            name=op.f("fk_nominations_nominator_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["nominee_id"],
            ["users.id"],
            name=op.f("fk_nominations_nominee_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nominations")),
    )
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nominations_award_id"), ["award_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nominations_cycle_id"), ["cycle_id"], unique=False)
        batch_op.create_index(
            "ix_nominations_nominator_created", ["nominator_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_nominations_nominee_status", ["nominee_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_nominations_status_decided", ["status", "decided_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_nominations_team_group_id"), ["team_group_id"], unique=False
        )
        batch_op.create_index(
            "uq_nominations_live_nominee_award_cycle",
            ["nominator_id", "nominee_id", "award_id", "cycle_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'flagged', 'returned', 'approved')"),
            postgresql_where=sa.text("status IN ('pending', 'flagged', 'returned', 'approved')"),
        )

    op.create_table(
        "approval_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("approver_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approver_id"],
            ["users.id"],
            name=op.f("fk_approval_steps_approver_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_approval_steps_nomination_id_nominations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_steps")),
        sa.UniqueConstraint(
            "nomination_id",
            "level",
            "approver_id",
            name=op.f("uq_approval_steps_nomination_id_level_approver_id"),
        ),
    )
    with op.batch_alter_table("approval_steps", schema=None) as batch_op:
        batch_op.create_index(
            "ix_approval_steps_approver_level",
            ["approver_id", "level", "nomination_id"],
            unique=False,
        )

    op.create_table(
        "integrity_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "reciprocal",
                "ring",
                "concentration",
                "approver_nominated_by_nominee",
                name="flag_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "resolution",
            sa.Enum(
                "cleared",
                "rejected",
                name="flag_resolution",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_integrity_flags_nomination_id_nominations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["users.id"],
            name=op.f("fk_integrity_flags_resolved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_flags")),
    )
    with op.batch_alter_table("integrity_flags", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_integrity_flags_nomination_id"), ["nomination_id"], unique=False
        )
        batch_op.create_index("ix_integrity_flags_open", ["resolved_at", "id"], unique=False)

    op.create_table(
        "nomination_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("from_status", sa.String(length=32), nullable=True),
        sa.Column("to_status", sa.String(length=32), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_nomination_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_nomination_events_nomination_id_nominations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nomination_events")),
    )
    with op.batch_alter_table("nomination_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_nomination_events_actor_id"), ["actor_id"], unique=False
        )
        batch_op.create_index(
            "ix_nomination_events_nomination_id", ["nomination_id", "id"], unique=False
        )

    op.create_table(
        "nomination_traits",
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column(
            "trait",
            sa.Enum(
                "respect",
                "patience",
                "concern",
                "attention",
                "empathy",
                "communication",
                "effective_listening",
                "responsibility",
                "composure",
                "positive_attitude",
                name="trait",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_nomination_traits_nomination_id_nominations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("nomination_id", "trait", name=op.f("pk_nomination_traits")),
    )
    op.create_table(
        "points_ledger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("points >= 0", name=op.f("ck_points_ledger_points_not_negative")),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["awards.id"],
            name=op.f("fk_points_ledger_award_id_awards"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_points_ledger_nomination_id_nominations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_points_ledger_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_points_ledger")),
        sa.UniqueConstraint("nomination_id", name=op.f("uq_points_ledger_nomination_id")),
    )
    with op.batch_alter_table("points_ledger", schema=None) as batch_op:
        batch_op.create_index(
            "ix_points_ledger_user_created", ["user_id", "created_at"], unique=False
        )
    op.create_table(
        "review_packets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("frozen_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["review_cycles.id"],
            name=op.f("fk_review_packets_cycle_id_review_cycles"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_review_packets_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_packets")),
        sa.UniqueConstraint("cycle_id", "user_id", name=op.f("uq_review_packets_cycle_id_user_id")),
    )
    with op.batch_alter_table("review_packets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_packets_user_id"), ["user_id"], unique=False)
    op.create_table(
        "recognition_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("hidden_from_colleagues", sa.Boolean(), nullable=False),
        sa.Column("updated_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_recognition_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_recognition_preferences")),
    )


def downgrade() -> None:
    op.drop_table("recognition_preferences")
    with op.batch_alter_table("review_packets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_packets_user_id"))

    op.drop_table("review_packets")
    with op.batch_alter_table("points_ledger", schema=None) as batch_op:
        batch_op.drop_index("ix_points_ledger_user_created")

    op.drop_table("points_ledger")
    op.drop_table("nomination_traits")
    with op.batch_alter_table("nomination_events", schema=None) as batch_op:
        batch_op.drop_index("ix_nomination_events_nomination_id")
        batch_op.drop_index(batch_op.f("ix_nomination_events_actor_id"))

    op.drop_table("nomination_events")
    with op.batch_alter_table("integrity_flags", schema=None) as batch_op:
        batch_op.drop_index("ix_integrity_flags_open")
        batch_op.drop_index(batch_op.f("ix_integrity_flags_nomination_id"))

    op.drop_table("integrity_flags")
    with op.batch_alter_table("approval_steps", schema=None) as batch_op:
        batch_op.drop_index("ix_approval_steps_approver_level")

    op.drop_table("approval_steps")
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_nominations_live_nominee_award_cycle",
            sqlite_where=sa.text("status IN ('pending', 'flagged', 'returned', 'approved')"),
            postgresql_where=sa.text("status IN ('pending', 'flagged', 'returned', 'approved')"),
        )
        batch_op.drop_index(batch_op.f("ix_nominations_team_group_id"))
        batch_op.drop_index("ix_nominations_status_decided")
        batch_op.drop_index("ix_nominations_nominee_status")
        batch_op.drop_index("ix_nominations_nominator_created")
        batch_op.drop_index(batch_op.f("ix_nominations_cycle_id"))
        batch_op.drop_index(batch_op.f("ix_nominations_award_id"))

    op.drop_table("nominations")
    with op.batch_alter_table("award_committee_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_award_committee_members_user_id"))

    op.drop_table("award_committee_members")
    with op.batch_alter_table("review_cycles", schema=None) as batch_op:
        batch_op.drop_index("ix_review_cycles_dates")

    op.drop_table("review_cycles")
    op.drop_table("awards")
