"""Email addresses as the portal keeps them, and the look-alike test between two of them.

An address is stored in NFKC form and lower case, so fullwidth and other compatibility
letters collapse into the plain ones. Two addresses that still look alike (Cyrillic U+0430
for Latin “a”, “1” for “l”, “rn” for “m”) share a Unicode TR39 skeleton; the portal keeps a
digest of each person's skeleton under a unique index, so no two people can hold look-alike
addresses, even when two admins add them at the same moment.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from functools import cache

from confusable_homoglyphs import categories, confusables

# Characters that belong to every script: digits, punctuation, combining marks.
SHARED_SCRIPTS = frozenset({"COMMON", "INHERITED"})
# Scripts that are written together (TR39's "highly restrictive" level); any other mix is
# refused within one part of an address.
SCRIPTS_WRITTEN_TOGETHER = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
LEFT_TO_RIGHT_MARK = "\u200e"


def canonical_email(raw: str) -> str:
    """NFKC and lower case: the form an address is stored, looked up and counted in."""
    folded = unicodedata.normalize("NFKC", raw.strip()).lower()
    return unicodedata.normalize("NFKC", folded)


@cache
def _prototypes() -> dict[str, str]:
    """Each confusable character mapped to its TR39 prototype.

    confusable_homoglyphs keeps confusables.txt as pairs listed both ways (U+0430 -> ["a"] and
    "a" -> [..., U+0430]). A character with a single partner that is itself a prototype of
    several, or a sequence, is that partner's source; for a pair of two lone characters
    either can stand for both, so the smaller one does.
    """
    partners = {
        key.replace(LEFT_TO_RIGHT_MARK, ""): [
            glyph["c"].replace(LEFT_TO_RIGHT_MARK, "") for glyph in glyphs
        ]
        for key, glyphs in confusables.confusables_data.items()
    }
    mapping: dict[str, str] = {}
    for char, glyphs in partners.items():
        if len(char) != 1 or len(glyphs) != 1 or not glyphs[0]:
            continue
        target = glyphs[0]
        is_source = len(target) > 1 or len(partners.get(target, ())) > 1
        if is_source or char > target:
            mapping[char] = target
    # A prototype is written in characters that stand for themselves.
    for char, target in mapping.items():
        mapping[char] = "".join(mapping.get(part, part) for part in target)
    return mapping


def skeleton(text: str) -> str:
    """The TR39 skeleton: decompose, replace each character by its prototype, decompose.

    The first decomposition is NFKD rather than TR39's NFD, so that an address kept from
    before NFKC storage (fullwidth letters) still looks like its plain twin.
    """
    prototypes = _prototypes()
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFD", "".join(prototypes.get(char, char) for char in decomposed))


def skeleton_digest(email: str) -> str:
    """What the database keeps and indexes: fixed length, whatever the address."""
    return hashlib.sha256(skeleton(email).encode()).hexdigest()


@dataclass(frozen=True)
class MixedScripts:
    part: str  # the local part or the domain label that mixes them
    scripts: list[str]  # "Cyrillic", "Latin"


def mixed_scripts(email: str) -> MixedScripts | None:
    """The first part of the address that mixes scripts (Latin with Cyrillic...), if any."""
    local, _, domain = email.rpartition("@")
    for part in (local, *domain.split(".")):
        if part.isascii():
            continue  # Latin letters, digits and punctuation only
        scripts = categories.unique_aliases(part) - SHARED_SCRIPTS
        if len(scripts) > 1 and not any(
            scripts <= together for together in SCRIPTS_WRITTEN_TOGETHER
        ):
            return MixedScripts(
                part, sorted(script.replace("_", " ").title() for script in scripts)
            )
    return None
