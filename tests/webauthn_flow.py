"""Helpers for the passkey tests: ask for options, answer them, post to the callback."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.test import Client

from tests.authenticator import SoftAuthenticator

FORM = "application/x-www-form-urlencoded"
OPTIONS = "/api/auth/webauthn-options/passkey"
CALLBACK = "/api/auth/callback/passkey"
AFTER = "http://testserver/after"


def options(client: Client, **query: str) -> Any:
    """``GET /webauthn-options/passkey?...`` (the response)."""
    return client.get(OPTIONS, query)


def post(client: Client, action: str, data: Any, *, csrf: bool = True, **extra: Any) -> Any:
    """``POST /callback/passkey`` as next-auth/webauthn's ``signIn`` sends it."""
    body: dict[str, Any] = {"action": action, "data": json.dumps(data), "callbackUrl": AFTER}
    if csrf:
        body["csrfToken"] = client.get("/api/auth/csrf").json()["csrfToken"]
    return client.post(
        CALLBACK,
        urlencode({**body, **extra}),
        content_type=FORM,
        headers={"X-Auth-Return-Redirect": "1"},
    )


def register(
    client: Client, authenticator: SoftAuthenticator, email: str | None = None, **bend: Any
) -> Any:
    """Ask for registration options and answer them (the callback's response)."""
    query = {"action": "register", **({"email": email} if email else {})}
    answer = options(client, **query).json()
    assert answer["action"] == "register"
    return post(client, "register", authenticator.create(answer["options"], **bend))


def authenticate(client: Client, authenticator: SoftAuthenticator, **bend: Any) -> Any:
    answer = options(client, action="authenticate").json()
    return post(client, "authenticate", authenticator.get(answer["options"], **bend))


def error_of(response: Any) -> str | None:
    """The ``error`` of a JSON-redirect answer (``None``: it went to the callback URL)."""
    url = response.json()["url"]
    return parse_qs(urlsplit(url).query).get("error", [None])[0]


def session_of(client: Client) -> Any:
    return client.get("/api/auth/session").json()
