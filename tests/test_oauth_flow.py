"""The authorization code flow end to end against a real OpenID provider (oidc-provider).

Each test signs in through ``django_nextauth.oauth.begin`` / ``complete`` for v4 and
v5: the IdP's login form is submitted with httpx (``tests/interop/idp/harness.py``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from django_nextauth import jwt
from django_nextauth.dialect import dialect
from django_nextauth.oauth import CallbackResult, OAuthConfig, begin, clear_caches, complete
from tests.conftest import SECRET
from tests.interop.idp.harness import CLIENTS, IdP, start_idp

# The OpenID provider of npm (tests/interop/idp)
# (loopback_idp: DEBUG on, for the http loopback issuers)
pytestmark = [pytest.mark.interop, pytest.mark.usefixtures("loopback_idp")]

CALLBACK = "http://localhost:3000/api/auth/callback/{}"
IDS = ("oidc-test", "corp", "acme", "other")
B64 = r"[A-Za-z0-9_-]{43}"


@pytest.fixture(scope="module")
def idp() -> Iterator[IdP]:
    with start_idp([CALLBACK.format(i) for i in IDS]) as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    clear_caches()


def oidc(idp: IdP, client: str = "basic", **options: Any) -> OAuthConfig:
    client_id, secret, auth = CLIENTS[client]
    entry = {"id": "oidc-test", "name": "OIDC Test", "type": "oidc", "issuer": idp.issuer}
    entry.update(client_id=client_id, client_secret=secret, client_auth=auth, **options)
    return OAuthConfig.from_settings(entry, "test")


def sign_in(
    idp: IdP, config: OAuthConfig, version: str, *, login: str = "alice", **extra: Any
) -> CallbackResult:
    redirect_uri = CALLBACK.format(config.id)
    start = begin(config, version=version, redirect_uri=redirect_uri, secret=SECRET, secure=False)
    params = idp.authorize(start.url, login=login)
    cookies = {cookie.name: cookie.value for cookie in start.cookies}
    return complete(
        config,
        version=version,
        params=params,
        cookies=cookies,
        redirect_uri=redirect_uri,
        secret=SECRET,
        secure=False,
        **extra,
    )


def test_oidc_default_checks(idp: IdP, version: str) -> None:
    config = oidc(idp)
    result = sign_in(idp, config, version)
    assert result.profile["sub"] == "alice"
    assert result.profile["email"] == "alice@Example.COM"  # the raw claims
    assert result.user["email"] == "alice@example.com"
    assert result.user["name"] == "Alice Liddell"
    assert result.user["image"] == "https://example.com/alice.png"
    account = result.account
    assert account["provider"] == "oidc-test"
    assert account["providerAccountId"] == "alice"
    assert account["token_type"].lower() == "bearer"
    assert abs(account["expires_at"] - (int(time.time()) + 3600)) <= 2
    assert account["id_token"].count(".") == 2
    assert isinstance(account["refresh_token"], str)
    assert "openid" in account["scope"].split()
    names = {"v4": "next-auth", "v5": "authjs"}[version]
    suffixes = ("state", "pkce.code_verifier", "nonce")  # config.DEFAULT_CHECKS["oidc"]
    assert result.clear_cookies == tuple(f"{names}.{suffix}" for suffix in suffixes)
    if version == "v4":
        assert result.user["id"] == "alice"
        assert account["type"] == "oauth"
        assert "expires_in" not in account
    else:
        assert re.fullmatch(r"[0-9a-f-]{36}", result.user["id"])
        assert account["type"] == "oidc"
        assert account["expires_in"] == 3600


def test_authorization_url_shapes(idp: IdP, version: str) -> None:
    config = oidc(idp, checks=["pkce", "state", "nonce"])
    redirect = "http%3A%2F%2Flocalhost%3A3000%2Fapi%2Fauth%2Fcallback%2Foidc-test"
    start = begin(
        config,
        version=version,
        redirect_uri=CALLBACK.format("oidc-test"),
        secret=SECRET,
        secure=False,
    )
    query = urlsplit(start.url).query
    if version == "v4":
        pattern = (
            f"client_id=test-client&scope=openid%20profile%20email&response_type=code"
            f"&redirect_uri={redirect}&state={B64}&code_challenge={B64}"
            f"&code_challenge_method=S256&nonce={B64}"
        )
    else:
        pattern = (
            f"response_type=code&client_id=test-client&redirect_uri={redirect}"
            f"&state=[A-Za-z0-9_.-]{{300,}}&code_challenge={B64}&code_challenge_method=S256"
            f"&nonce={B64}&scope=openid\\+profile\\+email"
        )
    assert re.fullmatch(pattern, query), query
    assert start.url.startswith(idp.issuer + "/auth?")


def test_all_checks_and_cookie_wire(idp: IdP, version: str) -> None:
    config = oidc(idp, checks=["pkce", "state", "nonce"])
    start = begin(
        config,
        version=version,
        redirect_uri=CALLBACK.format("oidc-test"),
        secret=SECRET,
        secure=True,
    )
    rules = dialect(version)
    names = [c.name for c in start.cookies]
    assert names == [rules.cookie(k, secure=True) for k in ("state", "pkce_code_verifier", "nonce")]
    params = dict(parse_qsl(urlsplit(start.url).query))
    sent = {"state": params["state"], "pkce_code_verifier": None, "nonce": params["nonce"]}
    for cookie, kind in zip(start.cookies, sent, strict=True):
        claims = jwt.decode(cookie.value, secret=SECRET, salt=cookie.name, version=version)  # type: ignore[arg-type]
        assert claims["provider"] == "oidc-test"
        assert claims["exp"] - claims["iat"] == 900
        assert set(claims) == {"value", "provider", "iat", "exp", "jti"}
        if sent[kind] is not None:
            assert claims["value"] == sent[kind]
        spec = rules.cookies[kind]
        assert cookie.max_age == spec.max_age
        assert cookie.expires is not None
    assert start.cookies[2].max_age is None  # nonce: Expires only
    if version == "v5":
        state = jwt.decode(params["state"], secret=SECRET, salt="encodedState", version="v5")
        assert re.fullmatch(B64, state["random"])
    else:
        assert re.fullmatch(B64, params["state"])
    # And the whole flow with all three checks succeeds.
    result = sign_in(idp, config, version)
    assert len(result.clear_cookies) == 3
    assert result.profile["nonce"]


@pytest.mark.parametrize("client", ["post", "public"])
def test_other_client_auth_methods(idp: IdP, version: str, client: str) -> None:
    result = sign_in(idp, oidc(idp, client), version, login="bob")
    assert result.account["providerAccountId"] == "bob"


def test_oauth_type_with_explicit_endpoints(idp: IdP, version: str) -> None:
    # The second shape: explicit endpoints, userinfo, a profile callable.
    client_id, secret, _ = CLIENTS["basic"]
    config = OAuthConfig.from_settings(
        {
            "id": "acme",
            "name": "Acme",
            "type": "oauth",
            "issuer": idp.issuer,
            "authorization": {"url": f"{idp.issuer}/auth", "params": {"scope": "openid email"}},
            "token": f"{idp.issuer}/token",
            "userinfo": f"{idp.issuer}/me",
            "id_token": False,
            "checks": ["pkce", "state"],
            "client_id": client_id,
            "client_secret": secret,
            "profile": "tests.test_oauth_flow.acme_profile",
        },
        "test",
    )
    result = sign_in(idp, config, version, login="carol")
    assert result.user["id"] != "carol" if version == "v5" else result.user["id"] == "carol"
    assert result.user["name"] == "user carol"
    assert result.profile == {"sub": "carol", "email": "carol@Example.COM", "email_verified": True}
    assert result.account["type"] == "oauth"


def acme_profile(profile: dict[str, Any], tokens: dict[str, Any]) -> dict[str, Any]:
    assert tokens["access_token"]
    return {"id": profile["sub"], "name": f"user {profile['sub']}", "email": profile["email"]}


def test_extra_params_override(idp: IdP, version: str) -> None:
    config = oidc(idp)
    start = begin(
        config,
        version=version,
        redirect_uri=CALLBACK.format("oidc-test"),
        secret=SECRET,
        secure=False,
        extra_params={"scope": "openid", "prompt": "login"},
    )
    params = dict(parse_qsl(urlsplit(start.url).query))
    assert params["scope"] == "openid"
    assert params["prompt"] == "login"
