"""The contract every registered provider type keeps with the views.

Each type in the registry runs these tests through the real routes. A new
provider type adds one entry to ``EXAMPLES`` (the test below fails until it does).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.http import HttpResponseBase
from django.test import Client

import django_nextauth.providers.email  # noqa: F401  (registers its type)
import django_nextauth.providers.oidc  # noqa: F401 (registers "oauth" and "oidc")
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.providers import Provider, provider_types

FORM = "application/x-www-form-urlencoded"
AUTH = "http://testserver/api/auth"

#: A valid settings entry per provider type.
EXAMPLES: dict[str, dict[str, Any]] = {
    "credentials": {
        "type": "credentials",
        "id": "example",
        "name": "Example",
        "credentials": {"username": {}, "password": {"type": "password"}},
    },
    "oauth": {
        "type": "oauth",
        "id": "acme",
        "name": "Acme",
        "authorization": {"url": "https://acme.example/authorize", "params": {"scope": "a"}},
        "token": "https://acme.example/token",
        "userinfo": "https://acme.example/user",
        "client_id": "id",
        "client_secret": "secret",
    },
    "oidc": {
        "type": "oidc",
        "id": "corp",
        "name": "Corp SSO",
        # The entry fixture's network refuses every connection: begin() reports it.
        "issuer": "http://127.0.0.1:9",
        "client_id": "id",
        "client_secret": "secret",
    },
    "email": {"type": "email", "id": "magic", "name": "Magic link"},
}
#: What ``/providers`` shows instead of the type, per (type, version): v4 says "oauth".
LISTED_TYPE = {("oidc", "v4"): "oauth"}

TYPES = sorted(provider_types())


@pytest.fixture(params=TYPES)
def entry(
    request: pytest.FixtureRequest, version: str, nextauth: Any, offline: None
) -> dict[str, Any]:
    example = EXAMPLES[request.param]
    nextauth(VERSION=version, PROVIDERS=[example])
    return example


def _cls(entry: dict[str, Any]) -> type[Provider]:
    return provider_types()[entry["type"]]


def _post(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, urlencode(data), content_type=FORM)


def test_every_registered_type_has_an_example() -> None:
    assert set(TYPES) <= set(EXAMPLES)


def test_from_settings_builds_and_validates(entry: dict[str, Any]) -> None:
    cls = _cls(entry)
    provider = cls.from_settings(entry, "HERE")
    assert isinstance(provider, cls)
    assert (provider.id, provider.name, provider.type) == (
        entry["id"],
        entry["name"],
        entry["type"],
    )
    assert isinstance(cls.csrf_on_callback, bool)
    assert cls.callback_methods and set(cls.callback_methods) <= {"GET", "HEAD", "POST"}
    with pytest.raises(ConfigurationError, match="HERE"):
        cls.from_settings({**entry, "no_such_option": 1}, "HERE")
    with pytest.raises(ConfigurationError, match=r"HERE\['id'\]"):
        cls.from_settings({**entry, "id": "a b"}, "HERE")


def test_providers_route_lists_it(client: Client, entry: dict[str, Any], version: str) -> None:
    listed = client.get("/api/auth/providers").json()[entry["id"]]
    assert listed == {
        "id": entry["id"],
        "name": entry["name"],
        "type": LISTED_TYPE.get((entry["type"], version), entry["type"]),
        "signinUrl": f"{AUTH}/signin/{entry['id']}",
        "callbackUrl": f"{AUTH}/callback/{entry['id']}",
    }


def test_begin_answers_a_verified_post(client: Client, entry: dict[str, Any]) -> None:
    token = client.get("/api/auth/csrf").json()["csrfToken"]
    response = _post(client, f"/api/auth/signin/{entry['id']}", {"csrfToken": token})
    assert isinstance(response, HttpResponseBase)
    assert 200 <= response.status_code < 400


@pytest.mark.django_db
def test_callback_methods_and_csrf(client: Client, entry: dict[str, Any]) -> None:
    cls = _cls(entry)
    path = f"/api/auth/callback/{entry['id']}"
    for method in {"GET", "HEAD", "POST"} - set(cls.callback_methods):
        assert client.generic(method, path).status_code == 400
    if cls.csrf_on_callback:
        response = _post(client, path, {"csrfToken": "0" * 64, "username": "a", "password": "b"})
        assert response.status_code == 302
        assert "csrf=true" in response["Location"] or "error=MissingCSRF" in response["Location"]
        assert not any("session-token" in name for name in response.cookies)


def test_signin_page_form(client: Client, entry: dict[str, Any]) -> None:
    page = client.get("/api/auth/signin")
    assert page.status_code == 200
    provider = _cls(entry).from_settings(entry, "x")
    if type(provider).signin_form is not Provider.signin_form:
        # Credentials post to their callback (it takes only POST), OAuth buttons and the
        # e-mail form to /signin/<id> (as NextAuth).
        action = "signin" if "GET" in provider.callback_methods else "callback"
        assert f'action="{AUTH}/{action}/{entry["id"]}"'.encode() in page.content
