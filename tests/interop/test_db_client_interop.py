"""The official NextAuth clients against a live Django with database sessions (issue 12).

``client_peer.mjs``'s flow (``next-auth/react`` 4.24 for v4, ``next-auth@5`` beta's for v5):
getCsrfToken, signIn("credentials", {redirect: false}) -- which NextAuth itself refuses with
the database strategy --, getSession, the session update ``useSession().update`` sends, and
signOut. The session cookie holds an opaque token, not a JWT (the real ``getToken`` finds
nothing in it); the row is in the database while signed in, and gone after the sign-out.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from django_nextauth.adapters import hash_session_token
from django_nextauth.db.models import Session
from tests.interop.test_client_interop import client_flow

pytestmark = [pytest.mark.interop, pytest.mark.django_db(transaction=True)]

SECRET = "interop-db-client-secret-0123456789abcdef"
PASSWORD = "correct horse battery staple"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
#: What the live server's ``session`` callback saw: the user it was given and the stored rows.
SEEN: list[dict[str, Any]] = []


def session_callback(
    *, session: dict[str, Any], user: Any = None, token: Any = None, **kwargs: Any
) -> dict[str, Any]:
    """Record the session rows of the user at the moment the server answers."""
    rows = Session.objects.filter(user=user) if user is not None else Session.objects.none()
    SEEN.append(
        {
            "username": None if user is None else user.get_username(),
            "hashes": sorted(rows.values_list("session_token_hash", flat=True)),
            "sid": None if token is None else token.get("sid"),
        }
    )
    if user is not None:
        session["user"]["username"] = user.get_username()
    return session


@pytest.fixture
def alice(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(
        "alice", "alice@example.com", PASSWORD, first_name="Alice", last_name="Liddell"
    )


def _flow(live_server: Any, version: str) -> dict[str, Any]:
    SEEN.clear()
    return client_flow(
        live_server,
        version,
        secret=SECRET,
        password=PASSWORD,
        SESSION={"STRATEGY": "database"},
        CALLBACKS={"session": f"{__name__}.session_callback"},
    )


@pytest.mark.parametrize("version", ["v4", "v5"])
def test_official_client_with_database_sessions(live_server: Any, alice: Any, version: str) -> None:
    out = _flow(live_server, version)
    origin = live_server.url
    cookie = "next-auth.session-token" if version == "v4" else "authjs.session-token"

    assert out["sessionBefore"]["result"] is None
    assert re.fullmatch(r"[0-9a-f]{64}", out["csrfToken"]["result"])
    assert out["csrfCookieValid"] is True
    assert out["badSignIn"]["result"]["error"] == "CredentialsSignin"
    assert out["signIn"]["result"]["url"] == f"{origin}/after"
    assert out["signIn"]["result"]["ok"] is True
    assert "error" not in out["signIn"]["result"] or out["signIn"]["result"]["error"] is None

    # The cookie is an opaque session token: the real getToken finds no JWT in it.
    token = out["signIn"]["cookies"][cookie]
    assert UUID.fullmatch(token)
    assert out["tokenAfterSignIn"] is None

    session = out["session"]["result"]
    assert session["user"] == {
        "name": "Alice Liddell",
        "email": "alice@example.com",
        "username": "alice",
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", session["expires"])
    (session_get,) = out["session"]["exchanges"]
    assert session_get["status"] == 200
    assert session_get["cacheControl"] == "private, no-cache, no-store"
    # While the client read its session, exactly its row was stored, for alice.
    first = SEEN[0]
    assert first["username"] == "alice"
    assert first["hashes"] == [hash_session_token(token)]

    (update_post,) = [e for e in out["update"]["exchanges"] if e["method"] == "POST"]
    assert update_post["status"] == 200
    assert update_post["requestContentType"] == "application/json"
    assert out["update"]["result"]["user"]["username"] == "alice"
    after_update = out["sessionAfterUpdate"]["result"]
    assert after_update["user"]["email"] == "alice@example.com"
    # The update renews the same session: same cookie, same row, same sid.
    assert out["sessionAfterUpdate"]["cookies"][cookie] == token
    assert {seen["sid"] for seen in SEEN} == {first["sid"]}
    assert all(seen["hashes"] == [hash_session_token(token)] for seen in SEEN)

    assert out["signOut"]["result"] == {"url": f"{origin}/bye"}
    assert cookie not in out["signOut"]["cookies"]
    assert out["sessionAfterSignOut"]["result"] is None
    # Sign-out deleted the row, not just the cookie.
    assert not Session.objects.filter(session_token_hash=hash_session_token(token)).exists()
    assert not Session.objects.filter(user=alice).exists()
