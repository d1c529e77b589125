"""The official NextAuth clients, run in Node, against a live Django server.

``client_peer.mjs`` drives ``next-auth/react`` 4.24.15 (v4) and
``next-auth@5.0.0-beta.32``'s ``next-auth/react`` (v5) through getProviders,
getCsrfToken, signIn (bad then good password), getSession, the session update
``useSession().update`` sends, and signOut, with a cookie-keeping ``fetch``.
After sign-in, after the update and after sign-out it decodes the session
cookie with the real ``getToken`` of that version.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import override_settings

from tests.interop.nodejs import run_node

pytestmark = [pytest.mark.interop, pytest.mark.django_db(transaction=True)]

SECRET = "interop-client-secret-0123456789abcdef"
PASSWORD = "correct horse battery staple"


def jwt_callback(
    *, token: dict[str, Any], trigger: str | None = None, session: Any = None, **kwargs: Any
) -> dict[str, Any]:
    """Let a session update rename the user, as NextAuth's docs show for ``update()``."""
    if trigger == "update" and isinstance(session, dict) and isinstance(session.get("name"), str):
        return {**token, "name": session["name"]}
    return token


@pytest.fixture
def alice(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(
        "alice", "alice@example.com", PASSWORD, first_name="Alice", last_name="Liddell"
    )


def client_flow(
    live_server: Any, version: str, *, secret: str, password: str, **nextauth: Any
) -> dict[str, Any]:
    """The official client's whole flow (client_peer.mjs) as alice against ``live_server``,
    with ``NEXTAUTH`` = the secret, the version and ``nextauth``."""
    settings = {"SECRET": secret, "VERSION": version, **nextauth}
    with override_settings(NEXTAUTH=settings):
        result: dict[str, Any] = run_node(
            "client_peer.mjs",
            {
                "op": "flow",
                "version": version,
                "authUrl": f"{live_server.url}/api/auth",
                "username": "alice",
                "password": password,
                "badPassword": "wrong",
                "secret": secret,
                "update": {"name": "Queen Alice"},
            },
        )
    return result


def _flow(live_server: Any, version: str) -> dict[str, Any]:
    callbacks = {"jwt": f"{__name__}.jwt_callback"}
    return client_flow(live_server, version, secret=SECRET, password=PASSWORD, CALLBACKS=callbacks)


def _assert_common(out: dict[str, Any], origin: str, alice: Any) -> None:
    auth_url = f"{origin}/api/auth"
    assert out["providers"]["result"] == {
        "credentials": {
            "id": "credentials",
            "name": "Credentials",
            "type": "credentials",
            "signinUrl": f"{auth_url}/signin/credentials",
            "callbackUrl": f"{auth_url}/callback/credentials",
        }
    }
    assert re.fullmatch(r"[0-9a-f]{64}", out["csrfToken"]["result"])
    assert out["csrfCookieValid"] is True

    token = out["tokenAfterSignIn"]
    assert token["name"] == "Alice Liddell"
    assert token["email"] == "alice@example.com"
    assert token["sub"] == str(alice.pk)
    assert {"iat", "exp", "jti"} <= set(token)

    session = out["session"]["result"]
    assert session["user"] == {"name": "Alice Liddell", "email": "alice@example.com"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", session["expires"])
    (session_get,) = out["session"]["exchanges"]
    assert session_get["cacheControl"] == "private, no-cache, no-store"

    assert out["update"]["result"]["user"]["name"] == "Queen Alice"
    (update_post,) = [e for e in out["update"]["exchanges"] if e["method"] == "POST"]
    assert update_post["requestContentType"] == "application/json"
    assert update_post["status"] == 200
    assert out["tokenAfterUpdate"]["name"] == "Queen Alice"
    assert out["tokenAfterUpdate"]["sub"] == str(alice.pk)
    assert out["sessionAfterUpdate"]["result"]["user"]["name"] == "Queen Alice"

    assert out["signOut"]["result"] == {"url": f"{origin}/bye"}
    assert out["sessionAfterSignOut"]["result"] is None
    assert out["tokenAfterSignOut"] is None


def test_v4_client(live_server: Any, alice: Any) -> None:
    out = _flow(live_server, "v4")
    origin = live_server.url
    assert out["sessionBefore"]["result"] is None
    assert out["badSignIn"]["result"] == {
        "error": "CredentialsSignin",
        "status": 401,
        "ok": False,
        "url": None,
    }
    assert out["signIn"]["result"] == {
        "error": None,
        "status": 200,
        "ok": True,
        "url": f"{origin}/after",
    }
    (post,) = [e for e in out["signIn"]["exchanges"] if e["method"] == "POST"]
    assert post["url"] == f"{origin}/api/auth/callback/credentials"
    assert post["requestContentType"] == "application/x-www-form-urlencoded"
    assert "json=true" in post["requestBody"]
    assert any(c.startswith("next-auth.session-token=") for c in post["setCookie"])
    assert "next-auth.session-token" in out["signIn"]["cookies"]
    assert "next-auth.session-token" not in out["signOut"]["cookies"]
    _assert_common(out, origin, alice)


def test_v5_client(live_server: Any, alice: Any) -> None:
    out = _flow(live_server, "v5")
    origin = live_server.url
    assert out["sessionBefore"]["result"] is None
    # @auth/core answers a JSON-mode failure with 200; the client reports ok with an error.
    assert out["badSignIn"]["result"] == {
        "error": "CredentialsSignin",
        "code": "credentials",
        "status": 200,
        "ok": True,
        "url": None,
    }
    assert out["signIn"]["result"] == {"status": 200, "ok": True, "url": f"{origin}/after"}
    (post,) = [e for e in out["signIn"]["exchanges"] if e["method"] == "POST"]
    assert post["url"] == f"{origin}/api/auth/callback/credentials?"
    assert post["returnRedirect"] == "1"
    assert "json=" not in post["requestBody"]
    assert any(c.startswith("authjs.session-token=") for c in post["setCookie"])
    assert "authjs.session-token" in out["signIn"]["cookies"]
    assert "authjs.session-token" not in out["signOut"]["cookies"]
    _assert_common(out, origin, alice)
