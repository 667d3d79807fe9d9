"""ideas: categories, campaigns, ideas, votes, comments, follows, events, impacts, search

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 20:36:41.487464
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import portal.core.db

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE ideas_fts USING fts5("
    "title, problem, solution, impact, content='ideas', content_rowid='id')",
    "CREATE TRIGGER ideas_fts_insert AFTER INSERT ON ideas BEGIN "
    "INSERT INTO ideas_fts(rowid, title, problem, solution, impact) "
    "VALUES (new.id, new.title, new.problem, new.solution, new.impact); END",
    "CREATE TRIGGER ideas_fts_delete AFTER DELETE ON ideas BEGIN "
    "INSERT INTO ideas_fts(ideas_fts, rowid, title, problem, solution, impact) "
    "VALUES ('delete', old.id, old.title, old.problem, old.solution, old.impact); END",
    "CREATE TRIGGER ideas_fts_update AFTER UPDATE OF title, problem, solution, impact ON ideas "
    "BEGIN "
    "INSERT INTO ideas_fts(ideas_fts, rowid, title, problem, solution, impact) "
    "VALUES ('delete', old.id, old.title, old.problem, old.solution, old.impact); "
    "INSERT INTO ideas_fts(rowid, title, problem, solution, impact) "
    "VALUES (new.id, new.title, new.problem, new.solution, new.impact); END",
]
# An index on the document expression; 0006 replaces it with a stored column and its index.
POSTGRES_SEARCH = [
    "CREATE INDEX ix_ideas_search ON ideas USING gin ("
    "to_tsvector('english', title || ' ' || problem || ' ' || solution || ' ' || impact))",
]

STARTING_CATEGORIES = [
    "Billing and payments",
    "Claims",
    "Communication",
    "Digital experience",
    "Onboarding",
    "Policies and processes",
    "Wait times",
]


def seed_categories(categories: sa.Table) -> None:
    now = datetime.now(UTC)
    op.bulk_insert(
        categories,
        [{"name": name, "active": True, "created_at": now} for name in STARTING_CATEGORIES],
    )


def create_search() -> None:
    bind = op.get_bind()
    statements = SQLITE_SEARCH if bind.dialect.name == "sqlite" else POSTGRES_SEARCH
    for statement in statements:
        op.execute(statement)


def drop_search() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS ideas_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_ideas_search")


def upgrade() -> None:
    categories = op.create_table(
        "categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
        sa.UniqueConstraint("name", name=op.f("uq_categories_name")),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_campaigns_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_campaigns_created_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_campaigns_department_id_departments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaigns_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index("ix_campaigns_starts_on_id", ["starts_on", "id"], unique=False)

    op.create_table(
        "ideas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("solution", sa.Text(), nullable=False),
        sa.Column("impact", sa.Text(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "phone",
                "email",
                "chat",
                "social_media",
                "in_person",
                "website",
                "mobile_app",
                "self_service",
                name="customer_channel",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "under_review",
                "approved",
                "in_progress",
                "implemented",
                "declined",
                "duplicate",
                name="idea_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("vote_count", sa.Integer(), nullable=False),
        sa.Column("comment_count", sa.Integer(), nullable=False),
        sa.Column("hot_score", sa.Float(), nullable=False),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_response_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_activity_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status <> 'duplicate' OR duplicate_of_id IS NOT NULL",
            name=op.f("ck_ideas_duplicate_names_original"),
        ),
        sa.CheckConstraint("comment_count >= 0", name=op.f("ck_ideas_comment_count_not_negative")),
        sa.CheckConstraint(
            "duplicate_of_id IS NULL OR duplicate_of_id <> id", name=op.f("ck_ideas_not_own_dup")
        ),
        sa.CheckConstraint("vote_count >= 0", name=op.f("ck_ideas_vote_count_not_negative")),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_ideas_author_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_ideas_campaign_id_campaigns"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_ideas_category_id_categories"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_ideas_department_id_departments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"], ["ideas.id"], name=op.f("fk_ideas_duplicate_of_id_ideas")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_ideas_owner_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ideas")),
    )
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ideas_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ideas_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ideas_category_id"), ["category_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ideas_channel"), ["channel"], unique=False)
        batch_op.create_index("ix_ideas_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ideas_department_id"), ["department_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_ideas_duplicate_of_id"), ["duplicate_of_id"], unique=False
        )
        batch_op.create_index("ix_ideas_hot_score_id", ["hot_score", "id"], unique=False)
        batch_op.create_index(
            "ix_ideas_last_activity_at_id", ["last_activity_at", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ideas_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(
            "ix_ideas_status_submitted_at", ["status", "submitted_at"], unique=False
        )
        batch_op.create_index("ix_ideas_vote_count_id", ["vote_count", "id"], unique=False)

    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("official", sa.Boolean(), nullable=False),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("edited_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", portal.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_comments_author_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_comments_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comments_author_id"), ["author_id"], unique=False)
        batch_op.create_index("ix_comments_idea_id_id", ["idea_id", "id"], unique=False)

    op.create_table(
        "follows",
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_follows_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_follows_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("idea_id", "user_id", name=op.f("pk_follows")),
    )
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follows_user_id"), ["user_id"], unique=False)

    op.create_table(
        "idea_co_authors",
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["ideas.id"],
            name=op.f("fk_idea_co_authors_idea_id_ideas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_idea_co_authors_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("idea_id", "user_id", name=op.f("pk_idea_co_authors")),
    )
    with op.batch_alter_table("idea_co_authors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idea_co_authors_user_id"), ["user_id"], unique=False)

    op.create_table(
        "idea_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_status",
            sa.Enum(
                "draft",
                "submitted",
                "under_review",
                "approved",
                "in_progress",
                "implemented",
                "declined",
                "duplicate",
                name="idea_event_from_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "draft",
                "submitted",
                "under_review",
                "approved",
                "in_progress",
                "implemented",
                "declined",
                "duplicate",
                name="idea_event_to_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_idea_events_actor_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_idea_events_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_events")),
    )
    with op.batch_alter_table("idea_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idea_events_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index("ix_idea_events_idea_id_id", ["idea_id", "id"], unique=False)

    op.create_table(
        "impacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("what_was_done", sa.Text(), nullable=False),
        sa.Column("measure", sa.String(length=120), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("before", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("after", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_impacts_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_impacts_recorded_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impacts")),
    )
    with op.batch_alter_table("impacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_impacts_idea_id"), ["idea_id"], unique=False)

    op.create_table(
        "votes",
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("voter_id", sa.Integer(), nullable=False),
        sa.Column("created_at", portal.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"], ["ideas.id"], name=op.f("fk_votes_idea_id_ideas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["voter_id"], ["users.id"], name=op.f("fk_votes_voter_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("idea_id", "voter_id", name=op.f("pk_votes")),
    )
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_votes_voter_id"), ["voter_id"], unique=False)
    create_search()
    seed_categories(categories)


def downgrade() -> None:
    drop_search()
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_votes_voter_id"))

    op.drop_table("votes")
    with op.batch_alter_table("impacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_impacts_idea_id"))

    op.drop_table("impacts")
    with op.batch_alter_table("idea_events", schema=None) as batch_op:
        batch_op.drop_index("ix_idea_events_idea_id_id")
        batch_op.drop_index(batch_op.f("ix_idea_events_actor_id"))

    op.drop_table("idea_events")
    with op.batch_alter_table("idea_co_authors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idea_co_authors_user_id"))

    op.drop_table("idea_co_authors")
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follows_user_id"))

    op.drop_table("follows")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index("ix_comments_idea_id_id")
        batch_op.drop_index(batch_op.f("ix_comments_author_id"))

    op.drop_table("comments")
    with op.batch_alter_table("ideas", schema=None) as batch_op:
        batch_op.drop_index("ix_ideas_vote_count_id")
        batch_op.drop_index("ix_ideas_status_submitted_at")
        batch_op.drop_index(batch_op.f("ix_ideas_owner_id"))
        batch_op.drop_index("ix_ideas_last_activity_at_id")
        batch_op.drop_index("ix_ideas_hot_score_id")
        batch_op.drop_index(batch_op.f("ix_ideas_duplicate_of_id"))
        batch_op.drop_index(batch_op.f("ix_ideas_department_id"))
        batch_op.drop_index("ix_ideas_created_at_id")
        batch_op.drop_index(batch_op.f("ix_ideas_channel"))
        batch_op.drop_index(batch_op.f("ix_ideas_category_id"))
        batch_op.drop_index(batch_op.f("ix_ideas_campaign_id"))
        batch_op.drop_index(batch_op.f("ix_ideas_author_id"))

    op.drop_table("ideas")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index("ix_campaigns_starts_on_id")
        batch_op.drop_index(batch_op.f("ix_campaigns_department_id"))

    op.drop_table("campaigns")
    op.drop_table("categories")
