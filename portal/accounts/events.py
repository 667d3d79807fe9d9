"""What happens to people that higher layers act on, without accounts importing them.

accounts is below recognition, so it cannot re-route a nomination when someone's manager
changes. It announces the change instead; `create_app` connects recognition's receiver (the
composition root hands the higher layer's behaviour down, as with the open review cycle).
Receivers run inside the request's transaction: what they write commits or rolls back with
the change itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from blinker import Namespace
from sqlalchemy.orm import Session

signals = Namespace()
manager_changed = signals.signal("manager-changed")
person_left = signals.signal("person-left")


@dataclass(frozen=True)
class ManagerChange:
    person_id: int
    old_manager_id: int | None
    new_manager_id: int | None


ManagerChangeReceiver = Callable[..., None]
"""Called as receiver(session, changes=[ManagerChange, ...], actor_id=..., by=...): the
acting person's id (None for a directory or the system) and a label for the audit log."""


def on_manager_change(receiver: ManagerChangeReceiver) -> None:
    """Connect a receiver for good (a strong reference: it lives as long as the process)."""
    manager_changed.connect(receiver, weak=False)


def announce_manager_changes(
    session: Session, changes: Sequence[ManagerChange], *, actor_id: int | None, by: str
) -> None:
    """Tell the receivers whose manager changed, from whom to whom; nothing if nobody's did."""
    real = [change for change in changes if change.old_manager_id != change.new_manager_id]
    if real:
        manager_changed.send(session, changes=real, actor_id=actor_id, by=by)


def on_departure(receiver: Callable[..., None]) -> None:
    """Connect a receiver called as receiver(session, person_id=..., actor_id=..., by=...)."""
    person_left.connect(receiver, weak=False)


def announce_departure(session: Session, person_id: int, *, actor_id: int | None, by: str) -> None:
    """Tell the receivers someone was deactivated: what waits on them must go to someone else."""
    person_left.send(session, person_id=person_id, actor_id=actor_id, by=by)
