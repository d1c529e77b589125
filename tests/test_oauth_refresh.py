"""``refresh_access_token`` against the real IdP's refresh grant."""

from __future__ import annotations

import time

import pytest

from django_nextauth.exceptions import ConfigurationError
from django_nextauth.oauth import REFRESH_ERROR
from django_nextauth.providers.oauth import provider_config, refresh_access_token
from tests.interop.idp.harness import IdP
from tests.test_oauth_flow import idp, oidc, sign_in  # noqa: F401 (the module's IdP)

# The OpenID provider of npm (tests/interop/idp)
# (loopback_idp: DEBUG on, for the http loopback issuers)
pytestmark = [pytest.mark.interop, pytest.mark.usefixtures("loopback_idp")]


def test_refresh_rotates_the_access_token(idp: IdP, version: str) -> None:  # noqa: F811
    config = oidc(idp)
    account = sign_in(idp, config, version).account
    token = {"sub": "1", "error": REFRESH_ERROR, "expires_at": 0}
    token.update({k: account[k] for k in ("access_token", "refresh_token")})
    refreshed = refresh_access_token(config, token)
    assert "error" not in refreshed
    assert refreshed["sub"] == "1"
    assert refreshed["access_token"] != account["access_token"]
    assert abs(refreshed["expires_at"] - (int(time.time()) + 3600)) <= 2
    assert refreshed["refresh_token"]
    assert refreshed["id_token"].count(".") == 2
    # A refresh token that was rotated away (or never valid) is refused.
    again = refresh_access_token(config, {**token, "refresh_token": "not-a-refresh-token"})
    assert again["error"] == REFRESH_ERROR
    assert again["access_token"] == token["access_token"]


def test_refresh_by_provider_id(idp: IdP, nextauth: object, version: str) -> None:  # noqa: F811
    config = oidc(idp)
    entry = {
        "id": "oidc-test",
        "type": "oidc",
        "issuer": idp.issuer,
        "client_id": config.client_id,
        "client_secret": config.client_secret,
    }
    nextauth(VERSION=version, PROVIDERS=[{"id": "credentials", "type": "credentials"}, entry])  # type: ignore[operator]
    assert provider_config("oidc-test").issuer == idp.issuer
    account = sign_in(idp, config, version).account
    refreshed = refresh_access_token("oidc-test", {"refresh_token": account["refresh_token"]})
    assert refreshed["access_token"]
    assert refresh_access_token("oidc-test", {})["error"] == REFRESH_ERROR
    with pytest.raises(ConfigurationError, match="nope"):
        refresh_access_token("nope", {})
