"""Revocation of JWT sessions through Django's cache, and sign_out_everywhere()."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client, RequestFactory

from django_nextauth import revocation, sign_out_everywhere
from django_nextauth.db.models import Session
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.revocation import Revocations, asign_out_everywhere, revocations
from django_nextauth.session import aget_server_session, session_state
from tests.test_views import csrf_token, empty_session, form, session_name, set_cookie, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def revoking(nextauth: Any, version: str) -> str:
    caches["default"].clear()
    nextauth(VERSION=version, SESSION={"REVOCATION_CACHE": "default"})
    return version


def signed_in_cookie(client: Client, version: str) -> str:
    assert sign_in(client).status_code == 302
    return client.cookies[session_name(version)].value


def replay(version: str, cookie: str) -> Client:
    other = Client()
    other.cookies[session_name(version)] = cookie
    return other


def earlier(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Make the revocation module's clock run ``seconds`` behind (a revocation in the past)."""
    now = time.time()
    monkeypatch.setattr(revocation.time, "time", lambda: now - seconds)


def test_sign_out_revokes_every_copy_of_the_cookie(
    client: Client, revoking: str, alice: Any
) -> None:
    cookie = signed_in_cookie(client, revoking)
    stolen = replay(revoking, cookie)
    assert stolen.get("/api/auth/session").json()["user"]["name"] == "Alice Liddell"
    form(client, "/api/auth/signout", {"csrfToken": csrf_token(client)})
    response = stolen.get("/api/auth/session")  # the decrypted-token cache has it: still refused
    assert response.json() == empty_session(revoking)
    assert "Max-Age=0" in (set_cookie(response, session_name(revoking)) or "")
    assert stolen.get("/whoami/").json()["authenticated"] is False


def test_a_revoked_bearer_token_is_refused(client: Client, revoking: str, alice: Any) -> None:
    cookie = signed_in_cookie(client, revoking)
    form(client, "/api/auth/signout", {"csrfToken": csrf_token(client)})
    request = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {cookie}")
    assert session_state(request).claims is None


def test_without_revocation_a_copied_cookie_outlives_sign_out(
    client: Client, nextauth: Any, alice: Any
) -> None:
    nextauth()
    cookie = signed_in_cookie(client, "v4")
    form(client, "/api/auth/signout", {"csrfToken": csrf_token(client)})
    assert replay("v4", cookie).get("/whoami/").json()["authenticated"] is True


