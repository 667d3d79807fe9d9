from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import AppendOnly, Base, enum_by_value, utcnow


class AwardTier(enum.StrEnum):
    SPOT = "spot"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"

    @property
    def rank(self) -> int:
        return list(AwardTier).index(self)


class ApprovalPath(enum.StrEnum):
    MANAGER = "manager"
    MANAGER_THEN_SKIP = "manager_then_skip"
    COMMITTEE = "committee"


class Trait(enum.StrEnum):
    RESPECT = "respect"
    PATIENCE = "patience"
    CONCERN = "concern"
    ATTENTION = "attention"
    EMPATHY = "empathy"
    COMMUNICATION = "communication"
    EFFECTIVE_LISTENING = "effective_listening"
    RESPONSIBILITY = "responsibility"
    COMPOSURE = "composure"
    POSITIVE_ATTITUDE = "positive_attitude"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class NominationStatus(enum.StrEnum):
    PENDING = "pending"
    FLAGGED = "flagged"
    RETURNED = "returned"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


# rules.LIVE_STATUSES as SQL: a nominator may not nominate the same person again meanwhile.
_LIVE_SQL = "status IN ('pending', 'flagged', 'returned', 'approved')"


class StepRoute(enum.StrEnum):
    """Why a level's approvers are who they are; anything but the first two means the step
    went up because the people it would have gone to are part of the nomination."""

    REPORTING_LINE = "reporting_line"
    COMMITTEE = "committee"
    MANAGER_ABOVE = "manager_above"
    ADMINS = "admins"


class FlagKind(enum.StrEnum):
    RECIPROCAL = "reciprocal"
    RING = "ring"
    CONCENTRATION = "concentration"
    APPROVER_NOMINATED_BY_NOMINEE = "approver_nominated_by_nominee"


class FlagResolution(enum.StrEnum):
    CLEARED = "cleared"
    REJECTED = "rejected"


award_committee_members = Table(
    "award_committee_members",
    Base.metadata,
    Column("award_id", ForeignKey("awards.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Award(Base):
    __tablename__ = "awards"
    __table_args__ = (CheckConstraint("points >= 0", name="points_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(String(1000), default="")
    tier: Mapped[AwardTier] = mapped_column(enum_by_value(AwardTier, "award_tier"))
    points: Mapped[int] = mapped_column(default=0)
    approval_path: Mapped[ApprovalPath] = mapped_column(
        enum_by_value(ApprovalPath, "approval_path"), default=ApprovalPath.MANAGER
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    committee: Mapped[list[User]] = relationship(
        secondary=award_committee_members, lazy="raise", order_by=User.display_name
    )


class Nomination(Base):
    """One nominee's nomination; a team nomination is several rows sharing a team group id."""

    __tablename__ = "nominations"
    __table_args__ = (
        CheckConstraint("nominator_id <> nominee_id", name="no_self_nomination"),
        CheckConstraint("current_level >= 1", name="level_positive"),
        Index(
            "uq_nominations_live_nominee_award_cycle",
            "nominator_id",
            "nominee_id",
            "award_id",
            "cycle_id",
            unique=True,
            sqlite_where=text(_LIVE_SQL),
            postgresql_where=text(_LIVE_SQL),
        ),
        Index("ix_nominations_nominator_created", "nominator_id", "created_at"),
        Index("ix_nominations_nominee_status", "nominee_id", "status"),
        Index("ix_nominations_status_decided", "status", "decided_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nominator_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    nominee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="RESTRICT"), index=True)
    awarded_award_id: Mapped[int | None] = mapped_column(
        ForeignKey("awards.id", ondelete="RESTRICT")
    )
    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("review_cycles.id", ondelete="RESTRICT"), index=True
    )
    team_group_id: Mapped[str | None] = mapped_column(String(36), index=True)
    citation: Mapped[str] = mapped_column(Text)
    confidential_note: Mapped[str] = mapped_column(Text, default="")
    evidence_reference: Mapped[str] = mapped_column(String(120), default="")
    customer_words: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[NominationStatus] = mapped_column(
        enum_by_value(NominationStatus, "nomination_status"), default=NominationStatus.PENDING
    )
    current_level: Mapped[int] = mapped_column(default=1)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    nominator: Mapped[User] = relationship(foreign_keys=[nominator_id], lazy="raise")
    nominee: Mapped[User] = relationship(foreign_keys=[nominee_id], lazy="raise")
    award: Mapped[Award] = relationship(foreign_keys=[award_id], lazy="raise")


class NominationTrait(Base):
    __tablename__ = "nomination_traits"

    nomination_id: Mapped[int] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE"), primary_key=True
    )
    trait: Mapped[Trait] = mapped_column(enum_by_value(Trait, "trait"), primary_key=True)


class ApprovalStep(Base):
    """Who must decide a nomination at one level; any one of a level's approvers decides it."""

    __tablename__ = "approval_steps"
    __table_args__ = (
        UniqueConstraint("nomination_id", "level", "approver_id"),
        Index("ix_approval_steps_approver_level", "approver_id", "level", "nomination_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"))
    level: Mapped[int]
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    route: Mapped[StepRoute] = mapped_column(
        enum_by_value(StepRoute, "step_route"), default=StepRoute.REPORTING_LINE
    )


class NominationEvent(AppendOnly, Base):
    """An immutable record of one action on a nomination."""

    __tablename__ = "nomination_events"
    __table_args__ = (Index("ix_nomination_events_nomination_id", "nomination_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    level: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IntegrityFlag(Base):
    __tablename__ = "integrity_flags"
    __table_args__ = (Index("ix_integrity_flags_open", "resolved_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[FlagKind] = mapped_column(enum_by_value(FlagKind, "flag_kind"))
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[FlagResolution | None] = mapped_column(
        enum_by_value(FlagResolution, "flag_resolution")
    )


class PointsLedgerEntry(AppendOnly, Base):
    """Append-only: one credit per approved nomination, never changed or removed."""

    __tablename__ = "points_ledger"
    __table_args__ = (
        CheckConstraint("points >= 0", name="points_not_negative"),
        Index("ix_points_ledger_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    nomination_id: Mapped[int] = mapped_column(
        ForeignKey("nominations.id", ondelete="RESTRICT"), unique=True
    )
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="RESTRICT"))
    points: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecognitionPreference(Base):
    """A person's choice to keep their awards out of what colleagues see (admins still do)."""

    __tablename__ = "recognition_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    hidden_from_colleagues: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Celebration(Base):
    """One person celebrating one approved award: the primary key keeps it to one each."""

    __tablename__ = "celebrations"

    nomination_id: Mapped[int] = mapped_column(
        ForeignKey("nominations.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AwardComment(Base):
    """A short plain-text word of congratulation under an award on the wall."""

    __tablename__ = "award_comments"
    __table_args__ = (
        Index("ix_award_comments_nomination_id_id", "nomination_id", "id"),
        CheckConstraint("length(body) > 0", name="body_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
