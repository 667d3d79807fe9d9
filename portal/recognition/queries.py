"""Read-only queries for recognition pages, each a fixed number of statements."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, literal, select, true, tuple_
from sqlalchemy.orm import Session, aliased

from portal.accounts.models import Role, User
from portal.core.pagination import Page, decode_cursor, decode_timestamp_cursor, page_from_rows
from portal.recognition.models import (
    ApprovalStep,
    Award,
    AwardTier,
    IntegrityFlag,
    Nomination,
    NominationEvent,
    NominationStatus,
    NominationTrait,
    RecognitionPreference,
    StepRoute,
    Trait,
)
from portal.recognition.services import LEVEL_APPROVALS, involved_in


@dataclass(frozen=True)
class NominationCard:
    id: int
    version: int
    status: NominationStatus
    nominee_id: int
    nominee_name: str
    nominator_id: int
    nominator_name: str
    award_name: str
    award_tier: AwardTier
    points: int
    citation: str
    confidential_note: str
    evidence_reference: str
    customer_words: str
    team_group_id: str | None
    created_at: datetime
    decided_at: datetime | None
    traits: list[Trait]


def _card_query() -> tuple[Select, type[User], type[User], type[Award]]:
    nominee = aliased(User)
    nominator = aliased(User)
    award = aliased(Award)
    query = (
        select(
            Nomination,
            nominee.display_name,
            nominator.display_name,
            award.name,
            award.tier,
            award.points,
        )
        .join(nominee, Nomination.nominee_id == nominee.id)
        .join(nominator, Nomination.nominator_id == nominator.id)
        .join(award, func.coalesce(Nomination.awarded_award_id, Nomination.award_id) == award.id)
    )
    return query, nominee, nominator, award


def _traits_of(session: Session, nomination_ids: list[int]) -> dict[int, list[Trait]]:
    traits: dict[int, list[Trait]] = defaultdict(list)
    if not nomination_ids:
        return traits
    rows = session.execute(
        select(NominationTrait.nomination_id, NominationTrait.trait).where(
            NominationTrait.nomination_id.in_(nomination_ids)
        )
    )
    order = list(Trait)
    for nomination_id, trait in rows:
        traits[nomination_id].append(trait)
    for values in traits.values():
        values.sort(key=order.index)
    return traits


def _cards(session: Session, rows) -> list[NominationCard]:
    rows = list(rows)
    traits = _traits_of(session, [row[0].id for row in rows])
    return [
        NominationCard(
            id=nomination.id,
            version=nomination.version,
            status=nomination.status,
            nominee_id=nomination.nominee_id,
            nominee_name=nominee_name,
            nominator_id=nomination.nominator_id,
            nominator_name=nominator_name,
            award_name=award_name,
            award_tier=tier,
            points=points,
            citation=nomination.citation,
            confidential_note=nomination.confidential_note,
            evidence_reference=nomination.evidence_reference,
            customer_words=nomination.customer_words,
            team_group_id=nomination.team_group_id,
            created_at=nomination.created_at,
            decided_at=nomination.decided_at,
            traits=traits.get(nomination.id, []),
        )
        for nomination, nominee_name, nominator_name, award_name, tier, points in rows
    ]


@dataclass(frozen=True)
class PendingApproval:
    """A nomination waiting for the approver, with where it stands on its path."""

    card: NominationCard
    step: int
    steps: int
    route: StepRoute
    # The award first nominated for, once an earlier step approved it at a lower tier.
    nominated_award: str | None
    # (step, approver's name) of each step already approved.
    approved_by: list[tuple[int, str]]


ApprovedSteps = dict[int, list[tuple[int, str]]]


def _approved_steps(session: Session, nomination_ids: list[int]) -> ApprovedSteps:
    approved: ApprovedSteps = defaultdict(list)
    if not nomination_ids:
        return approved
    rows = session.execute(
        select(NominationEvent.nomination_id, NominationEvent.level, User.display_name)
        .join(User, NominationEvent.actor_id == User.id)
        .where(
            NominationEvent.nomination_id.in_(nomination_ids),
            NominationEvent.action.in_(LEVEL_APPROVALS),
        )
        .order_by(NominationEvent.nomination_id, NominationEvent.level)
    )
    for nomination_id, level, name in rows:
        approved[nomination_id].append((level, name))
    return approved


def list_pending_approvals(
    session: Session, approver_id: int, *, cursor: str | None = None, limit: int = 25
) -> Page[PendingApproval]:
    """Nominations waiting for this person at their current level, oldest first, with who
    approved the steps before: three statements."""
    query, *_ = _card_query()
    nominated = aliased(Award)
    steps = (
        select(func.max(ApprovalStep.level))
        .where(ApprovalStep.nomination_id == Nomination.id)
        .correlate(Nomination)
        .scalar_subquery()
    )
    query = (
        query.add_columns(steps, ApprovalStep.route, nominated.name)
        .join(
            ApprovalStep,
            (ApprovalStep.nomination_id == Nomination.id)
            & (ApprovalStep.level == Nomination.current_level),
        )
        .join(nominated, Nomination.award_id == nominated.id)
        .where(
            ApprovalStep.approver_id == approver_id,
            Nomination.status == NominationStatus.PENDING,
        )
        .order_by(Nomination.id)
        .limit(limit + 1)
    )
    key = decode_cursor(cursor, 1, (int,))
    if key is not None:
        query = query.where(Nomination.id > key[0])
    rows = list(session.execute(query))
    cards = _cards(session, [row[:6] for row in rows])
    approved = _approved_steps(session, [card.id for card in cards])
    items = [
        PendingApproval(
            card,
            step=row[0].current_level,
            steps=row[6],
            route=row[7],
            nominated_award=row[8] if row[0].awarded_award_id is not None else None,
            approved_by=approved.get(card.id, []),
        )
        for card, row in zip(cards, rows, strict=True)
    ]
    return page_from_rows(items, limit, lambda item: (item.card.id,))


@dataclass(frozen=True)
class ApprovalsPage:
    page: Page[PendingApproval]
    lower_awards: list[Award]


def get_approvals_page(
    session: Session, approver_id: int, *, cursor: str | None = None, limit: int = 25
) -> ApprovalsPage:
    """The approvals queue and the awards an approver may choose instead: four statements."""
    return ApprovalsPage(
        list_pending_approvals(session, approver_id, cursor=cursor, limit=limit),
        list_awards(session, active_only=True),
    )


def _visible_to(viewer: User):
    """Awards of people who keep them from colleagues show only to admins and to themselves."""
    if viewer.is_admin:
        return true()
    hidden = select(RecognitionPreference.user_id).where(
        RecognitionPreference.hidden_from_colleagues.is_(True),
        RecognitionPreference.user_id != viewer.id,
    )
    return Nomination.nominee_id.not_in(hidden)


def list_wall(
    session: Session, viewer: User, *, cursor: str | None = None, limit: int = 25
) -> Page[NominationCard]:
    """Approved awards the viewer may see, newest first: two statements."""
    query, *_ = _card_query()
    query = (
        query.where(Nomination.status == NominationStatus.APPROVED, _visible_to(viewer))
        .order_by(Nomination.decided_at.desc(), Nomination.id.desc())
        .limit(limit + 1)
    )
    key = decode_timestamp_cursor(cursor)
    if key is not None:
        decided_at, nomination_id = key
        query = query.where(
            tuple_(Nomination.decided_at, Nomination.id)
            < tuple_(literal(decided_at, Nomination.decided_at.type), literal(nomination_id))
        )
    cards = _cards(session, session.execute(query))
    return page_from_rows(cards, limit, lambda card: (card.decided_at.isoformat(), card.id))


@dataclass(frozen=True)
class PersonAward:
    nomination_id: int
    award_name: str
    tier: AwardTier
    citation: str
    nominator_name: str
    decided_at: datetime


def list_person_awards(session: Session, user_id: int, viewer: User) -> list[PersonAward]:
    """A person's approved awards for their profile, if the viewer may see them: one statement."""
    nominator = aliased(User)
    rows = session.execute(
        select(
            Nomination.id,
            Award.name,
            Award.tier,
            Nomination.citation,
            nominator.display_name,
            Nomination.decided_at,
        )
        .join(Award, func.coalesce(Nomination.awarded_award_id, Nomination.award_id) == Award.id)
        .join(nominator, Nomination.nominator_id == nominator.id)
        .where(
            Nomination.nominee_id == user_id,
            Nomination.status == NominationStatus.APPROVED,
            _visible_to(viewer),
        )
        .order_by(Nomination.decided_at.desc(), Nomination.id.desc())
        .limit(100)
    )
    return [PersonAward(*row) for row in rows]


