"""Plain text as the portal stores it: no control characters, newlines for line breaks."""

from __future__ import annotations

import re

_LINE_BREAKS = re.compile(r"\r\n?")
# C0 controls but tab and newline, DEL, C1 controls, and lone surrogates (not encodable).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(value: str) -> str:
    """The text without control characters; line breaks become newlines, tabs stay."""
    return _CONTROL_CHARACTERS.sub("", _LINE_BREAKS.sub("\n", value))
