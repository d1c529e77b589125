"""Every forged or broken callback is refused with the version's error code.

Against the real OpenID provider (``tests/interop/idp/server.mjs``): tampered or
missing state, a check cookie for another provider, an expired check cookie, a reused
code, a wrong nonce, a wrong or missing ``iss``, id_tokens signed by another key or
with ``alg: none``, and the IdP's ``error=access_denied``.
"""

from __future__ import annotations

import time
from typing import Any

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from django_nextauth import jwt
from django_nextauth.oauth import (
    Metadata,
    OAuthConfig,
    OAuthError,
    begin,
    complete,
    metadata,
    validate_id_token,
)
from tests.conftest import SECRET
from tests.interop.idp.harness import IdP
from tests.test_oauth_flow import CALLBACK, idp, oidc  # noqa: F401 (the module's IdP)

# The OpenID provider of npm (tests/interop/idp)
# (loopback_idp: DEBUG on, for the http loopback issuers)
pytestmark = [pytest.mark.interop, pytest.mark.usefixtures("loopback_idp")]

ALL = ["pkce", "state", "nonce"]
CODES = {"v4": "OAuthCallback", "v5": "Configuration"}


def attempt(
    idp: IdP,  # noqa: F811
    config: OAuthConfig,
    version: str,
    *,
    params: dict[str, str] | None = None,
    cookies: dict[str, str] | None = None,
    login: str = "alice",
    tamper: Any = None,
) -> Any:
    redirect_uri = CALLBACK.format(config.id)
    start = begin(config, version=version, redirect_uri=redirect_uri, secret=SECRET, secure=False)
    got = idp.authorize(start.url, login=login)
    jar = {c.name: c.value for c in start.cookies}
    if tamper is not None:
        tamper(got, jar)
    return complete(
        config,
        version=version,
        params={**got, **(params or {})},
        cookies=jar if cookies is None else cookies,
        redirect_uri=redirect_uri,
        secret=SECRET,
        secure=False,
    )


def refused(version: str, call: Any, kind: str = "callback") -> OAuthError:
    with pytest.raises(OAuthError) as caught:
        call()
    assert caught.value.kind == kind
    if kind == "callback":
        assert caught.value.code(version) == CODES[version]
    return caught.value


def test_tampered_state(idp: IdP, version: str) -> None:  # noqa: F811
    config = oidc(idp, checks=ALL)
    error = refused(version, lambda: attempt(idp, config, version, params={"state": "x" * 43}))
    assert "state" in str(error)


def test_missing_state_parameter_and_cookie(idp: IdP, version: str) -> None:  # noqa: F811
    config = oidc(idp, checks=ALL)
    refused(version, lambda: attempt(idp, config, version, tamper=lambda p, j: p.pop("state")))
    refused(version, lambda: attempt(idp, config, version, cookies={}))


def test_cookie_for_another_provider(idp: IdP, version: str) -> None:  # noqa: F811
    config = oidc(idp, checks=ALL)
    other = oidc(idp, checks=ALL, id="other")
    start = begin(
        other, version=version, redirect_uri=CALLBACK.format("other"), secret=SECRET, secure=False
    )
    foreign = {c.name: c.value for c in start.cookies}
    error = refused(version, lambda: attempt(idp, config, version, cookies=foreign))
    assert "different provider" in str(error)


def test_expired_check_cookie(idp: IdP, version: str) -> None:  # noqa: F811
    config = oidc(idp, checks=ALL)

    def expire(params: dict[str, str], jar: dict[str, str]) -> None:
        for name, value in jar.items():
            claims = jwt.decode(value, secret=SECRET, salt=name, version=version)  # type: ignore[arg-type]
            payload = {"value": claims["value"], "provider": claims["provider"]}
            jar[name] = jwt.encode(payload, secret=SECRET, max_age=-20, salt=name, version=version)  # type: ignore[arg-type]

    error = refused(version, lambda: attempt(idp, config, version, tamper=expire))
    assert "expired" in str(error)


def test_reused_code(idp: IdP, version: str) -> None:  # noqa: F811
    config = oidc(idp)
    redirect_uri = CALLBACK.format(config.id)
    start = begin(config, version=version, redirect_uri=redirect_uri, secret=SECRET, secure=False)
    params = idp.authorize(start.url)
    jar = {c.name: c.value for c in start.cookies}
    kwargs: dict[str, Any] = {
        "version": version,
        "params": params,
        "cookies": jar,
        "redirect_uri": redirect_uri,
        "secret": SECRET,
        "secure": False,
    }
    assert complete(config, **kwargs).account["providerAccountId"] == "alice"
    error = refused(version, lambda: complete(config, **kwargs))
    assert "invalid_grant" in str(error)
    assert params["code"] not in str(error)


