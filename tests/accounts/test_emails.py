"""Addresses in NFKC form, TR39 skeletons and mixed scripts."""

from __future__ import annotations

import pytest

from portal.accounts.emails import (
    MixedScripts,
    canonical_email,
    mixed_scripts,
    skeleton,
    skeleton_digest,
)

CYRILLIC_A = "\u0430"
CYRILLIC_O = "\u043e"
GREEK_OMICRON = "\u03bf"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Employee@Example.COM ", "employee@example.com"),
        ("\uff45\uff4d\uff50\uff4c\uff4f\uff59\uff45\uff45@example.com", "employee@example.com"),
        ("\ufb01nance@example.com", "finance@example.com"),  # the "fi" ligature
        ("E\u0301mile@example.com", "\u00e9mile@example.com"),  # composed
    ],
)
def test_addresses_are_kept_in_nfkc_lower_case(typed: str, stored: str) -> None:
    assert canonical_email(typed) == stored
    assert canonical_email(stored) == stored


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("paypal@example.com", f"p{CYRILLIC_A}yp{CYRILLIC_A}l@example.com"),
        ("all@example.com", "al1@example.com"),
        ("modern@example.com", "rnodern@example.com"),
        ("bob@example.com", f"b{GREEK_OMICRON}b@example.com"),
        ("ann@example.com", f"ann@ex{CYRILLIC_A}mple.com"),
        ("bob@example.com", "\uff42\uff4f\uff42@example.com"),  # fullwidth, kept from before
    ],
)
def test_look_alikes_share_a_skeleton(one: str, other: str) -> None:
    assert one != other
    assert skeleton(one) == skeleton(other)
    assert skeleton_digest(one) == skeleton_digest(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("ann@example.com", "anne@example.com"), ("joe@example.com", "j0e@example.com")],
)
def test_different_addresses_keep_different_skeletons(one: str, other: str) -> None:
    assert skeleton_digest(one) != skeleton_digest(other)


def test_the_digest_has_a_fixed_length_whatever_the_address() -> None:
    assert {len(skeleton_digest(email)) for email in ("a@b.c", "\U0001d41a" * 250)} == {64}


@pytest.mark.parametrize(
    ("email", "found"),
    [
        (
            f"p{CYRILLIC_A}ypal@example.com",
            MixedScripts(f"p{CYRILLIC_A}ypal", ["Cyrillic", "Latin"]),
        ),
        (
            f"ann@ex{CYRILLIC_A}mple.com",
            MixedScripts(f"ex{CYRILLIC_A}mple", ["Cyrillic", "Latin"]),
        ),
        (
            f"\u0434{CYRILLIC_O}b{GREEK_OMICRON}@example.com",
            MixedScripts(f"\u0434{CYRILLIC_O}b{GREEK_OMICRON}", ["Cyrillic", "Greek", "Latin"]),
        ),
    ],
)
def test_mixed_scripts_are_found_in_the_local_part_or_a_domain_label(
    email: str, found: MixedScripts
) -> None:
    assert mixed_scripts(email) == found


@pytest.mark.parametrize(
    "email",
    [
        "ann.o'neil+ideas@example.com",
        "\u00e9mile@exa\u0308mple.com",
        "\u0438\u0432\u0430\u043d@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444",  # Cyrillic
        "\u5c71\u7530\u3055\u3093@example.jp",  # Han with Hiragana, as Japanese is written
    ],
)
def test_one_script_or_scripts_written_together_pass(email: str) -> None:
    assert mixed_scripts(email) is None
