"""comment html: each comment's sanitised HTML is stored when written, not rendered per view

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 21:38:29.202524
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from portal.core.markdown import render_markdown

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
comments = sa.table(
    "comments", sa.column("id", sa.Integer), sa.column("body", sa.Text), sa.column("body_html")
)


def upgrade() -> None:
    # Nullable while existing comments are rendered, then required.
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_html", sa.Text(), nullable=True))
    fill_comment_html(op.get_bind())
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.alter_column("body_html", existing_type=sa.Text(), nullable=False)


def fill_comment_html(connection: sa.Connection) -> None:
    """Renders the existing comments in batches by key, so memory stays flat."""
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(comments.c.id, comments.c.body)
            .where(comments.c.id > last_id)
            .order_by(comments.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        connection.execute(
            comments.update()
            .where(comments.c.id == sa.bindparam("comment_id"))
            .values(body_html=sa.bindparam("html")),
            [{"comment_id": id_, "html": str(render_markdown(body))} for id_, body in rows],
        )
        last_id = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_column("body_html")
