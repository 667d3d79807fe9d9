"""Imports every model module so the metadata knows every table (Alembic, tests)."""

from portal.accounts.models import Department, InvitationToken, User
from portal.accounts.rollups.models import DepartmentHeadcount
from portal.accounts.sso.models import OidcIdentity
from portal.core.audit import AuditEntry
from portal.core.jobs import Job
from portal.core.mail import OutboxMessage
from portal.ideas.models import (
    Campaign,
    Category,
    Comment,
    Follow,
    Idea,
    IdeaCoAuthor,
    IdeaEvent,
    Impact,
    Vote,
)
from portal.ideas.rollups.models import IdeaDayCount, PersonActivity
from portal.notifications.models import Notification
from portal.recognition.models import (
    ApprovalStep,
    Award,
    AwardComment,
    Celebration,
    IntegrityFlag,
    Nomination,
    NominationEvent,
    NominationTrait,
    PointsLedgerEntry,
    RecognitionPreference,
)
from portal.recognition.rollups.models import CycleNominator, CycleNominatorPair, CycleRecipient
from portal.reviews.models import ReviewCycle, ReviewPacket
from portal.scim.models import ScimAccount, ScimGroup, ScimGroupMember, ScimToken

__all__ = [
    "ApprovalStep",
    "AuditEntry",
    "Award",
    "AwardComment",
    "Campaign",
    "Category",
    "Celebration",
    "Comment",
    "CycleNominator",
    "CycleNominatorPair",
    "CycleRecipient",
    "Department",
    "DepartmentHeadcount",
    "Follow",
    "Idea",
    "IdeaCoAuthor",
    "IdeaDayCount",
    "IdeaEvent",
    "Impact",
    "IntegrityFlag",
    "InvitationToken",
    "Job",
    "Nomination",
    "NominationEvent",
    "NominationTrait",
    "Notification",
    "OidcIdentity",
    "OutboxMessage",
    "PersonActivity",
    "PointsLedgerEntry",
    "RecognitionPreference",
    "ReviewCycle",
    "ReviewPacket",
    "ScimAccount",
    "ScimGroup",
    "ScimGroupMember",
    "ScimToken",
    "User",
    "Vote",
]
