"""django_nextauth.conf: the NEXTAUTH settings object."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from django_nextauth.conf import DEFAULTS, nextauth_settings
from django_nextauth.exceptions import ConfigurationError, MissingSecret

SECRET = "6cJ1U0xoiR8dQh1Xg0o3H1Cq5Yc9ZfZk1w3yQ0Gm2xE="


@pytest.fixture
def no_env_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTH_SECRET", raising=False)
    monkeypatch.delenv("NEXTAUTH_SECRET", raising=False)


@pytest.fixture
def django_settings(settings: Any, no_env_secret: None) -> Any:
    """pytest-django's settings, with no secret from the environment."""
    return settings


# Defaults and merging


def test_defaults(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {"SECRET": SECRET}
    assert nextauth_settings.VERSION == "v4"
    assert nextauth_settings.SESSION["MAX_AGE"] == 30 * 24 * 60 * 60
    assert nextauth_settings.BASE_PATH == "/api/auth"
    for name, default in DEFAULTS.items():
        if name != "SECRET":
            assert getattr(nextauth_settings, name) == default


def test_no_nextauth_setting_at_all(django_settings: Any) -> None:
    del django_settings.NEXTAUTH
    assert nextauth_settings.VERSION == "v4"
    assert nextauth_settings.SECRET is None


def test_nested_dicts_merge_key_by_key(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {"SESSION": {"MAX_AGE": 60}}
    assert {**DEFAULTS["SESSION"], "MAX_AGE": 60} == nextauth_settings.SESSION


def test_a_non_dict_nested_value_is_refused_naming_the_setting(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {"PAGES": None}
    with pytest.raises(ConfigurationError, match=r"NEXTAUTH\['PAGES'\] must be a dict"):
        nextauth_settings.PAGES  # noqa: B018


def test_defaults_are_never_mutated(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {}
    nextauth_settings.SESSION["MAX_AGE"] = 1
    nextauth_settings.PROVIDERS.append({})
    assert DEFAULTS["SESSION"]["MAX_AGE"] == 30 * 24 * 60 * 60
    assert len(DEFAULTS["PROVIDERS"]) == 1


def test_unknown_setting() -> None:
    with pytest.raises(AttributeError, match="Invalid NEXTAUTH setting: 'SESION'"):
        nextauth_settings.SESION  # noqa: B018


def test_changes_are_seen(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {"VERSION": "v5"}
    assert nextauth_settings.VERSION == "v5"
    django_settings.NEXTAUTH = {"VERSION": "v4"}
    assert nextauth_settings.VERSION == "v4"


def test_cached_values_reset_when_settings_change(django_settings: Any) -> None:
    calls = []

    def factory() -> int:
        calls.append(1)
        return len(calls)

    assert nextauth_settings.cached("test-key", factory) == 1
    assert nextauth_settings.cached("test-key", factory) == 1
    django_settings.NEXTAUTH = {"VERSION": "v5"}
    assert nextauth_settings.cached("test-key", factory) == 2


# Secrets


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        (SECRET, (SECRET,)),
        ([SECRET, "old"], (SECRET, "old")),
        ((SECRET,), (SECRET,)),
    ],
)
def test_secrets(django_settings: Any, configured: Any, expected: tuple[str, ...]) -> None:
    django_settings.NEXTAUTH = {"SECRET": configured}
    assert nextauth_settings.secrets == expected
    assert nextauth_settings.secret_is_configured


@pytest.mark.parametrize("configured", [[""], [SECRET, ""], [SECRET, 1], 5])
def test_invalid_secrets(django_settings: Any, configured: Any) -> None:
    django_settings.NEXTAUTH = {"SECRET": configured}
    with pytest.raises(MissingSecret, match="must be a non-empty string or list of strings"):
        nextauth_settings.secrets  # noqa: B018


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"AUTH_SECRET": "from-auth"}, "from-auth"),
        ({"NEXTAUTH_SECRET": "from-nextauth"}, "from-nextauth"),
        ({"AUTH_SECRET": "from-auth", "NEXTAUTH_SECRET": "from-nextauth"}, "from-auth"),
    ],
)
def test_secret_from_the_environment(
    django_settings: Any, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    django_settings.NEXTAUTH = {}
    assert nextauth_settings.secret_is_configured
    assert nextauth_settings.secrets == (expected,)


def test_the_setting_wins_over_the_environment(
    django_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH_SECRET", "from-env")
    django_settings.NEXTAUTH = {"SECRET": SECRET}
    assert nextauth_settings.secrets == (SECRET,)


@pytest.mark.parametrize("configured", [None, "", []])
def test_no_secret_outside_debug(django_settings: Any, configured: Any) -> None:
    django_settings.NEXTAUTH = {"SECRET": configured}
    django_settings.DEBUG = False
    assert not nextauth_settings.secret_is_configured
    with pytest.raises(MissingSecret, match="No NextAuth secret"):
        nextauth_settings.secrets  # noqa: B018


def test_debug_derives_a_secret_from_secret_key(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {}
    django_settings.DEBUG = True
    django_settings.SECRET_KEY = "dev-key"
    (derived,) = nextauth_settings.secrets
    assert derived == hashlib.sha256(b"django-nextauth:dev-key").hexdigest()
    assert "dev-key" not in derived
    assert not nextauth_settings.secret_is_configured  # the W001 system check says so
    django_settings.SECRET_KEY = "another-dev-key"
    assert nextauth_settings.secrets != (derived,)


def test_the_secret_is_read_lazily(django_settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    django_settings.NEXTAUTH = {}
    monkeypatch.setenv("AUTH_SECRET", "set-after-startup")
    assert nextauth_settings.secrets == ("set-after-startup",)
