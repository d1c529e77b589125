"""OAuthConfig normalisation, presets, and the authorization URL per version (no network)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

from django_nextauth.exceptions import ConfigurationError
from django_nextauth.oauth import PRESETS, OAuthConfig, OAuthError, authorization_url
from django_nextauth.oauth.check_cookies import AuthorizationChecks, code_challenge, random_value
from django_nextauth.oauth.presets.discord import discord_profile
from django_nextauth.oauth.presets.gitlab import gitlab_profile
from django_nextauth.oauth.profiles import default_profile

ACME: dict[str, Any] = {
    "id": "acme",
    "name": "Acme",
    "type": "oauth",
    "authorization": {"url": "https://acme.example/authorize", "params": {"scope": "read:user"}},
    "token": "https://acme.example/token",
    "userinfo": "https://acme.example/user",
    "client_id": "cid",
    "client_secret": "cs",
}
NO_CHECKS = AuthorizationChecks(None, None, None, None, ())


def build(**entry: Any) -> OAuthConfig:
    return OAuthConfig.from_settings(entry, 'NEXTAUTH["PROVIDERS"][1]')


def url(config: OAuthConfig, version: str, **extra: str) -> str:
    return authorization_url(
        config,
        version=version,
        endpoint=config.authorization.url or "https://idp.example/auth",
        redirect_uri="http://localhost:3000/api/auth/callback/x",
        checks=NO_CHECKS,
        extra_params=extra,
    )


def test_issue_shapes() -> None:
    corp = build(
        id="corp",
        name="Corp SSO",
        type="oidc",
        issuer="https://idp.example.com",
        client_id="c",
        client_secret="s",
        checks=["pkce", "state", "nonce"],
    )
    assert corp.well_known == "https://idp.example.com/.well-known/openid-configuration"
    assert corp.id_token and corp.checks("v4") == corp.checks("v5") == ("pkce", "state", "nonce")
    acme = build(**ACME, profile="tests.test_oauth_config.acme_profile")
    assert acme.profile is acme_profile
    assert not acme.id_token
    assert acme.checks("v4") == acme.checks("v5") == ("pkce", "state")
    assert acme.client_auth == "client_secret_basic"


def acme_profile(profile: Any, tokens: Any) -> dict[str, Any]:
    return {"id": profile["id"]}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({**ACME, "id": ""}, r"\['id'\] is required"),
        ({**ACME, "id": "a/b"}, "URL-safe"),
        ({**ACME, "type": "saml"}, r"\['type'\]"),
        ({**ACME, "client_id": None}, r"\['client_id'\] is required"),
        ({**ACME, "client_secret": ""}, r"\['client_secret'\] is required"),
        ({**ACME, "client_auth": "jwt"}, r"\['client_auth'\]"),
        ({**ACME, "checks": ["pkce", "magic"]}, "unknown check 'magic'"),
        ({**ACME, "checks": "pkce"}, "list of strings"),
        ({**ACME, "token": None}, "'authorization' and 'token'"),
        ({**ACME, "token": "ftp://x"}, r"\['token'\] must be an http"),
        ({**ACME, "userinfo": None}, r"\['userinfo'\] is required"),
        ({**ACME, "profile": "no.such.module"}, "cannot import"),
        ({**ACME, "profile": 3}, "callable"),
        ({**ACME, "id_token": "yes"}, "boolean"),
        ({**ACME, "surprise": 1}, "unknown option 'surprise'"),
        ({**ACME, "authorization": 3}, "URL or"),
        ({**ACME, "authorization": {"url": 3}}, "must be a string"),
        ({**ACME, "authorization": {"url": "https://a", "params": []}}, "must be a dict"),
        ({**ACME, "name": 3}, r"\['name'\] must be a string"),
        ({"id": "x", "type": "oidc", "client_id": "c", "client_secret": "s"}, "issuer"),
        ({"provider": "myspace"}, "unknown preset 'myspace'"),
    ],
)
def test_validation_names_the_setting(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as caught:
        build(**entry)
    assert 'NEXTAUTH["PROVIDERS"][1]' in str(caught.value)


def test_not_a_dict() -> None:
    with pytest.raises(ConfigurationError, match="must be a dict"):
        OAuthConfig.from_settings([], "P")  # type: ignore[arg-type]


def test_public_client_and_none_checks() -> None:
    config = build(**{**ACME, "client_auth": "none", "client_secret": None, "checks": ["none"]})
    assert config.client_secret == "" and config.checks("v5") == ()


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_normalises(name: str) -> None:
    extra = {"issuer": "https://tenant.example"} if name in ("auth0", "keycloak", "okta") else {}
    config = build(provider=name, client_id="c", client_secret="s", **extra)
    assert config.id == name and config.name
    for version in ("v4", "v5"):
        assert url(config, version).count("client_id=c") == 1


def test_preset_checks_and_scopes() -> None:
    google = build(provider="google", client_id="c", client_secret="s")
    assert google.type == "oidc" and google.issuer == "https://accounts.google.com"
    assert google.checks("v4") == google.checks("v5") == ("pkce", "state", "nonce")
    assert "scope=openid%20email%20profile&" in url(google, "v4")
    assert url(google, "v5").endswith("&scope=openid+profile+email")
    okta = build(provider="okta", issuer="https://o.example", client_id="c", client_secret="s")
    assert okta.checks("v4") == okta.checks("v5") == ("pkce", "state", "nonce")
    entra = build(provider="microsoft-entra-id", tenant_id="t1", client_id="c", client_secret="s")
    assert entra.issuer == "https://login.microsoftonline.com/t1/v2.0"
    github = build(provider="github", client_id="c", client_secret="s")
    assert github.issuer == "https://github.com/login/oauth"
    assert github.userinfo == "https://api.github.com/user"
    overridden = build(
        provider="github",
        client_id="c",
        client_secret="s",
        checks=["state"],
        authorization={"params": {"scope": "read:user"}},
    )
    assert overridden.checks("v5") == ("state",)
    assert overridden.params("v5") == {"scope": "read:user"}
    assert overridden.authorization.url == "https://github.com/login/oauth/authorize"


def test_discord_scope_first_in_both_versions() -> None:
    discord = build(provider="discord", client_id="c", client_secret="s")
    assert "?scope=identify%20email&client_id=c&" in url(discord, "v4")
    assert "?scope=identify+email&response_type=code&client_id=c&" in url(discord, "v5")


def test_explicit_url_without_scope() -> None:
    entry = {**ACME, "authorization": "https://acme.example/authorize"}
    config = build(**entry)
    assert "?client_id=cid&scope=openid&response_type=code&" in url(config, "v4")
    assert "?scope=openid+profile+email&response_type=code&" in url(config, "v5")


def test_encoding_of_special_characters() -> None:
    config = build(**ACME)
    assert "state=a%7Eb*c%27&" not in url(config, "v5")
    v5 = url(config, "v5", prompt="a~b*c' d")
    assert "prompt=a%7Eb*c%27+d" in v5
    assert "prompt=a%7Eb*c%27%20d" in url(config, "v4", prompt="a~b*c' d")


def test_code_challenge_is_s256() -> None:
    verifier = random_value()
    digest = hashlib.sha256(verifier.encode()).digest()
    assert code_challenge(verifier) == base64.urlsafe_b64encode(digest).decode().rstrip("=")
    assert len(verifier) == 43 and verifier != random_value()


def test_profiles() -> None:
    assert default_profile({"id": 7, "nickname": "n"}, {}) == {"id": "7", "name": "n"}
    assert len(default_profile({}, {})["id"]) == 36
    assert default_profile({"sub": "s", "preferred_username": "p"}, {})["name"] == "p"
    gl = gitlab_profile({"id": 1, "username": "u", "avatar_url": "a"}, {})
    assert gl == {"id": "1", "name": "u", "email": None, "image": "a"}
    d = {"id": "80351110224678912", "username": "u", "discriminator": "0", "avatar": None}
    number = (80351110224678912 >> 22) % 6
    assert discord_profile(d, {})["image"].endswith(f"/embed/avatars/{number}.png")
    assert discord_profile({**d, "discriminator": "1337"}, {})["image"].endswith("/2.png")
    assert discord_profile({**d, "avatar": "a_x", "global_name": "G"}, {})["image"].endswith(".gif")
    assert discord_profile({**d, "avatar": "x"}, {})["name"] == "u"


def test_error_codes() -> None:
    error = OAuthError("signin", "x")
    assert (error.code("v4"), error.code("v5")) == ("OAuthSignin", "Configuration")
    assert OAuthError("profile", "x").code("v5") is None
