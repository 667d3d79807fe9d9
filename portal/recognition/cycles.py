"""The open review cycle, as recognition needs it to file a nomination.

Review cycles belong to `reviews`, a layer above, so recognition never imports them: the
composition root hands down a finder (`hand_down_open_cycle` in create_app), and the view asks
it for the cycle (`find_open_cycle`), which `nominate` is then given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy.orm import Session

EXTENSION_KEY = "portal.recognition.open_cycle"


@dataclass(frozen=True)
class OpenCycle:
    id: int
    name: str


OpenCycleFinder = Callable[[Session], OpenCycle | None]


def hand_down_open_cycle(app: Flask, finder: OpenCycleFinder) -> None:
    app.extensions[EXTENSION_KEY] = finder


def find_open_cycle(session: Session) -> OpenCycle | None:
    """The cycle open today, from the finder the app was composed with; None when none is."""
    finder: OpenCycleFinder = current_app.extensions[EXTENSION_KEY]
    return finder(session)
