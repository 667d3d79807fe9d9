from __future__ import annotations

import enum
import math
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Department, User
from portal.core.db import AppendOnly, Base, enum_by_value, utcnow


class CustomerChannel(enum.StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    CHAT = "chat"
    SOCIAL_MEDIA = "social_media"
    IN_PERSON = "in_person"
    WEBSITE = "website"
    MOBILE_APP = "mobile_app"
    SELF_SERVICE = "self_service"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS = {
    CustomerChannel.PHONE: "Phone",
    CustomerChannel.EMAIL: "Email",
    CustomerChannel.CHAT: "Chat",
    CustomerChannel.SOCIAL_MEDIA: "Social media",
    CustomerChannel.IN_PERSON: "In person",
    CustomerChannel.WEBSITE: "Website",
    CustomerChannel.MOBILE_APP: "Mobile app",
    CustomerChannel.SELF_SERVICE: "Self-service",
}


class IdeaStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    IN_PROGRESS = "in_progress"
    IMPLEMENTED = "implemented"
    DECLINED = "declined"
    DUPLICATE = "duplicate"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


HOT_SCORE_HALF_LIFE_SECONDS = 45_000


def hot_score(vote_count: int, submitted_at: datetime | None) -> float:
    """Trending rank: ``log10(max(votes, 1)) + submitted_epoch_seconds / 45000``.

    Every tenfold rise in votes is worth the same as being 45,000 seconds (12.5 hours) newer,
    so fresh ideas surface and stay up only while votes keep coming. The value depends on the
    vote count and the submission time only, so it is stored (indexed) and recomputed on each
    vote rather than computed per row at read time. An idea not yet submitted has no rank: 0,
    the column's default.
    """
    if submitted_at is None:
        return 0.0
    return math.log10(max(vote_count, 1)) + submitted_at.timestamp() / HOT_SCORE_HALF_LIFE_SECONDS


class Category(Base):
    """An admin-managed list of idea categories."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Campaign(Base):
    """An admin-run call for ideas on one question, for a period, optionally for one department."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        Index("ix_campaigns_starts_on_id", "starts_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    department: Mapped[Department | None] = relationship(lazy="raise")

    def is_open_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class Idea(Base):
    __tablename__ = "ideas"
    __table_args__ = (
        CheckConstraint("vote_count >= 0", name="vote_count_not_negative"),
        CheckConstraint("comment_count >= 0", name="comment_count_not_negative"),
        CheckConstraint("duplicate_of_id IS NULL OR duplicate_of_id <> id", name="not_own_dup"),
        CheckConstraint(
            "status <> 'duplicate' OR duplicate_of_id IS NOT NULL", name="duplicate_names_original"
        ),
        Index("ix_ideas_hot_score_id", "hot_score", "id"),
        Index("ix_ideas_vote_count_id", "vote_count", "id"),
        Index("ix_ideas_created_at_id", "created_at", "id"),
        Index("ix_ideas_last_activity_at_id", "last_activity_at", "id"),
        Index("ix_ideas_status_submitted_at", "status", "submitted_at"),
        Index("ix_ideas_status_hot_score_id", "status", "hot_score", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    impact: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[CustomerChannel | None] = mapped_column(
        enum_by_value(CustomerChannel, "customer_channel"), index=True
    )
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[IdeaStatus] = mapped_column(
        enum_by_value(IdeaStatus, "idea_status"), default=IdeaStatus.DRAFT
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    # The author's department when submitted: it decides which managers review the idea.
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    # Set when every manager of the department wrote the idea: the nearest manager above its
    # author who did not write it reviews it too (see rules.route_review).
    routed_reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    # NO ACTION (checked at the end of the statement) so one DELETE can remove both ideas.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="RESTRICT"), index=True
    )
    vote_count: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)
    hot_score: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="raise")
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], lazy="raise")
    category: Mapped[Category | None] = relationship(lazy="raise")
    department: Mapped[Department | None] = relationship(lazy="raise")
    duplicate_of: Mapped[Idea | None] = relationship(remote_side=[id], lazy="raise")
    campaign: Mapped[Campaign | None] = relationship(lazy="raise")

    @property
    def open_for_votes(self) -> bool:
        return self.status in VOTABLE_STATUSES

    def hidden_from(self, user_id: int) -> bool:
        """A draft is its author's alone: to anyone else it does not exist."""
        return self.status is IdeaStatus.DRAFT and self.author_id != user_id


VOTABLE_STATUSES = frozenset(
    {IdeaStatus.SUBMITTED, IdeaStatus.UNDER_REVIEW, IdeaStatus.APPROVED, IdeaStatus.IN_PROGRESS}
)


class IdeaCoAuthor(Base):
    __tablename__ = "idea_co_authors"

    idea_id: Mapped[int] = mapped_column(
        ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    user: Mapped[User] = relationship(lazy="raise")


class Vote(Base):
    """One vote per person per idea: the primary key holds the rule."""

    __tablename__ = "votes"

    idea_id: Mapped[int] = mapped_column(
        ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True
    )
    voter_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Follow(Base):
    __tablename__ = "follows"

    idea_id: Mapped[int] = mapped_column(
        ForeignKey("ideas.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_idea_id_id", "idea_id", "id"),
        Index("ix_comments_parent_id_id", "parent_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    # A reply's top comment: replies are one level deep, so this is never itself a reply.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    body: Mapped[str] = mapped_column(Text)
    # render_markdown(body), stored when the comment is written: the idea page prints it
    # instead of rendering and sanitising hundreds of comments on every view.
    body_html: Mapped[str] = mapped_column(Text)
    official: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]

    author: Mapped[User] = relationship(lazy="raise")

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


class IdeaEvent(AppendOnly, Base):
    """An immutable line of an idea's timeline: who moved it from what to what, and why."""

    __tablename__ = "idea_events"
    __table_args__ = (Index("ix_idea_events_idea_id_id", "idea_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    from_status: Mapped[IdeaStatus | None] = mapped_column(
        enum_by_value(IdeaStatus, "idea_event_from_status")
    )
    to_status: Mapped[IdeaStatus] = mapped_column(enum_by_value(IdeaStatus, "idea_event_to_status"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User] = relationship(lazy="raise")


class Impact(Base):
    """What an implemented idea changed, measured."""

    __tablename__ = "impacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    what_was_done: Mapped[str] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(40))
    before: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    after: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    measured_on: Mapped[date]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
