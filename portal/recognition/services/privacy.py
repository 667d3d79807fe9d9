"""A person's choice to keep their awards from colleagues."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.recognition.models import RecognitionPreference


def set_recognition_privacy(session: Session, actor: User, *, hidden: bool) -> None:
    """Keep one's awards off the wall and profile for colleagues (admins still see them)."""
    preference = session.get(RecognitionPreference, actor.id)
    if preference is None:
        preference = RecognitionPreference(user_id=actor.id)
        session.add(preference)
    preference.hidden_from_colleagues = hidden
    session.flush()
