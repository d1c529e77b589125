"""One rule for provider ids (``django_nextauth/provider_id.py``), whatever the type."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from django_nextauth.exceptions import ConfigurationError
from django_nextauth.oauth import OAuthConfig
from django_nextauth.provider_id import PROVIDER_ID, check_provider_id
from django_nextauth.providers import load_providers

ACME: dict[str, Any] = {
    "type": "oauth",
    "authorization": "https://acme.example/authorize",
    "token": "https://acme.example/token",
    "userinfo": "https://acme.example/user",
    "client_id": "cid",
    "client_secret": "cs",
}


def accepted(provider_id: str) -> tuple[bool, bool, bool]:
    """Whether a credentials entry, an OAuth entry and the OAuth core accept the id."""
    results = []
    for build in (
        lambda: load_providers([{"id": provider_id, "type": "credentials"}]),
        lambda: load_providers([{**ACME, "id": provider_id}]),
        lambda: OAuthConfig.from_settings({**ACME, "id": provider_id}, "P"),
    ):
        try:
            build()
        except ConfigurationError as exc:
            assert "URL-safe" in str(exc)
            results.append(False)
        else:
            results.append(True)
    return results[0], results[1], results[2]


@pytest.mark.parametrize("provider_id", ["-a", "_a", "a.b", "a/b", "a" * 65, "é"])
def test_every_type_refuses_the_same_ids(provider_id: str) -> None:
    assert accepted(provider_id) == (False, False, False)


@pytest.mark.parametrize("provider_id", ["a", "corp-sso", "x_1", "A" * 64])
def test_every_type_accepts_the_same_ids(provider_id: str) -> None:
    assert accepted(provider_id) == (True, True, True)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="aZ09-_./ é", min_size=0, max_size=66))
def test_the_rule_is_the_regex(value: str) -> None:
    valid = PROVIDER_ID.fullmatch(value) is not None
    try:
        check_provider_id(value, "P['id']")
    except ConfigurationError:
        assert not valid
    else:
        assert valid
