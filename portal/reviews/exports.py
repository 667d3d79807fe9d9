"""Names of downloaded files: they carry the period, so a folder of exports sorts and reads."""

from __future__ import annotations

import re
from datetime import date
from typing import Protocol


def slug(text: str) -> str:
    """Lower-case letters, digits and single hyphens only: safe in a Content-Disposition."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


def download_name(prefix: str, period: str, extension: str) -> str:
    """`leaderboard-2026-10-01-to-2026-12-31.csv` from a prefix and the period's label."""
    return f"{'-'.join(part for part in (prefix, slug(period)) if part)}.{extension}"


def cycle_file_name(name: str, starts_on: date, ends_on: date, extension: str) -> str:
    """`review-cycle-q4-2026-2026-10-01-to-2026-12-31.csv`."""
    period = f"{name} {starts_on.isoformat()} to {ends_on.isoformat()}"
    return download_name("review-cycle", period, extension)


class _Labelled(Protocol):
    @property
    def label(self) -> str: ...


def leaderboard_file_name(board: _Labelled) -> str:
    """`leaderboard-2026-10-01-to-2026-12-31.csv`, or the cycle's name for a cycle's board."""
    return download_name("leaderboard", board.label, "csv")
