"""Provider configuration, ``/providers`` JSON, and the authorize hooks."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import run_checks
from django.test import RequestFactory, override_settings

from django_nextauth.exceptions import ConfigurationError
from django_nextauth.providers import (
    Provider,
    default_authorize,
    get_provider,
    get_providers,
    load_providers,
    providers_json,
    run_authorize,
)

SECRET = "providers-tests-secret"


def sync_hook(credentials: dict[str, Any], request: Any) -> dict[str, Any] | None:
    return {"id": 7, "name": credentials["username"]} if credentials.get("ok") else None


async def async_hook(credentials: dict[str, Any], request: Any) -> dict[str, Any]:
    return {"id": 8, "request_seen": request is not None}


def awaitable_hook(credentials: dict[str, Any], request: Any) -> Any:
    return async_hook(credentials, request)


NOT_CALLABLE = 42


def test_default_setting_is_one_credentials_provider() -> None:
    (provider,) = get_providers()
    assert provider == Provider(
        id="credentials",
        name="Credentials",
        type="credentials",
        credentials={
            "username": {"label": "Username", "type": "text"},
            "password": {"label": "Password", "type": "password"},
        },
        authorize=None,
    )


def test_defaults_for_omitted_keys() -> None:
    (provider,) = load_providers([{}])
    assert (provider.id, provider.name, provider.type) == (
        "credentials",
        "Credentials",
        "credentials",
    )
    assert provider.credentials == {}
    assert provider.authorize is None


def test_hooks_import_from_dotted_paths_or_callables() -> None:
    a, b = load_providers(
        [{"id": "a", "authorize": f"{__name__}.sync_hook"}, {"id": "b", "authorize": async_hook}]
    )
    assert a.authorize is sync_hook
    assert b.authorize is async_hook
    assert b.name == "B"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"id": "x"}, "must be a list"),
        (["credentials"], r"\[0\] must be a dict"),
        ([{"idd": "x"}], "unknown keys"),
        ([{"type": "oauth"}], "'credentials' providers only"),
        ([{"type": "email"}], "'credentials' providers only"),
        ([{"id": ""}], "id"),
        ([{"id": "a/b"}], "id"),
        ([{"id": "x" * 65}], "id"),
        ([{"id": 3}], "id"),
        ([{"name": ""}], "name"),
        ([{"name": None}], "name"),
        ([{}, {}], "duplicate provider id 'credentials'"),
        ([{"credentials": ["username"]}], "credentials"),
        ([{"credentials": {"user name": {}}}], "not a usable field name"),
        ([{"credentials": {"csrfToken": {}}}], "not a usable field name"),
        ([{"credentials": {"username": "text"}}], "dict of attributes"),
        ([{"credentials": {"username": {1: "x"}}}], "dict of attributes"),
        ([{"authorize": "no.such.module.authorize"}], "cannot import"),
        ([{"authorize": f"{__name__}.NOT_CALLABLE"}], "must be None, a callable"),
        ([{"authorize": 5}], "must be None, a callable"),
    ],
)
def test_invalid_configuration_is_refused_with_a_message_naming_it(raw: Any, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_providers(raw)


def test_invalid_providers_fail_system_check_e004() -> None:
    with override_settings(NEXTAUTH={"SECRET": SECRET, "PROVIDERS": [{"type": "oauth"}]}):
        ids = [m.id for m in run_checks()]
    assert "django_nextauth.E004" in ids


def test_valid_providers_pass_the_check() -> None:
    with override_settings(NEXTAUTH={"SECRET": SECRET}):
        assert "django_nextauth.E004" not in [m.id for m in run_checks()]


def test_providers_are_cached_until_settings_change() -> None:
    first = get_providers()
    assert get_providers() is first
    with override_settings(NEXTAUTH={"SECRET": SECRET, "PROVIDERS": [{"id": "other"}]}):
        assert [p.id for p in get_providers()] == ["other"]
        assert get_provider("other") is not None
        assert get_provider("credentials") is None


def test_providers_json() -> None:
    providers = [{"id": "pw", "name": "Password"}, {"id": "otp", "name": "One-time code"}]
    with override_settings(NEXTAUTH={"SECRET": SECRET, "PROVIDERS": providers}):
        assert providers_json("https://example.com/api/auth") == {
            "pw": {
                "id": "pw",
                "name": "Password",
                "type": "credentials",
                "signinUrl": "https://example.com/api/auth/signin/pw",
                "callbackUrl": "https://example.com/api/auth/callback/pw",
            },
            "otp": {
                "id": "otp",
                "name": "One-time code",
                "type": "credentials",
                "signinUrl": "https://example.com/api/auth/signin/otp",
                "callbackUrl": "https://example.com/api/auth/callback/otp",
            },
        }


@pytest.mark.django_db
def test_default_authorize_uses_django_authenticate(
    rf: RequestFactory, django_user_model: Any
) -> None:
    user = django_user_model.objects.create_user("alice", "a@example.com", "pw")
    request = rf.post("/")
    assert default_authorize({"username": "alice", "password": "pw"}, request) == user
    assert default_authorize({"username": "alice", "password": "nope"}, request) is None
    # A form with an "email" field instead of "username" (ModelBackend takes username=).
    assert default_authorize({"email": "alice", "password": "pw"}, request) == user


@pytest.mark.parametrize(
    "credentials",
    [{}, {"username": "alice"}, {"password": "pw"}, {"username": ["alice"], "password": "pw"}],
)
def test_default_authorize_without_usable_fields(rf: RequestFactory, credentials: Any) -> None:
    assert default_authorize(credentials, rf.post("/")) is None


def test_run_authorize_sync_hook(rf: RequestFactory) -> None:
    provider = Provider(id="x", name="X", type="credentials", authorize=sync_hook)
    assert run_authorize(provider, {"username": "bob", "ok": True}, rf.post("/")) == {
        "id": 7,
        "name": "bob",
    }
    assert run_authorize(provider, {}, rf.post("/")) is None


def test_run_authorize_async_hook(rf: RequestFactory) -> None:
    provider = Provider(id="x", name="X", type="credentials", authorize=async_hook)
    assert run_authorize(provider, {}, rf.post("/")) == {"id": 8, "request_seen": True}


def test_run_authorize_hook_returning_an_awaitable(rf: RequestFactory) -> None:
    provider = Provider(id="x", name="X", type="credentials", authorize=awaitable_hook)
    assert run_authorize(provider, {}, None) == {"id": 8, "request_seen": False}


def test_run_authorize_lets_exceptions_through(rf: RequestFactory) -> None:
    def broken(credentials: Any, request: Any) -> None:
        raise RuntimeError("boom")

    provider = Provider(id="x", name="X", type="credentials", authorize=broken)
    with pytest.raises(RuntimeError):
        run_authorize(provider, {}, None)
