"""The database session strategy: the cookie holds an opaque token, the row the session
(docs/protocol-providers.md §3.3, §3.4), credentials included."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone as dj_timezone

from django_nextauth.adapters import hash_session_token
from django_nextauth.db.models import Session
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.session import (
    aget_server_session,
    aget_session_user,
    aget_token,
    alogin,
    alogout,
    session_state,
    strategy,
)
from tests.test_views import csrf_token, empty_session, form, session_name, set_cookie, sign_in

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")
MAX_AGE, UPDATE_AGE = 30 * 24 * 3600, 24 * 3600
pytestmark = pytest.mark.django_db

seen: list[dict[str, Any]] = []


def session_with_user(*, session: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    seen.append(kwargs)
    return {**session, "username": kwargs["user"].get_username()}


@pytest.fixture
def database(nextauth: Any, version: str) -> str:
    nextauth(VERSION=version, SESSION={"STRATEGY": "database"})
    return version


def signed_in(client: Client, version: str) -> tuple[str, Session]:
    response = sign_in(client)
    assert response.status_code == 302
    token = client.cookies[session_name(version)].value
    return token, Session.objects.get(session_token_hash=hash_session_token(token))


def expires_of(cookie: str) -> datetime:
    match = re.search(r"Expires=([^;]+)", cookie)
    assert match is not None
    return datetime.strptime(match.group(1), "%a, %d %b %Y %H:%M:%S GMT").replace(
        tzinfo=timezone.utc
    )


def test_credentials_sign_in_stores_a_session(client: Client, database: str, alice: Any) -> None:
    response = sign_in(client, HTTP_USER_AGENT="Mozilla/5.0 (Macintosh) Firefox/130.0")
    cookie = set_cookie(response, session_name(database))
    assert cookie is not None
    token = client.cookies[session_name(database)].value
    assert UUID.fullmatch(token)  # an opaque id, not a JWE
    # NextAuth's: `authjs.session-token=<uuid>; Path=/; Expires=…; HttpOnly; SameSite=Lax`.
    assert re.fullmatch(
        rf"{session_name(database)}={token}; Path=/; Expires=[^;]+ GMT; HttpOnly; SameSite=Lax",
        cookie,
    )
    assert f"{session_name(database)}.0" not in response.cookies  # never chunked
    row = Session.objects.get()
    assert (row.user, row.device) == (alice, "Firefox on macOS")
    assert row.session_token_hash == hash_session_token(token)
    # At sign-in the cookie's Expires is the row's expiry.
    assert abs((expires_of(cookie) - row.expires).total_seconds()) < 1
    assert abs((row.expires - dj_timezone.now()).total_seconds() - MAX_AGE) < 5


def test_get_session_reads_the_row_and_throttles_the_update(
    client: Client, database: str, alice: Any
) -> None:
    token, row = signed_in(client, database)
    before = row.expires
    response = client.get("/api/auth/session")
    body = response.json()
    assert body == {
        "user": {"name": "Alice Liddell", "email": "alice@example.com"},
        "expires": before.strftime("%Y-%m-%dT%H:%M:%S.") + f"{before.microsecond // 1000:03d}Z",
    }
    # The cookie is re-set every time; the row moves only after UPDATE_AGE.
    assert client.cookies[session_name(database)].value == token
    assert set_cookie(response, session_name(database)) is not None
    assert Session.objects.get().expires == before


def test_get_session_extends_the_row_after_update_age(
    client: Client, database: str, alice: Any
) -> None:
    token, row = signed_in(client, database)
    stale = dj_timezone.now() + timedelta(seconds=MAX_AGE - UPDATE_AGE - 60)
    Session.objects.update(expires=stale)
    body = client.get("/api/auth/session").json()
    assert body["expires"].startswith(stale.strftime("%Y-%m-%dT%H:%M:%S"))  # as read
    moved = Session.objects.get().expires
    assert abs((moved - dj_timezone.now()).total_seconds() - MAX_AGE) < 5
    assert Session.objects.get().last_seen > row.last_seen


def test_an_expired_session_is_deleted_and_its_cookie_cleared(
    client: Client, database: str, alice: Any
) -> None:
    signed_in(client, database)
    Session.objects.update(expires=dj_timezone.now() - timedelta(seconds=1))
    response = client.get("/api/auth/session")
    assert response.json() == empty_session(database)
    assert "Max-Age=0" in (set_cookie(response, session_name(database)) or "")
    assert not Session.objects.exists()


def test_an_unknown_token_or_a_jwt_is_cleared(client: Client, database: str) -> None:
    for value in ("0b5c3c43-0000-4000-8000-000000000000", "eyJ" + "x" * 300):
        client.cookies[session_name(database)] = value
        response = client.get("/api/auth/session")
        assert response.json() == empty_session(database)
        assert "Max-Age=0" in (set_cookie(response, session_name(database)) or "")


def test_a_bearer_header_is_not_a_database_session(database: str, alice: Any) -> None:
    request = RequestFactory().get("/", HTTP_AUTHORIZATION="Bearer whatever")
    assert session_state(request).claims is None


def test_sign_out_deletes_the_row(client: Client, database: str, alice: Any) -> None:
    signed_in(client, database)
    response = form(client, "/api/auth/signout", {"csrfToken": csrf_token(client)})
    assert response.status_code == 302
    assert not Session.objects.exists()
    assert client.get("/api/auth/session").json() == empty_session(database)


def test_a_new_sign_in_replaces_the_browser_s_session(
    client: Client, database: str, alice: Any
) -> None:
    first, _row = signed_in(client, database)
    second, _row = signed_in(client, database)
    assert first != second
    assert list(Session.objects.values_list("session_token_hash", flat=True)) == [
        hash_session_token(second)
    ]


def test_the_session_callback_gets_the_stored_user(
    client: Client, nextauth: Any, alice: Any
) -> None:
    nextauth(
        SESSION={"STRATEGY": "database"},
        CALLBACKS={"session": f"{__name__}.session_with_user"},
    )
    seen.clear()
    signed_in(client, "v4")
    assert client.get("/api/auth/session").json()["username"] == "alice"
    assert seen[-1]["user"] == alice


def test_request_attributes_and_the_django_user(client: Client, nextauth: Any, alice: Any) -> None:
    nextauth(SESSION={"STRATEGY": "database"}, SET_REQUEST_USER=True)
    _token, row = signed_in(client, "v4")
    assert client.get("/whoami/").json() == {
        "authenticated": True,
        "pk": str(alice.pk),
        "name": "Alice Liddell",
        "email": "alice@example.com",
        "image": None,
    }
    assert client.get("/django-user/").json() == {"authenticated": True, "username": "alice"}
    claims = client.get("/token/").json()
    assert claims == {"present": True, "sub": str(alice.pk), "raw": True}


def test_session_claims(database: str, alice: Any, rf: RequestFactory) -> None:
    request = rf.get("/")
    session_state(request).login({"sub": str(alice.pk)})
    claims = session_state(request).claims
    assert claims is not None
    row = Session.objects.get()
    assert claims["sid"] == str(row.pk) and claims["sub"] == str(alice.pk)
    assert claims["exp"] - claims["iat"] == MAX_AGE
    assert claims["auth_time"] == int(row.created.timestamp())


def test_an_inactive_user_s_session_ends(client: Client, database: str, alice: Any) -> None:
    signed_in(client, database)
    alice.is_active = False
    alice.save()
    assert client.get("/api/auth/session").json() == empty_session(database)
    assert not Session.objects.exists()


def test_absolute_max_age(client: Client, nextauth: Any, alice: Any) -> None:
    nextauth(SESSION={"STRATEGY": "database", "ABSOLUTE_MAX_AGE": 3600})
    signed_in(client, "v4")
    Session.objects.update(created=dj_timezone.now() - timedelta(seconds=3601))
    assert client.get("/api/auth/session").json() == {}


def test_renewal_never_passes_the_absolute_limit(client: Client, nextauth: Any, alice: Any) -> None:
    nextauth(SESSION={"STRATEGY": "database", "ABSOLUTE_MAX_AGE": 7 * 24 * 3600})
    signed_in(client, "v4")
    created = dj_timezone.now() - timedelta(days=2)
    Session.objects.update(created=created, expires=dj_timezone.now() + timedelta(hours=1))
    client.get("/api/auth/session")
    assert Session.objects.get().expires == created + timedelta(days=7)


def test_sliding_renewal_in_the_middleware(client: Client, nextauth: Any, alice: Any) -> None:
    nextauth(SESSION={"STRATEGY": "database", "SLIDING": True})
    signed_in(client, "v4")
    stale = dj_timezone.now() + timedelta(seconds=MAX_AGE - UPDATE_AGE - 60)
    Session.objects.update(expires=stale)
    response = client.get("/whoami/")
    assert set_cookie(response, "next-auth.session-token") is not None
    assert Session.objects.get().expires > stale + timedelta(seconds=UPDATE_AGE)


def test_post_session_update(client: Client, database: str, alice: Any) -> None:
    signed_in(client, database)
    before = Session.objects.get().expires
    response = form(client, "/api/auth/session", {"csrfToken": csrf_token(client)})
    assert response.json()["user"] == {"name": "Alice Liddell", "email": "alice@example.com"}
    assert Session.objects.count() == 1 and Session.objects.get().expires == before


def session_renaming(*, session: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    seen.append(kwargs)
    new = kwargs.get("new_session")
    if kwargs.get("trigger") == "update" and isinstance(new, dict):
        session["user"]["name"] = new.get("name")
    return session


def jwt_must_not_run(**kwargs: Any) -> dict[str, Any]:
    raise AssertionError("database sessions run no jwt callback")


def test_post_session_update_passes_the_data_to_the_session_callback(
    client: Client, database: str, nextauth: Any, alice: Any
) -> None:
    # NextAuth's database strategy: newSession + trigger "update" for the session callback,
    # no jwt callback, nothing written (docs/protocol-providers.md §3.3).
    nextauth(
        VERSION=database,
        SESSION={"STRATEGY": "database"},
        CALLBACKS={
            "session": f"{__name__}.session_renaming",
            "jwt": f"{__name__}.jwt_must_not_run",
        },
    )
    signed_in(client, database)
    seen.clear()
    body = {"csrfToken": csrf_token(client), "data": {"name": "Al"}}
    response = client.post("/api/auth/session", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["user"]["name"] == "Al"
    (call,) = seen
    assert (call["trigger"], call["new_session"], call["user"]) == ("update", {"name": "Al"}, alice)
    assert Session.objects.count() == 1
    seen.clear()
    assert client.get("/api/auth/session").json()["user"]["name"] == "Alice Liddell"
    assert "trigger" not in seen[0] and "new_session" not in seen[0]


def test_a_dict_user_must_be_stored(nextauth: Any, alice: Any, rf: RequestFactory) -> None:
    nextauth(SESSION={"STRATEGY": "database"})
    request = rf.get("/")
    with pytest.raises(ConfigurationError, match="stored user"):
        session_state(request).login({"sub": "12345"}, user={"id": "12345"})
    session_state(request).login({"sub": str(alice.pk)}, user={"id": str(alice.pk)})
    assert Session.objects.get().user == alice


def test_the_strategy_needs_an_adapter(nextauth: Any, settings: Any) -> None:
    settings.INSTALLED_APPS = [
        app for app in settings.INSTALLED_APPS if app != "django_nextauth.db"
    ]
    nextauth(SESSION={"STRATEGY": "database"})
    with pytest.raises(ConfigurationError, match="needs an adapter"):
        strategy()


@pytest.mark.django_db(transaction=True)
async def test_async_reads_and_writes(nextauth: Any, django_user_model: Any) -> None:
    from asgiref.sync import sync_to_async

    nextauth(SESSION={"STRATEGY": "database"})
    user = await sync_to_async(django_user_model.objects.create_user)("bob", "bob@example.com")
    request = RequestFactory().get("/")
    await alogin(request, {"sub": str(user.pk)}, user=user)
    token = session_state(request).raw
    assert token is None  # a login writes; it does not read the request's cookie
    row = await Session.objects.aget()
    cookie_value = session_state(request)._pending[1].raw  # type: ignore[index]
    reader = RequestFactory().get("/", HTTP_COOKIE=f"next-auth.session-token={cookie_value}")
    assert (await aget_token(reader))["sid"] == str(row.pk)  # type: ignore[index]
    reader = RequestFactory().get("/", HTTP_COOKIE=f"next-auth.session-token={cookie_value}")
    session = await aget_server_session(reader)
    assert session is not None and session["user"] == {"name": "bob", "email": "bob@example.com"}
    reader = RequestFactory().get("/", HTTP_COOKIE=f"next-auth.session-token={cookie_value}")
    assert (await aget_session_user(reader)).pk == str(user.pk)
    await alogout(reader)
    assert not await Session.objects.aexists()


def test_a_read_is_one_query(
    client: Client, database: str, alice: Any, django_assert_num_queries: Any
) -> None:
    signed_in(client, database)
    with django_assert_num_queries(1):
        assert client.get("/whoami/").json()["authenticated"] is True


def test_request_user_comes_with_the_session_row(
    client: Client, database: str, nextauth: Any, alice: Any, django_assert_num_queries: Any
) -> None:
    nextauth(VERSION=database, SESSION={"STRATEGY": "database"}, SET_REQUEST_USER=True)
    signed_in(client, database)
    with django_assert_num_queries(1):  # the session row, its user joined; no second query
        body = client.get("/django-user/").json()
    assert body == {"authenticated": True, "username": "alice"}
