"""Forged and broken callbacks through Django's ``/callback/<id>``, against the real IdP.

Each refusal ends on the version's error redirect (v4 ``/error?error=OAuthCallback``,
v5 ``/error?error=Configuration``; an IdP ``error=`` is v4 ``Callback`` and v5
``/signin?error=OAuthCallbackError``), writes no session cookie, leaves the check
cookies alone and never answers 5xx.
"""

# ruff: noqa: F811 (the fixtures imported from test_providers_oauth are test arguments here)
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from django_nextauth import jwt
from django_nextauth.dialect import dialect
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.oauth import code_flow, http
from tests.conftest import SECRET
from tests.interop.idp.harness import IdP
from tests.test_providers_oauth import (  # noqa: F401 (fixtures)
    _fresh,
    _no_adapter,
    begin,
    configure,
    corp,
    idp,
    set_cookies,
)

# The OpenID provider of npm (tests/interop/idp)
# (loopback_idp: DEBUG on, for the http loopback issuers)
pytestmark = [pytest.mark.interop, pytest.mark.usefixtures("loopback_idp")]

BASE = "http://testserver/api/auth"
CALLBACK_ERROR = {
    "v4": f"{BASE}/error?error=OAuthCallback",
    "v5": f"{BASE}/error?error=Configuration",
}
IDP_ERROR = {"v4": f"{BASE}/error?error=Callback", "v5": f"{BASE}/signin?error=OAuthCallbackError"}
SIGNIN_ERROR = {"v4": f"{BASE}/error?error=OAuthSignin", "v5": f"{BASE}/error?error=Configuration"}


@pytest.fixture
def setup(configure: Callable[..., None], idp: IdP) -> None:
    configure(corp(idp), corp(idp, id="other", name="Other"))


def authorize(client: Client, idp: IdP, provider_id: str = "corp", **kw: Any) -> dict[str, str]:
    start = begin(client, provider_id, **kw)
    assert start.status_code == 302
    return idp.authorize(start["Location"], login=kw.get("login_as", "alice"))


def refused(response: Any, expected: str) -> None:
    assert response.status_code == 302
    assert response["Location"] == expected
    assert not any("session-token" in name for name in response.cookies)
    # Failures leave the check cookies in place, as NextAuth does.
    assert not any(m["max-age"] == 0 for m in response.cookies.values())


def callback(client: Client, params: dict[str, str], provider_id: str = "corp") -> Any:
    return client.get(f"/api/auth/callback/{provider_id}", params)


def cookie_name(version: str, kind: Any) -> str:
    return dialect(version).cookie(kind, secure=False)


def reseal(client: Client, version: str, kind: Any, **changes: Any) -> None:
    """Re-encrypt one check cookie with changed claims (``max_age``: its lifetime)."""
    name = cookie_name(version, kind)
    claims = jwt.decode(client.cookies[name].value, secret=SECRET, salt=name, version=version)  # type: ignore[arg-type]
    max_age = changes.pop("max_age", 900)
    payload = {"value": claims["value"], "provider": claims["provider"], **changes}
    client.cookies[name] = jwt.encode(
        payload, secret=SECRET, max_age=max_age, salt=name, version=version
    )  # type: ignore[arg-type]


@pytest.mark.usefixtures("setup")
def test_tampered_and_missing_state(client: Client, idp: IdP, version: str) -> None:
    params = authorize(client, idp)
    refused(callback(client, {**params, "state": "x" * 43}), CALLBACK_ERROR[version])
    without = {k: v for k, v in params.items() if k != "state"}
    refused(callback(client, without), CALLBACK_ERROR[version])
    del client.cookies[cookie_name(version, "state")]
    refused(callback(client, params), CALLBACK_ERROR[version])


@pytest.mark.usefixtures("setup")
def test_check_cookie_for_another_provider(client: Client, idp: IdP, version: str) -> None:
    params = authorize(client, idp, "other")
    refused(callback(client, params), CALLBACK_ERROR[version])
    reseal(client, version, "pkce_code_verifier", provider="corp")
    reseal(client, version, "nonce", provider="corp")
    refused(callback(client, params), CALLBACK_ERROR[version])  # the state cookie still says other


@pytest.mark.usefixtures("setup")
def test_expired_check_cookie(client: Client, idp: IdP, version: str) -> None:
    params = authorize(client, idp)
    reseal(client, version, "pkce_code_verifier", max_age=-120)
    refused(callback(client, params), CALLBACK_ERROR[version])


@pytest.mark.usefixtures("setup")
def test_replayed_callback_and_reused_code(client: Client, idp: IdP, version: str) -> None:
    params = authorize(client, idp)
    checks = {
        k: client.cookies[cookie_name(version, k)].value
        for k in ("state", "pkce_code_verifier", "nonce")
    }
    assert callback(client, params)["Location"] == "http://testserver/after"
    refused(callback(client, params), CALLBACK_ERROR[version])  # the check cookies are gone
    for kind, value in checks.items():
        client.cookies[cookie_name(version, kind)] = value
    refused(callback(client, params), CALLBACK_ERROR[version])  # the IdP refuses the code


