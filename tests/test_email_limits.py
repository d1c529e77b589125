"""django_nextauth.email.limits: sign-in links per mailbox (``+tag`` folded) and per client IP,
on the local-memory cache and on a real Redis."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from django_nextauth.email.limits import mailbox
from tests.test_email_flow import AUTH, ask, error_url
from tests.test_ratelimit_counters import redis  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        ("dave@gmail.com", "dave@gmail.com"),
        ("Dave+1@Gmail.com", "dave@gmail.com"),
        ("dave+a+b@example.com", "dave@example.com"),
        ("+tag@example.com", "+tag@example.com"),  # no mailbox name before the tag: kept
        ("d.a.v.e@gmail.com", "d.a.v.e@gmail.com"),  # dots are not folded
        ("+15550100", "+15550100"),  # a custom identifier that is no address
    ],
)
def test_mailbox(identifier: str, expected: str) -> None:
    assert mailbox(identifier) == expected


@pytest.fixture(params=["locmem", pytest.param("redis", marks=pytest.mark.services)])
def limiter(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The ``NEXTAUTH`` keys that put the limiter on the cache under test."""
    if request.param == "locmem":
        return {}
    request.getfixturevalue("redis")
    return {"RATE_LIMIT": {"CACHE": "limiter"}}


def test_plus_tags_share_the_mailboxs_allowance(
    client: Client, email_setup: Any, version: str, limiter: dict[str, Any], mailoutbox: Any
) -> None:
    email_setup({"rate_limit": {"EMAIL": 5, "IP": None}}, **limiter)
    answers = [ask(client, f"dave+{n}@gmail.com")["Location"] for n in range(1, 21)]
    assert all(url.startswith(f"{AUTH}/verify-request") for url in answers[:5])
    assert answers[5:] == [error_url(version, "TooManyAttempts")] * 15
    assert len(mailoutbox) == 5
    # The mailbox is counted whichever client asks, and whatever the case.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert ask(other, "DAVE@gmail.com")["Location"] == error_url(version, "TooManyAttempts")
    assert ask(other, "d.ave@gmail.com")["Location"].startswith(f"{AUTH}/verify-request")
