"""Revocation of JWT sessions through Django's cache, and sign_out_everywhere()."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client, RequestFactory

from django_nextauth import sign_out_everywhere
from django_nextauth.db.models import Session
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.revocation import Revocations, asign_out_everywhere, mint_sid, revocations
from django_nextauth.revocation import records as records_module
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
    """Make the revocation records' clock run ``seconds`` behind (a revocation in the past)."""
    now = time.time()
    monkeypatch.setattr(records_module.time, "time", lambda: now - seconds)


class Clock:
    """Every clock of the process (``time.time``), set by hand."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, now: float) -> None:
        self.now = now
        monkeypatch.setattr(time, "time", lambda: self.now)


def whoami(version: str, cookie: str) -> bool:
    authenticated: bool = replay(version, cookie).get("/whoami/").json()["authenticated"]
    return authenticated


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
    monkeypatch.undo()
    fresh = signed_in_cookie(Client(), revoking)  # most likely in the same second
    assert whoami(revoking, fresh) is True


def test_a_sign_in_in_the_same_second_after_a_revocation_works(
    revoking: str, alice: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch, 1_800_000_000.200)
    before = signed_in_cookie(Client(), revoking)
    clock.now = 1_800_000_000.500
    sign_out_everywhere(alice)
    clock.now = 1_800_000_000.501  # the next millisecond, the same second
    after = signed_in_cookie(Client(), revoking)
    clock.now = 1_800_000_000.900
    assert whoami(revoking, before) is False
    assert whoami(revoking, after) is True
    clock.now = 1_800_000_100.0  # and forever after, however often it is re-issued
    assert whoami(revoking, after) is True


def test_a_sign_in_in_the_same_millisecond_as_a_revocation_counts_as_before(
    revoking: str, alice: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch, 1_800_000_000.5004)
    sign_out_everywhere(alice)  # recorded as ...500.4 rounded up: ...501 ms
    clock.now = 1_800_000_000.5009
    cookie = signed_in_cookie(Client(), revoking)  # minted at ...500 ms: cannot be told apart
    assert whoami(revoking, cookie) is False


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
    monkeypatch.setattr(records_module.time, "time", lambda: later)
    assert stolen.get("/whoami/").json()["authenticated"] is False


def test_the_memo_is_bounded(nextauth: Any) -> None:
    records = Revocations(caches["default"], interval=60, lifetime=60)
    records.memo_size = 2
    for n in range(5):
        assert not records.is_revoked({"sid": str(n)})
    assert len(records._valid_at) <= 2


@pytest.mark.parametrize(
    ("claims", "revoked"),
    [
        ({}, False),  # names nothing
        ({"sub": "7", "auth_time": 1_000_000}, True),
        ({"sub": "7", "auth_time": 1_000_000_000}, True),  # the same second
        ({"sub": "7", "auth_time": 1_000_000_001}, False),
        ({"sub": "7", "iat": 2_000_000_000}, True),  # no sign-in time: a fresh iat is no proof
        ({"sub": "7"}, True),  # cannot prove it began later
        ({"sub": "8", "auth_time": 100}, False),  # no record for this user
        ({"sub": "8"}, False),
        ({"sid": "gone"}, True),
    ],
)
def test_which_tokens_a_record_ends(claims: dict[str, Any], revoked: bool) -> None:
    caches["default"].clear()
    records = Revocations(caches["default"], interval=0, lifetime=60)
    records.cache.set(records_module._key("user", "7"), 1_000_000_000_500)
    records.revoke_session("gone")
    assert records.is_revoked(claims) is revoked


def test_a_record_in_whole_seconds_counts_to_the_end_of_its_second() -> None:
    caches["default"].clear()
    records = Revocations(caches["default"], interval=0, lifetime=60)
    records.cache.set(records_module._key("user", "7"), 1_000_000_000)  # an earlier version's
    precise = {"sub": "7", "auth_time": 1_000_000_000, "sid": mint_sid(1_000_000_000_999)}
    assert records.is_revoked(precise)
    assert not records.is_revoked({**precise, "auth_time": 1_000_000_001})


def test_a_reissued_nextjs_token_stays_revoked(
    revoking: str, alice: Any, make_token: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # next-auth re-issues a token with a fresh iat on every read; one minted without
    # auth_time / sid (a Next.js app without the jwt callback lines) proves nothing.
    clock = Clock(monkeypatch, 1_800_000_000.0)
    claims = {"sub": str(alice.pk), "name": "Alice"}
    assert whoami(revoking, make_token(claims, version=revoking)) is True  # no record yet
    sign_out_everywhere(alice)
    clock.now += 3600
    assert whoami(revoking, make_token(claims, version=revoking)) is False
    # With the jwt callback lines (docs/nextjs.md), a later sign-in works.
    signed_in = {**claims, "auth_time": int(clock.now), "sid": str(uuid.uuid4())}
    assert whoami(revoking, make_token(signed_in, version=revoking)) is True
    # ... and one in the same second as the revocation cannot show it came after: refused.
    clock.now = 1_800_000_000.9
    same_second = {**claims, "auth_time": 1_800_000_000, "sid": str(uuid.uuid4())}
    assert whoami(revoking, make_token(same_second, version=revoking)) is False


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
