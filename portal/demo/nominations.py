"""Demo nominations: a year of recognition made through the recognition services. Approved
awards fill the wall, the leaderboards and last half-year's packets; a few still wait for the
demo manager and director; one is held by an integrity check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.core.db import utcnow
from portal.recognition.cycles import OpenCycle
from portal.recognition.models import (
    Award,
    Nomination,
    NominationEvent,
    NominationStatus,
    PointsLedgerEntry,
)
from portal.recognition.services.deciding import Decision, decide_nomination
from portal.recognition.services.nominating import NominationRequest, nominate
from portal.recognition.services.state import approvers_at
from portal.reviews.models import ReviewCycle

DEMO_BASE_URL = "http://127.0.0.1:5000"
ALL = 99  # approve every step
# History the portal keeps append-only; the demo dates what it made once, through the tables.
EVENTS = cast(Table, NominationEvent.__table__)
LEDGER = cast(Table, PointsLedgerEntry.__table__)


@dataclass(frozen=True)
class DemoNomination:
    nominator: str
    nominee: str
    award: str
    traits: tuple[str, ...]
    citation: str
    days_ago: int
    approved_steps: int = ALL  # how many steps approvers have approved so far
    customer_words: str = ""
    earlier_cycle: bool = False  # in last half-year's cycle, closed since


NOMINATIONS = [
    # Last half-year: approved, in the packets frozen when its cycle closed.
    DemoNomination(
        "colleague@example.com",
        "employee@example.com",
        "Customer Hero",
        ("empathy", "patience"),
        "Stayed on the line for an hour with a widowed member to sort out her late husband's "
        "policy, then called her back the next day as promised.",
        200,
        customer_words="She made the worst week of my year a little easier.",
        earlier_cycle=True,
    ),
    DemoNomination(
        "harper.weber@example.com",
        "indy.dubois@example.com",
        "Calm in the Storm",
        ("composure", "respect"),
        "Kept calm and kind with a member shouting about a delayed flood claim, and found the "
        "missing surveyor report while he was still on the phone.",
        185,
        earlier_cycle=True,
    ),
    DemoNomination(
        "lead.member@example.com",
        "blair.khan@example.com",
        "Service Star of the Quarter",
        ("responsibility", "communication", "attention"),
        "Rewrote our policy summaries in plain language and trained the whole team to use them.",
        190,
        earlier_cycle=True,
    ),
    DemoNomination(
        "taylor.quist@example.com",
        "umi.xu@example.com",
        "Listening Ear",
        ("effective_listening",),
        "Heard that a caller's real worry was her son's car, not her own, and fixed both.",
        175,
        earlier_cycle=True,
    ),
    DemoNomination(
        "noel.evans@example.com",
        "reese.chen@example.com",
        "Customer Hero",
        ("concern", "positive_attitude"),
        "Stayed late to get a member's locked account open before his mortgage deadline.",
        170,
        customer_words="Reese saved my house purchase. I cannot thank him enough.",
        earlier_cycle=True,
    ),
    # This half-year: approved, on the wall and the leaderboards.
    DemoNomination(
        "devon.young@example.com",
        "employee@example.com",
        "Listening Ear",
        ("effective_listening", "empathy"),
        "Noticed a member sounded confused and gently found out she had just lost her sight; "
        "set her up with large-print letters the same day.",
        100,
        customer_words="Emery was so patient with me. I felt looked after.",
    ),
    DemoNomination(
        "kai.nguyen@example.com",
        "colleague@example.com",
        "Calm in the Storm",
        ("composure", "patience"),
        "Talked a member through a car accident at the roadside, calmly, until help arrived.",
        60,
    ),
    DemoNomination(
        "wren.hughes@example.com",
        "taylor.quist@example.com",
        "Customer Hero",
        ("responsibility", "concern"),
        "Drove a replacement card to an elderly member who was stranded without money.",
        40,
        customer_words="I did not expect a bank to care that much.",
    ),
    DemoNomination(
        "employee@example.com",
        "umi.xu@example.com",
        "Calm in the Storm",
        ("composure", "communication"),
        "Handled the phone queue alone during the outage and kept every caller informed.",
        25,
    ),
    DemoNomination(
        "parker.silva@example.com",
        "noel.evans@example.com",
        "Customer Hero",
        ("attention", "responsibility"),
        "Spotted that members were being charged twice and had it fixed within the hour.",
        18,
    ),
    DemoNomination(
        "manager@example.com",
        "employee@example.com",
        "Service Star of the Quarter",
        ("positive_attitude", "respect", "patience"),
        "Top member satisfaction on the team all quarter, and always the first to help a "
        "new colleague.",
        12,
    ),
    DemoNomination(
        "frankie.ito@example.com",
        "elliot.baker@example.com",
        "Listening Ear",
        ("effective_listening",),
        "Listened past the complaint to the real problem: a letter the member could not read.",
        8,
    ),
    DemoNomination(
        "lead.claims@example.com",
        "harper.weber@example.com",
        "Customer Hero",
        ("concern", "responsibility"),
        "Settled a storm claim in a day so a family could move back home before the weekend.",
        3,
        customer_words="Harper got us home. Thank you.",
    ),
    # Still waiting: for the demo manager, for the director, for a team lead.
    DemoNomination(
        "yael.okafor@example.com",
        "colleague@example.com",
        "Calm in the Storm",
        ("composure", "empathy"),
        "Stayed gentle and clear with a member in tears about a rejected claim, and found the "
        "appeal route that got it paid.",
        2,
        approved_steps=0,
    ),
    DemoNomination(
        "lead.contact@example.com",
        "colleague@example.com",
        "Member Advocate of the Year",
        ("respect", "concern", "responsibility", "positive_attitude"),
        "A year of putting members first: the callback rota, the plain-language letters and "
        "countless evenings helping colleagues with hard calls.",
        5,
        approved_steps=0,
    ),
    DemoNomination(
        "cameron.rossi@example.com",
        "employee@example.com",
        "Service Star of the Quarter",
        ("communication", "attention"),
        "Answered every social media question within the hour for a whole quarter.",
        6,
        approved_steps=1,
    ),
    DemoNomination(
        "lead.member@example.com",
        "manager@example.com",
        "Customer Hero",
        ("responsibility", "positive_attitude"),
        "Took the escalated calls himself on the busiest day of the year so his team could "
        "breathe.",
        4,
        approved_steps=0,
    ),
    DemoNomination(
        "employee@example.com",
        "logan.usman@example.com",
        "Listening Ear",
        ("effective_listening", "concern"),
        "Heard a member's worry about paying the excess and set up instalments for him.",
        1,
        approved_steps=0,
    ),
    # Held for a second look: Umi returns Emery's nomination within weeks (reciprocal).
    DemoNomination(
        "umi.xu@example.com",
        "employee@example.com",
        "Customer Hero",
        ("positive_attitude",),
        "Always cheerful on the phones, even on the hardest days.",
        1,
        approved_steps=0,
    ),
]


def _approve_steps(session: Session, nomination: Nomination, steps: int) -> None:
    """Approvers approve up to `steps` steps, each by an approver the rules allow."""
    decided: set[int] = set()
    for _ in range(steps):
        if nomination.status is not NominationStatus.PENDING:
            return
        approver_ids = approvers_at(session, nomination.id, nomination.current_level)
        parties = {nomination.nominator_id, nomination.nominee_id} | decided
        approver = session.get(User, next(i for i in approver_ids if i not in parties))
        assert approver is not None
        decide_nomination(
            session,
            approver,
            nomination.id,
            Decision.APPROVE,
            version=nomination.version,
            base_url=DEMO_BASE_URL,
        )
        decided.add(approver.id)


def _date(session: Session, nomination: Nomination, days_ago: int) -> None:
    """Date the nomination, its events and its points as if made `days_ago` days ago and
    decided over the next two days."""
    now = utcnow()
    made = now - timedelta(days=days_ago)
    decided: datetime = min(made + timedelta(days=2), now - timedelta(hours=1))
    nomination.created_at = made
    if nomination.decided_at is not None:
        nomination.decided_at = decided
    session.flush()
    session.execute(
        update(EVENTS)
        .where(EVENTS.c.nomination_id == nomination.id)
        .values(created_at=decided if days_ago > 0 else made)
    )
    session.execute(
        update(EVENTS)
        .where(EVENTS.c.nomination_id == nomination.id, EVENTS.c.action == "submitted")
        .values(created_at=made)
    )
    session.execute(
        update(LEDGER).where(LEDGER.c.nomination_id == nomination.id).values(created_at=decided)
    )


def _days_ago(plan: DemoNomination, cycle: ReviewCycle) -> int:
    """The plan's age, moved inside its cycle's days whatever the date the demo is loaded."""
    today = utcnow().date()
    oldest = (today - cycle.starts_on).days
    youngest = max((today - cycle.ends_on).days, 0)
    return max(min(plan.days_ago, oldest), youngest)


def load_demo_nominations(session: Session, current: ReviewCycle, earlier: ReviewCycle) -> int:
    """Make the demo nominations, oldest first; returns how many."""
    people = {user.email: user for user in session.scalars(select(User))}
    awards = {award.name: award.id for award in session.scalars(select(Award))}
    plans = sorted(NOMINATIONS, key=lambda plan: -plan.days_ago)
    for plan in plans:
        request = NominationRequest(
            colleague_email=plan.nominee,
            award_id=awards[plan.award],
            traits=list(plan.traits),
            citation=plan.citation,
            customer_words=plan.customer_words,
        )
        cycle = earlier if plan.earlier_cycle else current
        [nomination] = nominate(
            session,
            people[plan.nominator],
            request,
            OpenCycle(cycle.id, cycle.name),
            monthly_limit=len(NOMINATIONS),
            base_url=DEMO_BASE_URL,
        )
        _approve_steps(session, nomination, plan.approved_steps)
        _date(session, nomination, _days_ago(plan, cycle))
    return len(plans)
