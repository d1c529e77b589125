"""When a session began, and whether that was after a revocation (revocation/rule.py)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from django_nextauth.revocation import began_after, mint_sid, sid_millis

SECOND = 1_800_000_000
REVOKED = SECOND * 1000 + 500  # half-way through SECOND


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=0, max_value=(1 << 48) - 1))
def test_a_minted_sid_is_a_uuid7_that_gives_its_millisecond_back(now_ms: int) -> None:
    sid = mint_sid(now_ms)
    parsed = uuid.UUID(sid)
    assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)
    assert sid_millis(sid) == now_ms


def test_minted_sids_differ() -> None:
    assert len({mint_sid(1) for _ in range(100)}) == 100


@pytest.mark.parametrize(
    "sid",
    [
        None,
        7,
        "",
        "not-a-uuid",
        "6483c228-f71b-4d44-ae43-3e52cc2b8d4e",  # a UUIDv4
        "g" * 36,
        "{3365984-062a-4c56-aadd-35d5babfd10f",
    ],
)
def test_other_sids_carry_no_time(sid: Any) -> None:
    assert sid_millis(sid) is None


@pytest.mark.parametrize(
    ("claims", "after"),
    [
        ({"auth_time": SECOND + 1}, True),
        ({"auth_time": SECOND}, False),  # somewhere in SECOND: maybe before
        ({"auth_time": SECOND - 1}, False),
        ({"auth_time": SECOND, "sid": mint_sid(REVOKED + 1)}, True),  # precisely after
        ({"auth_time": SECOND, "sid": mint_sid(REVOKED)}, False),  # the same millisecond
        ({"auth_time": SECOND, "sid": mint_sid(REVOKED - 1)}, False),
        # A sid minted in another second than auth_time says nothing about the sign-in.
        ({"auth_time": SECOND, "sid": mint_sid(REVOKED + 1000)}, False),
        ({"auth_time": SECOND, "sid": str(uuid.uuid4())}, False),
        ({"auth_time": SECOND + 0.6}, True),  # a precise (fractional) sign-in time
        ({"auth_time": SECOND + 0.4}, False),
        ({}, False),
        ({"iat": SECOND + 60}, False),  # iat is renewed by every re-issue: no proof
        ({"auth_time": True}, False),
        ({"auth_time": "1900000000"}, False),
        ({"auth_time": float("inf")}, False),
        ({"auth_time": float("nan")}, False),
    ],
)
def test_began_after(claims: dict[str, Any], after: bool) -> None:
    assert began_after(claims, REVOKED) is after
