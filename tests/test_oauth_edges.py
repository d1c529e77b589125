"""Edge cases of the OAuth core against a scripted transport (``httpx.MockTransport``).

The real-IdP tests cover the happy paths and refusals; these pin the rest: size limit,
redirects not followed, non-JSON answers, token-response rules, id_token claim rules,
callback parameter rules and profile mapping failures.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import jwt as pyjwt
import pytest

from django_nextauth.oauth import (
    Metadata,
    OAuthConfig,
    OAuthError,
    begin,
    clear_caches,
    exchange_code,
    fetch_userinfo,
    metadata,
    user_and_account,
    validate_authorization_response,
    validate_id_token,
)
from django_nextauth.oauth import http as oauth_http
from django_nextauth.oauth.presets.github import github_userinfo

SECRET = "s" * 40
ISSUER = "https://idp.example"
Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def transport() -> Iterator[list[Handler]]:
    """Set ``transport[0]`` to the handler answering every outgoing request."""
    handlers: list[Handler] = [lambda request: httpx.Response(500)]
    oauth_http.set_client(
        httpx.Client(
            transport=httpx.MockTransport(lambda request: handlers[0](request)),
            follow_redirects=False,
        )
    )
    clear_caches()
    yield handlers
    oauth_http.set_client(None)


def config(**extra: Any) -> OAuthConfig:
    entry = {
        "id": "acme",
        "type": "oauth",
        "issuer": ISSUER,
        "authorization": f"{ISSUER}/auth",
        "token": f"{ISSUER}/token",
        "userinfo": f"{ISSUER}/me",
        "client_id": "cid",
        "client_secret": SECRET,
        **extra,
    }
    return OAuthConfig.from_settings(entry, "test")


META = Metadata(
    ISSUER, f"{ISSUER}/auth", f"{ISSUER}/token", f"{ISSUER}/me", None, ("HS256",), False
)


def exchange(cfg: OAuthConfig | None = None) -> dict[str, Any]:
    return exchange_code(
        cfg or config(),
        token_endpoint=f"{ISSUER}/token",
        code="c",
        redirect_uri="https://rp/cb",
        code_verifier=None,
    )


def test_http_limits(transport: list[Handler]) -> None:
    transport[0] = lambda r: httpx.Response(200, content=b" " * (oauth_http.MAX_RESPONSE_BYTES + 1))
    with pytest.raises(OAuthError, match="too large"):
        exchange()
    transport[0] = lambda r: httpx.Response(302, headers={"Location": "https://evil/"}, json={})
    with pytest.raises(OAuthError, match="answered 302"):
        exchange()
    transport[0] = lambda r: httpx.Response(200, text="<html>")
    with pytest.raises(OAuthError, match="not JSON"):
        exchange()

    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("down", request=request)

    transport[0] = broken
    with pytest.raises(OAuthError, match="ConnectError"):
        exchange()


def test_token_response_rules(transport: list[Handler]) -> None:
    answers: list[Any] = [
        ([], "not return a JSON object"),
        ({"error": "invalid grant with spaces"}, r"\(unknown\)"),
        ({"token_type": "bearer"}, "no access_token"),
        ({"access_token": "a", "token_type": "mac"}, "token_type"),
    ]
    for body, message in answers:
        transport[0] = lambda r, body=body: httpx.Response(200, json=body)
        with pytest.raises(OAuthError, match=message):
            exchange()
    sent: list[httpx.Request] = []

    def ok(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        body = {
            "access_token": "a",
            "token_type": "Bearer",
            "scope": ["a", "b"],
            "expires_in": "60",
        }
        return httpx.Response(200, json=body)

    transport[0] = ok
    tokens = exchange(config(client_auth="none", client_secret=None))
    assert tokens["scope"] == "a b" and tokens["expires_at"] == int(time.time()) + 60
    assert b"client_id=cid" in sent[0].content and "Authorization" not in sent[0].headers
    assert sent[0].headers["Accept"] == "application/json"
    transport[0] = lambda r: httpx.Response(
        200,
        text="access_token=x&token_type=bearer",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert exchange()["access_token"] == "x"
    with pytest.raises(OAuthError, match="No token endpoint"):
        exchange_code(config(), token_endpoint=None, code="c", redirect_uri="r", code_verifier=None)


def test_discovery(transport: list[Handler]) -> None:
    oidc = OAuthConfig.from_settings(
        {"id": "x", "type": "oidc", "issuer": ISSUER, "client_id": "c", "client_secret": "s"}, "t"
    )
    transport[0] = lambda r: httpx.Response(200, json={"issuer": "https://other"})
    with pytest.raises(OAuthError, match="another issuer"):
        metadata(oidc)
    clear_caches()
    transport[0] = lambda r: httpx.Response(200, json=["not", "an", "object"])
    with pytest.raises(OAuthError, match="metadata object"):
        begin(oidc, version="v5", redirect_uri="r", secret="x", secure=False)
    clear_caches()
    transport[0] = lambda r: httpx.Response(200, json={"issuer": ISSUER})
    with pytest.raises(OAuthError, match="No authorization endpoint") as caught:
        begin(oidc, version="v4", redirect_uri="r", secret="x", secure=False)
    assert caught.value.code("v4") == "OAuthSignin"
    transport[0] = lambda r: httpx.Response(500)
    assert metadata(oidc).issuer == ISSUER  # served from the cache


def fake_rs256(kid: str = "1") -> str:
    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256', 'kid': kid})}.{part({'sub': 'u'})}.c2ln"


def sign(claims: dict[str, Any], **headers: Any) -> str:
    now = int(time.time())
    base = {"iss": ISSUER, "sub": "u", "aud": "cid", "iat": now, "exp": now + 60}
    return pyjwt.encode({**base, **claims}, SECRET, algorithm="HS256", headers=headers or None)


def check(
    token: str,
    *,
    nonce: str | None = None,
    access_token: str | None = None,
    meta: Metadata = META,
    cfg: OAuthConfig | None = None,
) -> dict[str, Any]:
    return validate_id_token(
        token,
        config=cfg or config(),
        metadata=meta,
        version="v5",
        nonce=nonce,
        access_token=access_token,
    )


def test_id_token_rules() -> None:
    assert check(sign({}))["sub"] == "u"
    refusals = [
        (sign({"nonce": "n"}), {}, "unexpected nonce"),
        (sign({}), {"nonce": "n"}, "nonce mismatch"),
        (sign({"aud": ["cid", "other"]}), {}, "azp"),
        (sign({"azp": "other"}), {}, "azp"),
        (sign({"at_hash": "wrong"}), {"access_token": "at"}, "at_hash"),
        (sign({"exp": int(time.time()) - 40}), {}, "ExpiredSignatureError"),
        (sign({"iss": "https://other"}), {}, "InvalidIssuerError"),
        ("not-a-jwt", {}, "malformed"),
        (sign({}), {"meta": META.__class__(None, *list(META.__dict__.values())[1:])}, "issuer"),
        (sign({}), {"cfg": config(client_auth="none", client_secret=None)}, "client secret"),
    ]
    for token, kwargs, message in refusals:
        with pytest.raises(OAuthError, match=message):
            check(token, **kwargs)
    digest = hashlib.sha256(b"at").digest()[:16]
    at_hash = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    assert check(sign({"at_hash": at_hash, "azp": "cid"}), access_token="at")
    rs = META.__class__(ISSUER, None, None, None, None, ("RS256",), False)
    with pytest.raises(OAuthError, match="jwks_uri"):
        check(fake_rs256(), meta=rs)


def test_jwks_unavailable(transport: list[Handler]) -> None:
    meta = Metadata(ISSUER, None, None, None, f"{ISSUER}/jwks", ("RS256",), False)
    token = fake_rs256()
    with pytest.raises(OAuthError, match="JWKS is unavailable"):
        check(token, meta=meta)
    transport[0] = lambda r: httpx.Response(
        200, json={"keys": [{"kty": "oct", "k": "AA", "kid": "2"}]}
    )
    with pytest.raises(OAuthError, match="no matching signing key"):
        check(token, meta=meta)


def test_callback_parameter_rules() -> None:
    def run(params: dict[str, str], version: str, expected: str | None = None) -> str:
        return validate_authorization_response(
            params, version=version, metadata=META, expected_state=expected
        )

    assert run({"code": "c", "iss": ISSUER}, "v5") == "c"
    with pytest.raises(OAuthError, match="state is not checked"):
        run({"code": "c", "state": "s"}, "v4")
    assert run({"code": "c", "state": "s"}, "v5") == "c"  # v5 ignores a stray state
    with pytest.raises(OAuthError, match="Implicit"):
        run({"code": "c", "access_token": "x"}, "v5")
    with pytest.raises(OAuthError, match="code parameter"):
        run({}, "v4")
    with pytest.raises(OAuthError) as caught:
        run({"error": "<script>"}, "v4")
    assert "error=invalid" in str(caught.value) and caught.value.kind == "idp_error"


def test_userinfo_and_profile_failures(transport: list[Handler]) -> None:
    with pytest.raises(OAuthError, match="No userinfo endpoint"):
        fetch_userinfo({"access_token": "a"}, userinfo_endpoint=None)
    transport[0] = lambda r: httpx.Response(401, json={"error": "invalid_token"})
    with pytest.raises(OAuthError, match="did not return a profile"):
        fetch_userinfo({"access_token": "a"}, userinfo_endpoint=f"{ISSUER}/me")

    def boom(profile: Any, tokens: Any) -> dict[str, Any]:
        raise KeyError("id")

    with pytest.raises(OAuthError, match="raised KeyError") as caught:
        user_and_account(config(profile=boom), version="v4", profile={}, tokens={})
    assert caught.value.code("v4") is None
    no_id = config(profile=lambda p, t: {"name": "x"})
    with pytest.raises(OAuthError, match="no id"):
        user_and_account(no_id, version="v4", profile={}, tokens={})
    user, account = user_and_account(no_id, version="v5", profile={}, tokens={})
    assert len(account["providerAccountId"]) == 36 and "email" not in user


def test_github_userinfo_failures(transport: list[Handler]) -> None:
    transport[0] = lambda r: httpx.Response(401, json={"message": "Bad credentials"})
    with pytest.raises(OAuthError, match="GitHub user"):
        github_userinfo(config(), {"access_token": "a"}, f"{ISSUER}/user")

    def user_only(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/emails"):
            return httpx.Response(500)
        return httpx.Response(200, json={"id": 1, "email": None})

    transport[0] = user_only
    assert github_userinfo(config(), {"access_token": "a"}, f"{ISSUER}/user")["email"] is None
    transport[0] = lambda r: httpx.Response(
        200, json=[1] if r.url.path.endswith("/emails") else {"id": 1}
    )
    assert "email" not in github_userinfo(config(), {"access_token": "a"}, f"{ISSUER}/user")


def test_check_cookie_without_value() -> None:
    from django_nextauth import jwt
    from django_nextauth.oauth import read_checks

    name = "authjs.state"
    empty = jwt.encode({"provider": "acme"}, secret=SECRET, max_age=900, salt=name, version="v5")
    with pytest.raises(OAuthError, match="holds no value"):
        read_checks({name: empty}, "acme", ["state"], version="v5", secret=SECRET, secure=False)
