"""recognition social: celebrations (one per person per award) and short comments on awards;
notifications indexed by link for the grouped list

Revision ID: 0011_recognition_social
Revises: 0009
Create Date: 2026-12-06 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.core.db

revision: str = "0011_recognition_social"
down_revision: str | None = "0010_ideas_experience"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "celebrations",
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_celebrations_nomination_id_nominations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_celebrations_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("nomination_id", "user_id", name=op.f("pk_celebrations")),
    )
    with op.batch_alter_table("celebrations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_celebrations_user_id"), ["user_id"], unique=False)

    op.create_table(
        "award_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=500), nullable=False),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(body) > 0", name=op.f("ck_award_comments_body_not_empty")),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_award_comments_author_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_award_comments_nomination_id_nominations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_comments")),
    )
    with op.batch_alter_table("award_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_award_comments_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(
            "ix_award_comments_nomination_id_id", ["nomination_id", "id"], unique=False
        )

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index("ix_notifications_user_id_link", ["user_id", "link"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user_id_link")
    op.drop_table("award_comments")
    op.drop_table("celebrations")