@dataclass(frozen=True)
class SentNomination:
    card: NominationCard
    last_note: str


def list_sent_nominations(
    session: Session, nominator_id: int, *, cursor: str | None = None, limit: int = 25
) -> Page[SentNomination]:
    """What a person nominated, newest first, with the latest decision note: two statements."""
    latest = (
        select(NominationEvent.nomination_id, func.max(NominationEvent.id).label("event_id"))
        .group_by(NominationEvent.nomination_id)
        .subquery()
    )
    query, *_ = _card_query()
    query = (
        query.add_columns(NominationEvent.note)
        .outerjoin(latest, latest.c.nomination_id == Nomination.id)
        .outerjoin(NominationEvent, NominationEvent.id == latest.c.event_id)
        .where(Nomination.nominator_id == nominator_id)
        .order_by(Nomination.id.desc())
        .limit(limit + 1)
    )
    key = decode_cursor(cursor, 1, (int,))
    if key is not None:
        query = query.where(Nomination.id < key[0])
    rows = list(session.execute(query))
    cards = _cards(session, [row[:6] for row in rows])
    items = [SentNomination(card, row[6] or "") for card, row in zip(cards, rows, strict=True)]
    return page_from_rows(items, limit, lambda item: (item.card.id,))


@dataclass(frozen=True)
class SentPage:
    page: Page[SentNomination]
    hidden_from_colleagues: bool


