"""Summary tables of recognition per review cycle, for the equity view."""

from __future__ import annotations

from sqlalchemy import Index
from sqlalchemy.orm import Mapped, mapped_column

from portal.accounts.models import User
from portal.core.db import Base
from portal.recognition.models import Nomination

# The equity view counts active people per department from this index alone.
USERS_BY_DEPARTMENT = Index("ix_users_active_department_id", User.active, User.department_id)
# The approvals queue walks the pending nominations in order (queries/approvals.py).
NOMINATIONS_BY_STATUS = Index("ix_nominations_status_id", Nomination.status, Nomination.id)


class CycleRecipient(Base):
    """Approved awards per person in a review cycle."""

    __tablename__ = "cycle_recipients"

    cycle_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    person_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    awards: Mapped[int] = mapped_column(default=0)


class CycleNominatorPair(Base):
    """Nominations (any status) from one person to another in a review cycle."""

    __tablename__ = "cycle_nominator_pairs"

    cycle_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    nominator_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    nominee_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    nominations: Mapped[int] = mapped_column(default=0)


class CycleNominator(Base):
    """Nominations per nominator in a cycle, and the most any one colleague received from them.

    Nominations are never deleted, so the most only grows: each new nomination raises it to
    its pair's count when that is higher.
    """

    __tablename__ = "cycle_nominators"
    __table_args__ = (Index("ix_cycle_nominators_cycle_id_nominations", "cycle_id", "nominations"),)

    cycle_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    nominator_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    nominations: Mapped[int] = mapped_column(default=0)
    top_count: Mapped[int] = mapped_column(default=0)
