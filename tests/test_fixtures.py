"""The shared fixtures of conftest.py do what they say."""

from __future__ import annotations

from typing import Any

from django.test import Client


def test_signed_in_client_is_signed_in(signed_in_client: Client, version: str, alice: Any) -> None:
    body = signed_in_client.get("/api/auth/session").json()
    assert body["user"] == {
        "name": "Alice Liddell",
        "email": "alice@example.com",
        "image": "https://example.com/alice.png",
    }


def test_session_cookie_follows_the_version(session_cookie: str, version: str) -> None:
    assert session_cookie == {"v4": "next-auth", "v5": "authjs"}[version] + ".session-token"
