"""The official clients' ``signIn("<id>")`` against a live Django and the real oidc-provider.

``oauth_peer.mjs`` runs next-auth/react 4.24.15 (v4) or next-auth 5.0.0-beta.32's
client (v5): ``signIn(id, {callbackUrl}, {prompt: "login"})`` gets the authorization URL
from Django, the IdP's login form is submitted, the redirect back lands on Django's
callback, then ``getSession()``. The check cookies Django wrote are decrypted by the
real ``next-auth/jwt`` / ``@auth/core/jwt`` ``decode`` (salt = cookie name), and the
session cookie is read by their ``getToken``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import override_settings

from django_nextauth.oauth.check_cookies import create_checks
from tests.interop.idp.harness import CLIENTS, IdP, start_idp
from tests.interop.nodejs import run_node

# NextAuth without an adapter (nothing stored: sub is the provider's id).
pytestmark = [pytest.mark.interop, pytest.mark.usefixtures("no_adapter", "loopback_idp")]

SECRET = "interop-oauth-secret-0123456789abcdef"
IDS = ("corp", "acme")


@pytest.fixture(scope="module")
def idp(live_server: Any) -> Iterator[IdP]:
    with start_idp([f"{live_server.url}/api/auth/callback/{i}" for i in IDS]) as server:
        yield server


def providers(idp: IdP) -> list[dict[str, Any]]:
    client_id, secret, _ = CLIENTS["basic"]
    common = {"client_id": client_id, "client_secret": secret}
    return [
        {"id": "corp", "name": "Corp SSO", "type": "oidc", "issuer": idp.issuer,
         "checks": ["pkce", "state", "nonce"], **common},
        {"id": "acme", "name": "Acme", "type": "oauth", "issuer": idp.issuer,
         "authorization": {"url": f"{idp.issuer}/auth", "params": {"scope": "openid email"}},
         "token": f"{idp.issuer}/token", "userinfo": f"{idp.issuer}/me", "id_token": False,
         "checks": ["pkce", "state"], "profile": f"{__name__}.acme_profile", **common},
    ]  # fmt: skip


def acme_profile(profile: dict[str, Any], tokens: dict[str, Any]) -> dict[str, Any]:
    return {"id": profile["sub"], "name": f"user {profile['sub']}", "email": profile["email"]}


def sign_in(live_server: Any, idp: IdP, version: str, provider_id: str) -> dict[str, Any]:
    nextauth = {"SECRET": SECRET, "VERSION": version, "PROVIDERS": providers(idp)}
    with override_settings(NEXTAUTH=nextauth):
        out: dict[str, Any] = run_node(
            "oauth_peer.mjs",
            {
                "version": version,
                "authUrl": f"{live_server.url}/api/auth",
                "providerId": provider_id,
                "secret": SECRET,
                "login": "alice",
                "authorizationParams": {"prompt": "login"},
            },
        )
    return out


@pytest.mark.parametrize("version", ["v4", "v5"])
@pytest.mark.parametrize("provider_id", IDS)
def test_official_client_signs_in(
    live_server: Any, idp: IdP, version: str, provider_id: str
) -> None:
    out = sign_in(live_server, idp, version, provider_id)
    origin = live_server.url
    family = "next-auth" if version == "v4" else "authjs"

    listed = out["providers"][provider_id]
    assert listed["type"] == ("oidc" if (version, provider_id) == ("v5", "corp") else "oauth")

    post = out["signIn"]["exchange"]
    assert post["url"] == f"{origin}/api/auth/signin/{provider_id}?prompt=login"
    assert post["status"] == 200
    if version == "v4":
        assert "json=true" in post["requestBody"]
    else:
        assert post["returnRedirect"] == "1"
    location = out["signIn"]["location"]
    assert location.startswith(f"{idp.issuer}/auth?")
    query = dict(parse_qsl(urlsplit(location).query))
    assert query["prompt"] == "login"
    assert query["redirect_uri"] == f"{origin}/api/auth/callback/{provider_id}"

    # The real decode opens every check cookie Django wrote (salt = the cookie name).
    kinds = ["state", "pkce.code_verifier"] + (["nonce"] if provider_id == "corp" else [])
    assert sorted(out["checkCookies"]) == sorted(f"{family}.{k}" for k in kinds)
    for claims in out["checkCookies"].values():
        assert claims["provider"] == provider_id
        assert claims["exp"] - claims["iat"] == 900
        assert set(claims) == {"value", "provider", "iat", "exp", "jti"}
    assert out["checkCookies"][f"{family}.state"]["value"] == query["state"]
    if provider_id == "corp":
        assert out["checkCookies"][f"{family}.nonce"]["value"] == query["nonce"]

    callback = out["callback"]
    assert callback["status"] == 302
    assert callback["location"] == f"{origin}/after"
    assert any(c.startswith(f"{family}.session-token=") for c in callback["setCookie"])
    assert not [name for name in out["cookiesAfter"] if re.search(r"state|pkce|nonce", name)]

    name = "Alice Liddell" if provider_id == "corp" else "user alice"
    assert out["session"]["user"]["name"] == name
    assert out["session"]["user"]["email"] == "alice@example.com"
    token = out["token"]
    assert token["name"] == name
    assert token["email"] == "alice@example.com"
    assert {"sub", "iat", "exp", "jti"} <= set(token)
    if version == "v4":
        assert token["sub"] == "alice"
    else:
        assert re.fullmatch(r"[0-9a-f-]{36}", token["sub"])


def test_the_real_decode_reads_check_cookies_bound_to_a_session() -> None:
    # A sign-in started signed in adds "session" to each check cookie: next-auth and
    # @auth/core still open them and find the value and provider where they look.
    cases, made = [], {}
    for version in ("v4", "v5"):
        checks = create_checks(
            "corp", ("state", "pkce", "nonce"), version=version, secret=SECRET, secure=True,
            session="binding-of-the-session",
        )  # fmt: skip
        for cookie in checks.cookies:
            made[f"{version}:{cookie.name}"] = checks
            cases.append(
                {"id": f"{version}:{cookie.name}", "op": "decode", "version": version,
                 "token": cookie.value, "secret": SECRET, "salt": cookie.name}
            )  # fmt: skip
    answers = run_node("jwt_peer.mjs", {"cases": cases})
    assert len(answers) == 6
    for case_id, answer in answers.items():
        assert answer["ok"], answer
        claims = answer["value"]
        assert claims["provider"] == "corp" and claims["session"] == "binding-of-the-session"
        checks = made[case_id]
        assert claims["value"] in (checks.state, checks.code_verifier, checks.nonce)