def get_sent_page(
    session: Session, user_id: int, *, cursor: str | None = None, limit: int = 25
) -> SentPage:
    """My nominations and my privacy choice: three statements."""
    hidden = session.scalar(
        select(RecognitionPreference.hidden_from_colleagues).where(
            RecognitionPreference.user_id == user_id
        )
    )
    page = list_sent_nominations(session, user_id, cursor=cursor, limit=limit)
    return SentPage(page, bool(hidden))


@dataclass(frozen=True)
class FlagRow:
    flag_id: int
    kind: str
    reason: str
    created_at: datetime
    card: NominationCard
    # Admins who are not part of the nomination: only they resolve its flags.
    resolvers: list[str]
    viewer_may_resolve: bool


def _active_admins(session: Session) -> list[tuple[int, str]]:
    rows = session.execute(
        select(User.id, User.display_name)
        .where(User.role == Role.ADMIN, User.active.is_(True))
        .order_by(User.display_name, User.id)
    )
    return [(admin_id, name) for admin_id, name in rows]


def list_open_flags(
    session: Session, viewer_id: int, *, cursor: str | None = None, limit: int = 25
) -> Page[FlagRow]:
    """Unresolved integrity flags with their nomination and the admins free to resolve them,
    oldest first: four statements."""
    query, *_ = _card_query()
    query = (
        query.add_columns(
            IntegrityFlag.id, IntegrityFlag.kind, IntegrityFlag.reason, IntegrityFlag.created_at
        )
        .join(IntegrityFlag, IntegrityFlag.nomination_id == Nomination.id)
        .where(IntegrityFlag.resolved_at.is_(None), Nomination.status == NominationStatus.FLAGGED)
        .order_by(IntegrityFlag.id)
        .limit(limit + 1)
    )
    key = decode_cursor(cursor, 1, (int,))
    if key is not None:
        query = query.where(IntegrityFlag.id > key[0])
    rows = list(session.execute(query))
    cards = _cards(session, [row[:6] for row in rows])
    involved = involved_in(session, [card.id for card in cards])
    admins = _active_admins(session)
    items = []
    for card, row in zip(cards, rows, strict=True):
        part = involved.get(card.id, set())
        resolvers = [name for admin_id, name in admins if admin_id not in part]
        items.append(
            FlagRow(row[6], row[7].value, row[8], row[9], card, resolvers, viewer_id not in part)
        )
    return page_from_rows(items, limit, lambda item: (item.flag_id,))


def list_awards(session: Session, *, active_only: bool = False) -> list[Award]:
    query = select(Award).order_by(Award.tier, Award.name)
    if active_only:
        query = query.where(Award.active.is_(True))
    return list(session.scalars(query))


def list_colleagues(session: Session, search: str, limit: int = 8) -> list[User]:
    """Active people whose name or email starts a word with the text, for autocomplete."""
    text = search.strip().lower().replace("\\", "").replace("%", "").replace("_", "")
    if len(text) < 2:
        return []
    pattern = f"%{text}%"
    return list(
        session.scalars(
            select(User)
            .where(
                User.active.is_(True),
                func.lower(User.display_name).like(pattern) | User.email.like(pattern),
            )
            .order_by(User.display_name, User.id)
            .limit(limit)
        )
    )
