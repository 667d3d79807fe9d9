"""Every summary table at once: rebuilt after bulk writes, verified against a recount."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.accounts.rollups.recount import rebuild_account_rollups, verify_account_rollups
from portal.ideas.rollups.recount import rebuild_idea_rollups, verify_idea_rollups
from portal.recognition.rollups.recount import (
    rebuild_recognition_rollups,
    verify_recognition_rollups,
)


def rebuild_rollups(session: Session) -> int:
    """Recount every summary row from the raw rows (after a bulk load); returns rows written."""
    return (
        rebuild_account_rollups(session)
        + rebuild_idea_rollups(session)
        + rebuild_recognition_rollups(session)
    )


def verify_rollups(session: Session) -> list[str]:
    """Each difference between the summary rows and a recount of the raw rows."""
    return (
        verify_account_rollups(session)
        + verify_idea_rollups(session)
        + verify_recognition_rollups(session)
    )