def test_sign_out_everywhere_ends_every_jwt_session(
    client: Client, revoking: str, alice: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = signed_in_cookie(client, revoking)
    second = signed_in_cookie(Client(), revoking)
    earlier(monkeypatch, 0)
    assert sign_out_everywhere(alice) == 0
    for cookie in (first, second):
        assert replay(revoking, cookie).get("/whoami/").json()["authenticated"] is False
    # A session begun after it is valid (revocation times are whole seconds).
    earlier(monkeypatch, 5)
    sign_out_everywhere(alice)
    monkeypatch.undo()
    fresh = signed_in_cookie(Client(), revoking)
    assert replay(revoking, fresh).get("/whoami/").json()["authenticated"] is True


def test_post_signout_everywhere(client: Client, revoking: str, alice: Any) -> None:
    elsewhere = signed_in_cookie(Client(), revoking)
    signed_in_cookie(client, revoking)
    body = {"csrfToken": csrf_token(client), "everywhere": "true"}
    response = form(client, "/api/auth/signout", body)
    assert response.status_code == 302 and "error" not in response["Location"]
    assert replay(revoking, elsewhere).get("/whoami/").json()["authenticated"] is False


def test_post_signout_everywhere_needs_revocation(
    client: Client, nextauth: Any, alice: Any, caplog: pytest.LogCaptureFixture
) -> None:
    nextauth()
    signed_in_cookie(client, "v4")
    body = {"csrfToken": csrf_token(client), "everywhere": "true"}
    with caplog.at_level(logging.ERROR, "django_nextauth"):
        response = form(client, "/api/auth/signout", body)
    assert response["Location"] == "http://testserver/api/auth/error?error=Configuration"
    assert "REVOCATION_CACHE" in caplog.text
    assert "Max-Age=0" in (set_cookie(response, "next-auth.session-token") or "")


def test_sign_out_everywhere_without_any_means_raises(nextauth: Any, alice: Any) -> None:
    nextauth()
    with pytest.raises(ConfigurationError, match="REVOCATION_CACHE"):
        sign_out_everywhere(alice)
    with pytest.raises(ValueError, match="pk"):
        sign_out_everywhere(object())


def test_sign_out_everywhere_deletes_database_sessions(
    client: Client, nextauth: Any, alice: Any
) -> None:
    nextauth(SESSION={"STRATEGY": "database"})
    signed_in_cookie(client, "v4")
    signed_in_cookie(Client(), "v4")
    assert sign_out_everywhere(str(alice.pk)) == 2
    assert not Session.objects.exists()
    assert client.get("/whoami/").json()["authenticated"] is False
    assert sign_out_everywhere("999999") == 0  # no such user: nothing to end


@pytest.mark.django_db(transaction=True)
async def test_asign_out_everywhere(nextauth: Any, django_user_model: Any) -> None:
    from asgiref.sync import sync_to_async

    nextauth(SESSION={"REVOCATION_CACHE": "default"})
    user = await sync_to_async(django_user_model.objects.create_user)("carol")
    assert await asign_out_everywhere(user) == 0


def test_one_cache_round_trip_per_request(
    client: Client, revoking: str, alice: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed_in_cookie(client, revoking)
    records = revocations()
    assert records is not None
    calls: list[Any] = []
    real = records.cache.get_many
    monkeypatch.setattr(records.cache, "get_many", lambda keys: calls.append(1) or real(keys))
    assert client.get("/session/").json()["session"]["user"]["name"] == "Alice Liddell"
    assert client.get("/token/").json()["present"] is True
    assert len(calls) == 2  # one per request, however many reads


def test_the_check_interval(
    client: Client, nextauth: Any, alice: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    caches["default"].clear()
    nextauth(SESSION={"REVOCATION_CACHE": "default", "REVOCATION_CHECK_INTERVAL": 60})
    cookie = signed_in_cookie(client, "v4")
    stolen = replay("v4", cookie)
    assert stolen.get("/whoami/").json()["authenticated"] is True
    form(client, "/api/auth/signout", {"csrfToken": csrf_token(client)})
    # Found valid less than 60 s ago in this process: not asked again yet (the trade-off).
    assert stolen.get("/whoami/").json()["authenticated"] is True
    later = time.time() + 61
    monkeypatch.setattr(revocation.time, "time", lambda: later)
    assert stolen.get("/whoami/").json()["authenticated"] is False


def test_the_memo_is_bounded(nextauth: Any) -> None:
    records = Revocations(caches["default"], interval=60, lifetime=60)
    records.memo_size = 2
    for n in range(5):
        assert not records.is_revoked({"sid": str(n)})
    assert len(records._valid_at) <= 2


def test_a_failing_cache_signs_out_without_deleting_the_cookie(
    client: Client, revoking: str, alice: Any, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    signed_in_cookie(client, revoking)
    records = revocations()
    assert records is not None

    def down(keys: Any) -> Any:
        raise ConnectionError("redis is down")

    monkeypatch.setattr(records.cache, "get_many", down)
    with caplog.at_level(logging.ERROR, "django_nextauth"):
        response = client.get("/whoami/")
    assert response.json()["authenticated"] is False
    assert session_name(revoking) not in response.cookies
    assert "revocation cache failed" in caplog.text


def test_a_failing_revoke_still_signs_out(
    client: Client, revoking: str, alice: Any, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    signed_in_cookie(client, revoking)
    records = revocations()
    assert records is not None

    def down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("redis is down")

    monkeypatch.setattr(records.cache, "set", down)
    with caplog.at_level(logging.ERROR, "django_nextauth"):
        response = form(client, "/api/auth/signout", {"csrfToken": csrf_token(client)})
    assert "Max-Age=0" in (set_cookie(response, session_name(revoking)) or "")
    assert "could not revoke" in caplog.text


@pytest.mark.parametrize(
    ("claims", "revoked"),
    [
        ({}, False),  # names nothing
        ({"sub": "7", "auth_time": 100}, True),
        ({"sub": "7", "auth_time": 2000}, False),
        ({"sub": "7", "iat": 100}, True),  # no auth_time (a token Next.js wrote): iat
        ({"sub": "7"}, True),  # cannot prove it began later
        ({"sub": "8", "auth_time": 100}, False),
        ({"sid": "gone"}, True),
    ],
)
def test_which_tokens_a_record_ends(claims: dict[str, Any], revoked: bool) -> None:
    caches["default"].clear()
    records = Revocations(caches["default"], interval=0, lifetime=60)
    records.cache.set(revocation._key("user", "7"), 1000)
    records.revoke_session("gone")
    assert records.is_revoked(claims) is revoked


@pytest.mark.django_db(transaction=True)
async def test_async_reads_check_revocation(nextauth: Any, make_token: Any) -> None:
    caches["default"].clear()
    nextauth(SESSION={"REVOCATION_CACHE": "default"})
    token = make_token({"sub": "1", "sid": "s-1", "name": "A"})
    request = RequestFactory().get("/", HTTP_COOKIE=f"next-auth.session-token={token}")
    assert await aget_server_session(request) is not None
    revocations().revoke_session("s-1")  # type: ignore[union-attr]
    request = RequestFactory().get("/", HTTP_COOKIE=f"next-auth.session-token={token}")
    assert await aget_server_session(request) is None
