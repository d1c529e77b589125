"""NextAuth's default e-mail normalisation, per version (``email/identifiers.py``).

``tests/interop/test_email_interop.py`` checks the same function against
NextAuth's own code on generated addresses; these are the cases worth naming.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from django_nextauth.dialect import V4, V5
from django_nextauth.email.identifiers import InvalidIdentifier, normalize_identifier
from django_nextauth.identity import js_trim


@pytest.mark.parametrize(
    ("raw", "v4", "v5"),
    [
        ("  Eve@Example.COM\n", "eve@example.com", "eve@example.com"),
        ("eve@example.com,attacker.com", "eve@example.com", "eve@example.com"),
        ("a,b@example.com", "a,b@example.com", "a,b@example.com"),
        ("root@localhost", None, "root@localhost"),
        ("x@y,z.com", None, "x@y"),
        ("a@,b.com", None, None),
        ("eve\uff20example.com", "eve@example.com", "eve@example.com"),  # FULLWIDTH @
        ("eve\uff20example.com\uff20x.io", None, None),
        ("\ufeffeve@example.com\u3000", "eve@example.com", "eve@example.com"),
        ('"eve"@example.com', None, None),
        ("@example.com", None, None),
        ("eve@", None, None),
        ("eve@@example.com", None, None),
        ("", None, None),
        ("eve\ud800@example.com", None, None),
    ],
)
def test_cases(raw: str, v4: str | None, v5: str | None) -> None:
    for rules, expected in ((V4, v4), (V5, v5)):
        if expected is None:
            with pytest.raises(InvalidIdentifier):
                normalize_identifier(raw, rules)
        else:
            assert normalize_identifier(raw, rules) == expected


@pytest.mark.parametrize("raw", [None, 3, ["a@b.c"], {"a": "b"}])
def test_not_a_string(raw: object) -> None:
    with pytest.raises(InvalidIdentifier, match="Missing email"):
        normalize_identifier(raw, V4)


def test_js_trim_differs_from_str_strip() -> None:
    assert js_trim("\x1ca@b.c\ufeff") == "\x1ca@b.c"
    assert "\x1ca@b.c\ufeff".strip() == "a@b.c\ufeff"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_results_are_fixed_points(raw: str) -> None:
    """A normalised address normalises to itself, and has exactly one "@"."""
    for rules in (V4, V5):
        try:
            address = normalize_identifier(raw, rules)
        except InvalidIdentifier:
            continue
        assert address.count("@") == 1 and '"' not in address
        assert normalize_identifier(address, rules) == address