def test_wrong_pkce_verifier(idp: IdP, version: str) -> None:  # noqa: F811
    config = oidc(idp)

    def swap(params: dict[str, str], jar: dict[str, str]) -> None:
        for name in jar:
            jar[name] = jwt.encode(
                {"value": "v" * 43, "provider": "oidc-test"},
                secret=SECRET,
                max_age=900,
                salt=name,
                version=version,
            )  # type: ignore[arg-type]

    refused(version, lambda: attempt(idp, config, version, tamper=swap))


def test_wrong_nonce(idp: IdP, version: str) -> None:  # noqa: F811
    config = oidc(idp, checks=ALL)

    def swap(params: dict[str, str], jar: dict[str, str]) -> None:
        name = next(n for n in jar if n.endswith(".nonce"))
        jar[name] = jwt.encode(
            {"value": "n" * 43, "provider": "oidc-test"},
            secret=SECRET,
            max_age=900,
            salt=name,
            version=version,
        )  # type: ignore[arg-type]

    error = refused(version, lambda: attempt(idp, config, version, tamper=swap))
    assert "nonce" in str(error)


def test_wrong_or_missing_iss(idp: IdP, version: str) -> None:  # noqa: F811
    config = oidc(idp)
    refused(version, lambda: attempt(idp, config, version, params={"iss": "https://evil.example"}))
    error = refused(
        version, lambda: attempt(idp, config, version, tamper=lambda p, j: p.pop("iss"))
    )
    assert "missing" in str(error)


def test_access_denied(idp: IdP, version: str) -> None:  # noqa: F811
    config = oidc(idp, checks=ALL)
    error = refused(version, lambda: attempt(idp, config, version, login="deny"), "idp_error")
    assert error.code(version) == {"v4": "Callback", "v5": "OAuthCallbackError"}[version]
    assert "access_denied" in str(error)
    assert "said no" not in str(error)  # the IdP's free text stays out


def test_access_denied_with_forged_state(idp: IdP, version: str) -> None:  # noqa: F811
    # v4 reports the IdP error first; v5 checks state before it.
    config = oidc(idp, checks=ALL)
    with pytest.raises(OAuthError) as caught:
        attempt(idp, config, version, login="deny", params={"state": "forged"})
    assert caught.value.kind == {"v4": "idp_error", "v5": "callback"}[version]


@pytest.fixture
def idp_metadata(idp: IdP) -> tuple[OAuthConfig, Metadata, dict[str, Any]]:  # noqa: F811
    config = oidc(idp)
    meta = metadata(config)
    now = int(time.time())
    claims = {"iss": idp.issuer, "sub": "alice", "aud": "test-client", "iat": now, "exp": now + 60}
    return config, meta, claims


def test_id_token_signed_by_another_key(idp_metadata: Any, version: str) -> None:
    config, meta, claims = idp_metadata
    kid = pyjwt.get_unverified_header(_real_id_token(config, meta))["kid"]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = pyjwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})
    error = refused(
        version,
        lambda: validate_id_token(
            forged, config=config, metadata=meta, version=version, nonce=None
        ),
    )
    assert "InvalidSignatureError" in str(error)
    unknown = pyjwt.encode(claims, key, algorithm="RS256", headers={"kid": "elsewhere"})
    refused(
        version,
        lambda: validate_id_token(
            unknown, config=config, metadata=meta, version=version, nonce=None
        ),
    )


def test_id_token_alg_none_and_hmac(idp_metadata: Any, version: str) -> None:
    config, meta, claims = idp_metadata
    none = pyjwt.encode(claims, None, algorithm="none")
    refused(
        version,
        lambda: validate_id_token(none, config=config, metadata=meta, version=version, nonce=None),
    )
    # HS256 with the client secret: valid JOSE, but the IdP only advertises RS256 (and more).
    hmac = pyjwt.encode(claims, "k" * 32, algorithm="HS256")
    refused(
        version,
        lambda: validate_id_token(hmac, config=config, metadata=meta, version=version, nonce=None),
    )


def _real_id_token(config: OAuthConfig, meta: Metadata) -> str:
    # Any id_token the IdP signed, for its kid: sign in once without checks.
    from tests.test_oauth_flow import sign_in

    idp_url = meta.issuer
    assert idp_url is not None
    server = IdP(idp_url, None)  # type: ignore[arg-type]
    return str(sign_in(server, config, "v4").account["id_token"])
