"""The built-in presets as typed data (``django_nextauth/oauth/presets/``): one frozen
:class:`Preset` per module, what only a preset may say never read from settings, a preset's
own options only with that preset, and the provider class chosen by the registry."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from django_nextauth.exceptions import ConfigurationError
from django_nextauth.oauth import PRESETS, OAuthConfig
from django_nextauth.oauth.presets import Preset
from django_nextauth.oauth.presets.github import github_userinfo
from django_nextauth.providers import load_providers, register_provider_type
from django_nextauth.providers.oidc import OIDCProvider
from django_nextauth.providers.registry import provider_types

ACME: dict[str, Any] = {
    "id": "acme",
    "type": "oauth",
    "authorization": "https://acme.example/authorize",
    "token": "https://acme.example/token",
    "userinfo": "https://acme.example/user",
    "client_id": "cid",
    "client_secret": "cs",
}


def build(**entry: Any) -> OAuthConfig:
    return OAuthConfig.from_settings(entry, "P")


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_is_a_frozen_typed_object_named_by_its_id(name: str) -> None:
    preset = PRESETS[name]
    assert isinstance(preset, Preset) and preset.id == name
    with pytest.raises(dataclasses.FrozenInstanceError):
        preset.name = "Other"  # type: ignore[misc]


@pytest.mark.parametrize(
    "key", ["_userinfo_request", "_params_by_version", "_endpoint_origins", "_user_params"]
)
def test_settings_cannot_set_what_only_a_preset_says(key: str) -> None:
    for entry in (ACME, {"provider": "github", "client_id": "c", "client_secret": "s"}):
        with pytest.raises(ConfigurationError, match=f"unknown option '{key}'"):
            build(**entry, **{key: "tests.test_oauth_presets.github_userinfo"})


def test_github_userinfo_request_comes_from_the_preset_only() -> None:
    assert build(provider="github", client_id="c", client_secret="s").userinfo_request is (
        github_userinfo
    )
    assert build(**ACME).userinfo_request is None


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        (ACME, "tenant_id"),
        (ACME, "enterprise"),
        ({"provider": "github", "client_id": "c", "client_secret": "s"}, "tenant_id"),
        ({"provider": "google", "client_id": "c", "client_secret": "s"}, "enterprise"),
    ],
)
def test_a_presets_own_option_only_with_that_preset(entry: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigurationError, match=f"unknown option '{key}'"):
        build(**entry, **{key: "x"})


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"enterprise": "https://ghe.example"}, r"\['enterprise'\] must be a dict"),
        ({"enterprise": {"base_url": 3}}, r"\['enterprise'\]\['base_url'\] must be a string"),
    ],
)
def test_a_bad_preset_option_is_a_configuration_error(extra: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        build(provider="github", client_id="c", client_secret="s", **extra)


def test_microsoft_entra_id_tenant_must_be_text() -> None:
    with pytest.raises(ConfigurationError, match=r"\['tenant_id'\] must be a string"):
        build(provider="microsoft-entra-id", tenant_id=7, client_id="c", client_secret="s")


class CorpOIDC(OIDCProvider):
    """A site's own OIDC type, registered over the built-in one."""


def test_the_type_registry_picks_the_class_of_a_presets_type() -> None:
    before = provider_types().get("oidc", OIDCProvider)
    register_provider_type("oidc", CorpOIDC)
    try:
        (google,) = load_providers([{"provider": "google", "client_id": "c", "client_secret": "s"}])
    finally:
        register_provider_type("oidc", before)
    assert type(google) is CorpOIDC
