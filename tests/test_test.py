"""django_nextauth.test: signing a test client in, as users' own tests do."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.core import mail
from django.test import AsyncClient, Client

from django_nextauth.db.models import Session
from django_nextauth.dialect import dialect
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.test import alogin, alogout, login, logout, session_token
from tests.conftest import CLAIMS

pytestmark = pytest.mark.django_db

ROLES = {"roles": ["staff"]}


def add_roles(*, token: dict[str, Any], user: Any = None, **kwargs: Any) -> dict[str, Any]:
    if user is not None:
        token.update(username=user.get_username(), **ROLES)
    return token


def refuse(**kwargs: Any) -> None:
    return None


def test_a_user_signs_in_through_the_jwt_callback(
    client: Client, alice: Any, version: str, nextauth: Callable[..., None]
) -> None:
    nextauth(VERSION=version, CALLBACKS={"jwt": add_roles})
    claims = login(client, alice)
    assert claims["sub"] == str(alice.pk)
    assert claims["username"] == "alice"
    assert claims["roles"] == ["staff"]
    assert dialect(version).cookie("session_token", secure=False) in client.cookies
    assert client.get("/decorators/protected/").status_code == 200
    assert client.get("/whoami/").json()["name"] == "Alice Liddell"


def test_claims_are_the_token_as_given(client: Client, version: str) -> None:
    claims = login(client, CLAIMS)
    assert {key: claims[key] for key in CLAIMS} == CLAIMS
    assert client.get("/whoami/").json()["email"] == "alice@example.com"


def test_secure_clients_get_the_secure_cookie(client: Client, alice: Any, version: str) -> None:
    login(client, alice, secure=True)
    assert dialect(version).cookie("session_token", secure=True) in client.cookies
    assert client.get("/whoami/", secure=True).json()["authenticated"] is True
    assert client.get("/whoami/").json()["authenticated"] is False  # http: another cookie


def test_a_refusing_jwt_callback_is_an_error(
    client: Client, alice: Any, nextauth: Callable[..., None]
) -> None:
    nextauth(CALLBACKS={"jwt": refuse})
    with pytest.raises(ValueError, match="jwt callback"):
        login(client, alice)


def test_logout_signs_the_client_out(client: Client, alice: Any, version: str) -> None:
    login(client, alice)
    logout(client)
    assert client.get("/whoami/").json()["authenticated"] is False
    assert not any(morsel.value for morsel in client.cookies.values())


def test_database_sessions_store_a_row(
    client: Client, alice: Any, nextauth: Callable[..., None]
) -> None:
    nextauth(SESSION={"STRATEGY": "database"}, CALLBACKS={"jwt": refuse})  # never runs
    claims = login(client, alice)
    assert Session.objects.filter(user=alice).count() == 1
    assert claims["sub"] == str(alice.pk)
    assert client.get("/decorators/protected/").status_code == 200
    login(client, alice)  # a second sign-in replaces the session
    assert Session.objects.filter(user=alice).count() == 1
    logout(client)
    assert not Session.objects.exists()
    assert client.get("/whoami/").json()["authenticated"] is False


def test_database_sessions_need_a_stored_user(
    client: Client, nextauth: Callable[..., None]
) -> None:
    nextauth(SESSION={"STRATEGY": "database"})
    with pytest.raises(ConfigurationError):
        login(client, {"sub": "404"})


def test_a_bearer_token(client: Client, alice: Any, version: str) -> None:
    token = session_token(alice)
    response = client.get("/token/", headers={"Authorization": f"Bearer {token}"})
    assert response.json()["sub"] == str(alice.pk)
    assert not client.cookies


def test_no_bearer_tokens_for_database_sessions(alice: Any, nextauth: Callable[..., None]) -> None:
    nextauth(SESSION={"STRATEGY": "database"})
    with pytest.raises(ValueError, match="Database sessions"):
        session_token(alice)


async def test_the_async_twins(nextauth: Callable[..., None]) -> None:
    client = AsyncClient()
    claims = await alogin(client, CLAIMS)
    assert claims["sub"] == "1"
    assert (await client.get("/awhoami/")).json()["name"] == "Alice Liddell"
    await alogout(client)
    assert (await client.get("/awhoami/")).json()["authenticated"] is False


def test_the_pytest_fixture(nextauth_login: Callable[..., Client], alice: Any) -> None:
    client = nextauth_login(alice)
    assert client.get("/decorators/protected/").status_code == 200
    other = nextauth_login(CLAIMS, client=Client())
    assert other.get("/whoami/").json()["pk"] == "1"


# --- docs/testing.md's recipes, as written there ---------------------------------------------

FORM = "application/x-www-form-urlencoded"


def test_the_form_recipe_and_the_multipart_refusal(client: Client, alice: Any) -> None:
    csrf = client.get("/api/auth/csrf").json()["csrfToken"]
    fields = {"username": "alice", "password": "pw", "csrfToken": csrf}
    assert client.post("/api/auth/callback/credentials", fields).status_code == 415
    body = urlencode(fields)
    response = client.post("/api/auth/callback/credentials", body, content_type=FORM)
    assert response.status_code == 302
    assert "error" not in response["Location"]


def test_the_magic_link_recipe(client: Client, email_setup: Any, mailoutbox: Any) -> None:
    csrf = client.get("/api/auth/csrf").json()["csrfToken"]
    body = urlencode({"email": "new@example.com", "csrfToken": csrf})
    client.post("/api/auth/signin/email", body, content_type=FORM)
    (message,) = mail.outbox
    found = re.search(r"http://testserver/api/auth/callback/email\?\S+", message.body)
    assert found is not None
    link = urlsplit(found[0])
    assert client.get(link.geturl()).status_code == 200  # the confirmation page: nothing used yet
    fields = {**dict(parse_qsl(link.query)), "csrfToken": csrf}
    response = client.post(
        link.path, urlencode(fields), content_type=FORM, headers={"Origin": "http://testserver"}
    )
    assert response.status_code == 302  # signed in
    assert client.get("/api/auth/session").json()["user"]["email"] == "new@example.com"
