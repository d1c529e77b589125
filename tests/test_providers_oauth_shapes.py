"""Two provider shapes end to end through Django's routes, against Python test servers.

- Issue 11's plain OAuth shape exactly as written (explicit endpoints, ``scope=read:user``,
  a ``profile`` hook, no ``issuer``, no ``id_token`` key) against a plain OAuth 2.0 server
  that sends no RFC 9207 ``iss`` and no id_token (``tests/interop/idp/acme.py``).
- The ``google`` preset pointed at a Google-shaped OpenID provider
  (``tests/interop/idp/google.py``): discovery, RS256 id_tokens, the profile from the
  id_token claims with no userinfo call, v4 state + PKCE, v5 PKCE only
  (``docs/protocol-providers.md`` §1.3-1.4, §1.8-1.9), a tampered signature refused.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from django.test import Client

from django_nextauth import oauth
from django_nextauth.dialect import dialect
from tests.interop.idp import acme as acme_server
from tests.interop.idp import google as google_server
from tests.interop.idp.acme import AcmeState, start_acme
from tests.interop.idp.google import GoogleState, start_google
from tests.test_providers_oauth import begin, set_cookies

# The Python test servers of tests/interop/idp
# (loopback_idp: DEBUG on, for the http loopback issuers)
pytestmark = [pytest.mark.loopback, pytest.mark.usefixtures("loopback_idp")]

AUTH = "http://testserver/api/auth"
SEEN: list[dict[str, Any]] = []
CALLBACK_ERROR = {
    "v4": f"{AUTH}/error?error=OAuthCallback",
    "v5": f"{AUTH}/error?error=Configuration",
}


@pytest.fixture(autouse=True)
def _no_adapter(no_adapter: None) -> None:
    """NextAuth without an adapter: v4 ``sub`` is the provider's id, v5 a fresh UUID."""


@pytest.fixture(autouse=True)
def _fresh() -> None:
    oauth.clear_caches()
    SEEN.clear()


@pytest.fixture(scope="module")
def acme() -> Iterator[AcmeState]:
    with start_acme() as server:
        yield server


@pytest.fixture(scope="module")
def google() -> Iterator[GoogleState]:
    with start_google() as server:
        yield server


def acme_profile(profile: dict[str, Any], tokens: dict[str, Any]) -> dict[str, Any]:
    """The issue's ``myapp.auth.acme_profile``: NextAuth's ``profile(profile, tokens)``."""
    assert tokens["access_token"].startswith("acme_")
    return {
        "id": str(profile["id"]),
        "name": f"Acme {profile['login']}",
        "email": profile["email"],
        "image": profile["avatar"],
    }


