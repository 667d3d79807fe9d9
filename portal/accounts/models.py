from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.accounts.emails import skeleton_digest
from portal.core.db import Base, enum_by_value, utcnow


class Delivery(enum.StrEnum):
    """How a person wants email about their notifications."""

    IMMEDIATE = "immediate"
    DAILY = "daily"
    NONE = "none"


class Role(enum.StrEnum):
    EMPLOYEE = "employee"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return ROLE_RANK[self]


ROLE_RANK = {Role.EMPLOYEE: 0, Role.MANAGER: 1, Role.ADMIN: 2}


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Department {self.name}>"


def _skeleton_of_inserted_email(context: DefaultExecutionContext) -> str:
    """For rows inserted without the ORM (the large-data generator)."""
    return skeleton_digest(context.get_current_parameters()["email"])


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        CheckConstraint("manager_id IS NULL OR manager_id <> id", name="not_own_manager"),
        Index("ix_users_display_name_id", "display_name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # SHA-256 of the address's TR39 skeleton (portal.accounts.emails): no two people may hold
    # look-alike addresses. Empty only for a look-alike kept from before the rule (0007).
    email_skeleton: Mapped[str | None] = mapped_column(
        String(64), unique=True, index=True, default=_skeleton_of_inserted_email
    )
    password_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(120))
    job_title: Mapped[str] = mapped_column(String(120), default="")
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    role: Mapped[Role] = mapped_column(enum_by_value(Role, "role"), default=Role.EMPLOYEE)
    active: Mapped[bool] = mapped_column(default=True)
    session_version: Mapped[int] = mapped_column(default=1)
    notification_delivery: Mapped[Delivery] = mapped_column(
        enum_by_value(Delivery, "notification_delivery"), default=Delivery.IMMEDIATE
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    department: Mapped[Department | None] = relationship(lazy="raise")
    manager: Mapped[User | None] = relationship(remote_side=[id], lazy="raise")

    @validates("email")
    def _keep_skeleton(self, _key: str, email: str) -> str:
        self.email_skeleton = skeleton_digest(email)
        return email

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        # The version makes every cookie issued before a sign-out or password change invalid.
        return f"{self.id}:{self.session_version}"

    def has_role(self, role: Role) -> bool:
        return self.role.rank >= role.rank

    @property
    def is_manager(self) -> bool:
        return self.has_role(Role.MANAGER)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class InvitationToken(Base):
    """A single-use link to set a password; only the token's hash is kept."""

    __tablename__ = "invitation_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="raise")
