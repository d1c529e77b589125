"""The passkey provider's system checks: E040 (v4), E041 (no adapter), E042 (two autofills)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from django_nextauth.adapters import Adapter
from django_nextauth.db.adapter import DjangoAdapter
from django_nextauth.webauthn.system_checks import check_passkeys


def ids() -> list[str]:
    return [message.id or "" for message in check_passkeys()]


def test_no_passkey_provider_no_message(nextauth: Callable[..., None]) -> None:
    nextauth(VERSION="v4", PROVIDERS=[{"type": "credentials"}])
    assert ids() == []


def test_v5_with_the_db_app_is_fine(nextauth: Callable[..., None]) -> None:
    nextauth(VERSION="v5", PROVIDERS=[{"type": "webauthn"}])
    assert ids() == []


def test_e040_v4(nextauth: Callable[..., None]) -> None:
    nextauth(VERSION="v4", PROVIDERS=[{"type": "webauthn"}])
    assert ids() == ["django_nextauth.E040"]


@pytest.mark.usefixtures("no_adapter")
def test_e041_no_adapter(nextauth: Callable[..., None]) -> None:
    nextauth(VERSION="v5", PROVIDERS=[{"type": "webauthn"}])
    assert ids() == ["django_nextauth.E041"]


def test_e041_adapter_without_passkeys(nextauth: Callable[..., None]) -> None:
    nextauth(
        VERSION="v5",
        PROVIDERS=[{"type": "webauthn"}],
        ADAPTER="tests.test_webauthn_checks.NoPasskeys",
    )
    assert ids() == ["django_nextauth.E041"]


def test_e042_two_autofills(nextauth: Callable[..., None]) -> None:
    nextauth(VERSION="v5", PROVIDERS=[{"type": "webauthn"}, {"type": "webauthn", "id": "b"}])
    assert ids() == ["django_nextauth.E042"]


def test_v4_runtime_refuses(nextauth: Callable[..., None], client: Any) -> None:
    nextauth(VERSION="v4", PROVIDERS=[{"type": "webauthn"}])
    response = client.get("/api/auth/webauthn-options/passkey")
    assert response.status_code == 500  # NextAuth's configuration error, details in the log


class NoPasskeys(DjangoAdapter):
    """An adapter from before passkeys: the base class's refusing method."""

    get_authenticator = Adapter.get_authenticator