def record_jwt(*, token: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    if kwargs.get("account") is not None:  # the sign-in call, not later session reads
        SEEN.append({"token": dict(token), **kwargs})
    return token


@pytest.fixture
def configure(version: str, nextauth: Callable[..., None]) -> Callable[..., None]:
    def apply(provider: dict[str, Any]) -> None:
        callbacks = {"jwt": f"{__name__}.record_jwt"}
        nextauth(VERSION=version, PROVIDERS=[provider], CALLBACKS=callbacks)

    return apply


def follow(location: str) -> dict[str, str]:
    """The test servers redirect straight back: the query they send to our callback."""
    back = httpx.get(location)
    assert back.status_code == 302
    target = urlsplit(back.headers["location"])
    assert target.path.startswith("/api/auth/callback/")
    return dict(parse_qsl(target.query))


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def test_issue_oauth_shape_signs_in(
    client: Client, acme: AcmeState, version: str, configure: Any
) -> None:
    base = acme.base
    configure(
        {"id": "acme", "name": "Acme", "type": "oauth",
         "authorization": {"url": f"{base}/authorize", "params": {"scope": "read:user"}},
         "token": f"{base}/token", "userinfo": f"{base}/user",
         "client_id": acme_server.CLIENT_ID, "client_secret": acme_server.CLIENT_SECRET,
         "profile": f"{__name__}.acme_profile"}
    )  # fmt: skip
    acme.requests.clear()
    start = begin(client, "acme")
    assert start.status_code == 302
    assert start["Location"].startswith(f"{base}/authorize?")
    sent = query_of(start["Location"])
    assert sent["scope"] == "read:user"
    assert sent["client_id"] == acme_server.CLIENT_ID
    assert sent["redirect_uri"] == f"{AUTH}/callback/acme"
    # The default checks of a generic OAuth provider, in both versions: pkce and state.
    assert "state" in sent and "code_challenge" in sent
    assert "nonce" not in sent

    params = follow(start["Location"])
    assert "iss" not in params
    done = client.get("/api/auth/callback/acme", params)
    assert done.status_code == 302
    assert done["Location"] == "http://testserver/after"
    assert dialect(version).cookie("session_token", secure=False) in set_cookies(done)

    session = client.get("/api/auth/session").json()
    assert session["user"] == {
        "name": "Acme wile",
        "email": "wile.e@acme.example",
        "image": "https://acme.example/wile.png",
    }
    (seen,) = SEEN
    assert seen["profile"] == acme.user  # the raw userinfo body
    assert seen["trigger"] == "signIn"
    account = seen["account"]
    tokens = {"access_token", "token_type", "refresh_token", "scope", "expires_at"}
    expected = {"provider", "type", "providerAccountId", *tokens}
    assert set(account) == (expected if version == "v4" else {*expected, "expires_in"})
    assert account["provider"] == "acme"
    assert account["type"] == "oauth"
    assert account["providerAccountId"] == "4242"
    assert account["scope"] == "read:user"
    assert account["token_type"] == "bearer"
    user = seen["user"]
    assert user["email"] == "wile.e@acme.example"
    if version == "v4":
        assert user["id"] == "4242"
    else:
        assert uuid.UUID(user["id"]).version == 4
    token = seen["token"]
    assert token["sub"] == user["id"]
    assert token["name"] == "Acme wile"
    assert token["picture"] == "https://acme.example/wile.png"

    (exchange,) = [r for r in acme.requests if r[0] == "POST"]
    assert exchange[1] == "/token"
    assert exchange[3]["Authorization"].startswith("Basic ")
    assert len(exchange[2]["code_verifier"]) == 43
    assert [r[1] for r in acme.requests if r[0] == "GET"] == ["/authorize", "/user"]


def google_entry(google: GoogleState) -> dict[str, Any]:
    # The preset's issuer (https://accounts.google.com) pointed at the test server.
    return {
        "provider": "google",
        "client_id": google_server.CLIENT_ID,
        "client_secret": google_server.CLIENT_SECRET,
        "issuer": google.base,
    }


def test_google_preset_profile_from_id_token(
    client: Client, google: GoogleState, version: str, configure: Any
) -> None:
    configure(google_entry(google))
    google.requests.clear()
    start = begin(client, "google")
    assert start.status_code == 302
    assert start["Location"].startswith(f"{google.base}/o/oauth2/v2/auth?")
    sent = query_of(start["Location"])
    rules = dialect(version)
    written = set_cookies(start)
    state_cookie = rules.cookie("state", secure=False)
    assert rules.cookie("pkce_code_verifier", secure=False) in written
    assert sent["code_challenge_method"] == "S256"
    # The default checks of an OIDC provider, in both versions: pkce, state and nonce.
    assert len(sent["nonce"]) == 43
    assert {state_cookie, rules.cookie("nonce", secure=False)} <= set(written)
    if version == "v4":
        assert sent["scope"] == "openid email profile"
        assert len(sent["state"]) == 43
    else:
        assert sent["scope"] == "openid profile email"
        assert len(sent["state"]) > 300  # Auth.js's state is a JWE

    params = follow(start["Location"])
    assert {"authuser", "prompt", "scope"} <= set(params)  # Google's extras are ignored
    done = client.get("/api/auth/callback/google", params)
    assert done.status_code == 302
    assert done["Location"] == "http://testserver/after"

    session = client.get("/api/auth/session").json()
    assert session["user"] == {
        "name": "Ada Lovelace",
        "email": "ada.lovelace@gmail.example",
        "image": "https://lh3.googleusercontent.example/a/ada=s96-c",
    }
    paths = [path for _, path, _ in google.requests]
    assert "/v1/userinfo" not in paths  # the userinfo endpoint would say "From Userinfo"
    assert "/oauth2/v3/certs" in paths  # the signature was checked against the JWKS
    (exchange,) = [form for method, _, form in google.requests if method == "POST"]
    assert len(exchange["code_verifier"]) == 43

    (seen,) = SEEN
    profile = seen["profile"]
    assert profile["iss"] == google.base
    assert profile["aud"] == google_server.CLIENT_ID
    assert {k: profile[k] for k in google.claims} == google.claims
    account = seen["account"]
    assert account["provider"] == "google"
    assert account["type"] == ("oauth" if version == "v4" else "oidc")
    assert account["providerAccountId"] == google.claims["sub"]
    assert account["id_token"].count(".") == 2
    assert account["token_type"] == "Bearer"
    if version == "v4":
        assert seen["user"]["id"] == google.claims["sub"]


def test_google_tampered_id_token_is_refused(
    client: Client,
    google: GoogleState,
    version: str,
    configure: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    configure(google_entry(google))
    monkeypatch.setattr(google, "tamper", True)
    start = begin(client, "google")
    params = follow(start["Location"])
    with caplog.at_level(logging.WARNING, logger="django_nextauth"):
        done = client.get("/api/auth/callback/google", params)
    assert done.status_code == 302
    assert done["Location"] == CALLBACK_ERROR[version]
    assert "InvalidSignatureError" in caplog.text
    assert not any("session-token" in name for name in done.cookies)
    assert client.get("/api/auth/session").json() in ({}, None)
    assert SEEN == []
