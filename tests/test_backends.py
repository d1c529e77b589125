"""``CredentialsBackend``: a provider's authorize hook as a Django auth backend."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory, override_settings

from django_nextauth.backends import CredentialsBackend

SECRET = "backends-tests-secret"
BACKENDS = [
    "django_nextauth.backends.CredentialsBackend",
    "django.contrib.auth.backends.ModelBackend",
]


def user_hook(credentials: dict[str, Any], request: Any) -> Any:
    from django.contrib.auth import get_user_model

    if credentials.get("otp") != "123456":
        return None
    return get_user_model().objects.get(username=credentials["username"])


def dict_hook(credentials: dict[str, Any], request: Any) -> Any:
    return {"id": credentials.get("id"), "name": "from dict"}


async def async_dict_hook(credentials: dict[str, Any], request: Any) -> Any:
    return {"id": credentials.get("id")}


def leaky_hook(credentials: dict[str, Any], request: Any) -> Any:
    raise ValueError(f"wrong password {credentials.get('password')}")


def denying_hook(credentials: dict[str, Any], request: Any) -> Any:
    raise PermissionDenied


def recursive_hook(credentials: dict[str, Any], request: Any) -> Any:
    # A hook that delegates to Django's authenticate() must not loop back into itself.
    return authenticate(request, **credentials)


def _settings(*providers: dict[str, Any]) -> Any:
    return override_settings(
        NEXTAUTH={"SECRET": SECRET, "PROVIDERS": list(providers)},
        AUTHENTICATION_BACKENDS=BACKENDS,
    )


@pytest.fixture
def alice(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("alice", "a@example.com", "pw")


@pytest.mark.django_db
def test_hook_returning_a_user(rf: RequestFactory, alice: Any) -> None:
    with _settings({"id": "otp", "authorize": f"{__name__}.user_hook"}):
        backend = CredentialsBackend()
        assert backend.authenticate(rf.post("/"), username="alice", otp="123456") == alice
        assert backend.authenticate(rf.post("/"), username="alice", otp="000000") is None
        # Through Django's own authenticate(): the backend records itself on the user.
        user = authenticate(rf.post("/"), username="alice", otp="123456")
    assert user == alice
    assert user.backend == "django_nextauth.backends.CredentialsBackend"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_inactive_users_are_refused(rf: RequestFactory, alice: Any) -> None:
    alice.is_active = False
    alice.save()
    with _settings({"authorize": f"{__name__}.user_hook"}):
        assert CredentialsBackend().authenticate(None, username="alice", otp="123456") is None
        assert CredentialsBackend().get_user(alice.pk) is None


@pytest.mark.django_db
@pytest.mark.parametrize("hook", ["dict_hook", "async_dict_hook"])
def test_hook_returning_a_dict_is_looked_up_by_id(
    rf: RequestFactory, alice: Any, hook: str
) -> None:
    with _settings({"authorize": f"{__name__}.{hook}"}):
        backend = CredentialsBackend()
        assert backend.authenticate(None, id=alice.pk) == alice
        assert backend.authenticate(None, id=str(alice.pk)) == alice
        assert backend.authenticate(None, id=alice.pk + 100) is None
        assert backend.authenticate(None, id="not-a-pk") is None
        assert backend.authenticate(None, id=None) is None


@pytest.mark.django_db
def test_exceptions_are_a_failure_logged_without_their_message(
    rf: RequestFactory, caplog: Any
) -> None:
    with _settings({"authorize": f"{__name__}.leaky_hook"}), caplog.at_level(logging.WARNING):
        assert CredentialsBackend().authenticate(None, password="hunter2") is None
    assert "ValueError" in caplog.text
    assert "hunter2" not in caplog.text


@pytest.mark.django_db
def test_permission_denied_stops_authentication(rf: RequestFactory, alice: Any) -> None:
    failures: list[dict[str, Any]] = []

    def record(**kwargs: Any) -> None:
        failures.append(kwargs["credentials"])

    user_login_failed.connect(record)
    try:
        with _settings({"authorize": f"{__name__}.denying_hook"}):
            with pytest.raises(PermissionDenied):
                CredentialsBackend().authenticate(None, username="alice", password="pw")
            # ModelBackend would accept these credentials, but the hook vetoed them.
            assert authenticate(None, username="alice", password="pw") is None
    finally:
        user_login_failed.disconnect(record)
    assert failures == [{"username": "alice", "password": "********************"}]


@pytest.mark.django_db
def test_providers_without_a_hook_are_skipped(rf: RequestFactory, alice: Any) -> None:
    with _settings({"id": "credentials"}):
        assert CredentialsBackend().authenticate(None, username="alice", password="pw") is None
        # The default path is Django's authenticate(): ModelBackend answers.
        assert authenticate(None, username="alice", password="pw") == alice


@pytest.mark.django_db
def test_choosing_the_provider(rf: RequestFactory, alice: Any) -> None:
    with _settings(
        {"id": "first", "authorize": f"{__name__}.leaky_hook"},
        {"id": "second", "authorize": f"{__name__}.dict_hook"},
    ):
        backend = CredentialsBackend()
        assert backend.authenticate(None, id=alice.pk) is None  # the first hook raises
        assert backend.authenticate(None, nextauth_provider="second", id=alice.pk) == alice
        assert backend.authenticate(None, nextauth_provider="missing", id=alice.pk) is None


@pytest.mark.django_db
def test_a_hook_calling_authenticate_does_not_recurse(rf: RequestFactory, alice: Any) -> None:
    with _settings({"authorize": f"{__name__}.recursive_hook"}):
        assert authenticate(None, username="alice", password="pw") == alice
        assert authenticate(None, username="alice", password="bad") is None


@pytest.mark.django_db
def test_get_user(alice: Any) -> None:
    backend = CredentialsBackend()
    assert backend.get_user(alice.pk) == alice
    assert backend.get_user(alice.pk + 1) is None
    assert backend.get_user("x") is None
