"""django_nextauth.checks: each check id has its own test."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import Error, Warning, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

SECRET = "6cJ1U0xoiR8dQh1Xg0o3H1Cq5Yc9ZfZk1w3yQ0Gm2xE="


@pytest.fixture
def django_settings(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.delenv("AUTH_SECRET", raising=False)
    monkeypatch.delenv("NEXTAUTH_SECRET", raising=False)
    settings.NEXTAUTH = {"SECRET": SECRET}
    return settings


def messages(check_id: str) -> list[Any]:
    return [message for message in run_checks() if message.id == check_id]


def test_a_configured_secret_passes(django_settings: Any) -> None:
    ids = {message.id for message in run_checks()}
    assert not ids & {"django_nextauth.E001", "django_nextauth.W001", "django_nextauth.E002"}


def test_e001_no_secret_and_debug_false(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {}
    django_settings.DEBUG = False
    (message,) = messages("django_nextauth.E001")
    assert isinstance(message, Error)
    assert "No NextAuth secret" in message.msg
    assert "nextauth_secret" in message.hint
    assert not messages("django_nextauth.W001")
    with pytest.raises(SystemCheckError, match="django_nextauth.E001"):
        call_command("check")


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("configured", [[""], [SECRET, ""], [SECRET, 1], 5])
def test_e001_a_secret_that_cannot_be_used(
    django_settings: Any, debug: bool, configured: Any
) -> None:
    django_settings.NEXTAUTH = {"SECRET": configured}
    django_settings.DEBUG = debug
    (message,) = messages("django_nextauth.E001")
    assert "non-empty string or list of strings" in message.msg


def test_e001_an_environment_secret_is_enough(
    django_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH_SECRET", SECRET)
    django_settings.NEXTAUTH = {}
    django_settings.DEBUG = False
    assert not messages("django_nextauth.E001")


def test_w001_no_secret_in_debug(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {}
    django_settings.DEBUG = True
    (message,) = messages("django_nextauth.W001")
    assert isinstance(message, Warning)
    assert "derived from SECRET_KEY" in message.msg
    assert not messages("django_nextauth.E001")


@pytest.mark.parametrize("version", ["v3", "V4", 4, None, ""])
def test_e002_unknown_version(django_settings: Any, version: Any) -> None:
    django_settings.NEXTAUTH = {"SECRET": SECRET, "VERSION": version}
    (message,) = messages("django_nextauth.E002")
    assert isinstance(message, Error)
    assert repr(version) in message.msg


@pytest.mark.parametrize("version", ["v4", "v5"])
def test_e002_known_versions(django_settings: Any, version: str) -> None:
    django_settings.NEXTAUTH = {"SECRET": SECRET, "VERSION": version}
    assert not messages("django_nextauth.E002")