@pytest.mark.usefixtures("setup")
def test_wrong_nonce(
    caplog: pytest.LogCaptureFixture, client: Client, idp: IdP, version: str
) -> None:
    params = authorize(client, idp)
    name = cookie_name(version, "nonce")
    client.cookies[name] = jwt.encode(
        {"value": "n" * 43, "provider": "corp"},
        secret=SECRET,
        max_age=900,
        salt=name,
        version=version,
    )  # type: ignore[arg-type]
    refused(callback(client, params), CALLBACK_ERROR[version])
    assert "nonce mismatch" in caplog.text


@pytest.mark.usefixtures("setup")
def test_wrong_iss(client: Client, idp: IdP, version: str) -> None:
    params = authorize(client, idp)
    refused(callback(client, {**params, "iss": "https://evil.example"}), CALLBACK_ERROR[version])
    without = {k: v for k, v in params.items() if k != "iss"}  # advertised, so required
    refused(callback(client, without), CALLBACK_ERROR[version])


class ForgeIdToken(httpx.BaseTransport):
    """The real IdP, with the token endpoint's id_token replaced by ``forge(id_token)``."""

    def __init__(self, forge: Callable[[str], str]) -> None:
        self.real = httpx.HTTPTransport()
        self.forge = forge

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.real.handle_request(request)
        if request.url.path != "/token":
            return response
        body = json.loads(response.read())
        response.close()
        body["id_token"] = self.forge(body["id_token"])
        return httpx.Response(response.status_code, json=body)

    def close(self) -> None:
        self.real.close()


def _another_key(token: str) -> str:
    claims = pyjwt.decode(token, options={"verify_signature": False})
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = pyjwt.get_unverified_header(token)["kid"]
    return pyjwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def _alg_none(token: str) -> str:
    claims = pyjwt.decode(token, options={"verify_signature": False})
    return pyjwt.encode(claims, None, algorithm="none")


@pytest.mark.usefixtures("setup")
@pytest.mark.parametrize("forge", [_another_key, _alg_none])
def test_forged_id_token(
    caplog: pytest.LogCaptureFixture,
    client: Client,
    idp: IdP,
    version: str,
    forge: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    params = authorize(client, idp)
    with httpx.Client(transport=ForgeIdToken(forge), follow_redirects=False) as forged:
        monkeypatch.setattr(http, "_client", forged)
        refused(callback(client, params), CALLBACK_ERROR[version])
    assert "The id_token was rejected" in caplog.text


@pytest.mark.usefixtures("setup")
def test_idp_access_denied(client: Client, idp: IdP, version: str) -> None:
    start = begin(client, "corp")
    params = idp.authorize(start["Location"], login="deny")
    assert params["error"] == "access_denied"
    refused(callback(client, params), IDP_ERROR[version])
    # v5 reports the IdP's error only once state and iss passed; v4 before any check.
    forged = {**params, "state": "x" * 43}
    refused(
        callback(client, forged), IDP_ERROR[version] if version == "v4" else CALLBACK_ERROR[version]
    )


@pytest.mark.usefixtures("setup")
@pytest.mark.parametrize(
    "hostile", ["https://evil.example/x", "//evil.example", "javascript:alert(1)"]
)
def test_hostile_callback_url(client: Client, idp: IdP, version: str, hostile: str) -> None:
    params = authorize(client, idp, callbackUrl=hostile)
    done = client.get("/api/auth/callback/corp?" + urlencode({**params, "callbackUrl": hostile}))
    assert done.status_code == 302
    assert done["Location"] == "http://testserver"


@pytest.mark.usefixtures("setup")
def test_unexpected_errors_never_5xx(
    client: Client,
    idp: IdP,
    version: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    params = authorize(client, idp)

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("surprise")

    monkeypatch.setattr(code_flow, "exchange_code", boom)
    refused(callback(client, params), CALLBACK_ERROR[version])
    monkeypatch.setattr(code_flow, "metadata", boom)
    refused(begin(client, "corp"), SIGNIN_ERROR[version])


def test_unreachable_issuer_on_sign_in(client: Client, configure: Any, version: str) -> None:
    unreachable = "http://127.0.0.1:9"  # nothing listens: discovery fails at once
    configure(
        {
            "id": "gone",
            "type": "oidc",
            "issuer": unreachable,
            "client_id": "a",
            "client_secret": "b",
        }
    )
    refused(begin(client, "gone"), SIGNIN_ERROR[version])


def failing_profile(profile: dict[str, Any], tokens: dict[str, Any]) -> dict[str, Any]:
    raise ValueError("no")


def test_failing_profile_goes_back_to_signin(
    client: Client, idp: IdP, configure: Any, version: str
) -> None:
    configure(corp(idp, profile=f"{__name__}.failing_profile"))
    params = authorize(client, idp)
    refused(callback(client, params), f"{BASE}/signin")


@pytest.mark.usefixtures("setup")
def test_configuration_errors_stay_configuration_errors(
    client: Client, idp: IdP, version: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A broken server setting is NextAuth's configuration answer, not a failed sign-in.
    params = authorize(client, idp)

    def misconfigured(*args: Any, **kwargs: Any) -> Any:
        raise ConfigurationError("NEXTAUTH['SECRET'] is unusable")

    monkeypatch.setattr(code_flow, "exchange_code", misconfigured)
    assert callback(client, params).status_code == 500
    monkeypatch.setattr(code_flow, "metadata", misconfigured)
    assert begin(client, "corp").status_code == 500
