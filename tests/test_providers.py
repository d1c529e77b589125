"""Provider configuration (the registry), the credentials provider's options and hooks."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from django_nextauth.exceptions import ConfigurationError
from django_nextauth.providers import (
    CredentialsProvider,
    Provider,
    default_authorize,
    get_provider,
    get_providers,
    load_providers,
    provider_types,
    register_provider_type,
    registry,
    run_authorize,
)
from tests.conftest import system_checks


def sync_hook(credentials: dict[str, Any], request: Any) -> dict[str, Any] | None:
    return {"id": 7, "name": credentials["username"]} if credentials.get("ok") else None


async def async_hook(credentials: dict[str, Any], request: Any) -> dict[str, Any]:
    return {"id": 8, "request_seen": request is not None}


def awaitable_hook(credentials: dict[str, Any], request: Any) -> Any:
    return async_hook(credentials, request)


def account_key(credentials: dict[str, Any], request: Any) -> Any:
    return credentials.get("keys")


NOT_CALLABLE = 42


class Custom(Provider):
    """A provider type defined outside the package, used by dotted path."""

    type = "custom"
    options = frozenset({"colour"})

    def begin(self, ctx: Any) -> HttpResponse:
        return HttpResponse("begin")

    def callback(self, ctx: Any) -> HttpResponse:
        return HttpResponse("callback")


class NotAProvider:
    pass


def test_default_setting_is_one_credentials_provider() -> None:
    (provider,) = get_providers()
    assert isinstance(provider, CredentialsProvider)
    assert (provider.id, provider.name, provider.type) == (
        "credentials",
        "Credentials",
        "credentials",
    )
    assert provider.credentials == {
        "username": {"label": "Username", "type": "text"},
        "password": {"label": "Password", "type": "password"},
    }
    assert provider.authorize is None
    assert repr(provider) == "<CredentialsProvider 'credentials'>"


def test_defaults_for_omitted_keys() -> None:
    (provider,) = load_providers([{}])
    assert (provider.id, provider.name, provider.type) == (
        "credentials",
        "Credentials",
        "credentials",
    )
    assert isinstance(provider, CredentialsProvider)
    assert provider.credentials == {}
    assert provider.identifier_fields == ("username", "email")


def test_hooks_import_from_dotted_paths_or_callables() -> None:
    a, b = load_providers(
        [{"id": "a", "authorize": f"{__name__}.sync_hook"}, {"id": "b", "authorize": async_hook}]
    )
    assert isinstance(a, CredentialsProvider) and isinstance(b, CredentialsProvider)
    assert a.authorize is sync_hook
    assert b.authorize is async_hook
    assert b.name == "B"


def test_a_dotted_path_or_a_class_entry_builds_a_custom_provider() -> None:
    plain, configured = load_providers(
        [f"{__name__}.Custom", {"class": f"{__name__}.Custom", "id": "c2", "colour": "red"}]
    )
    assert isinstance(plain, Custom) and isinstance(configured, Custom)
    assert (plain.id, plain.name, configured.id) == ("custom", "Custom", "c2")


def test_registering_a_type(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_TYPES", dict(registry._TYPES))
    register_provider_type("custom", Custom)
    assert provider_types()["custom"] is Custom
    (provider,) = load_providers([{"type": "custom"}])
    assert isinstance(provider, Custom)
    with pytest.raises(TypeError):
        register_provider_type("bad", NotAProvider)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"id": "x"}, "must be a list"),
        ([5], r"\[0\] must be a dict or a dotted path"),
        ([{"idd": "x"}], "unknown keys"),
        ([{"type": "nope"}], "known types are 'credentials'"),
        ([{"type": "base"}], "known types"),  # a module of the package, not a type
        ([{"type": 5}], "known types"),
        (["no.such.Provider"], "cannot import"),
        ([f"{__name__}.NotAProvider"], "not a Provider subclass"),
        ([{"class": 5}], r"\['class'\] must be a dotted path"),
        ([{"class": f"{__name__}.Custom", "size": 1}], "unknown keys"),
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
        ([{"rate_limit_key": 5}], r"\['rate_limit_key'\] must be None"),
    ],
)
def test_invalid_configuration_is_refused_with_a_message_naming_it(raw: Any, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_providers(raw)


def test_invalid_providers_fail_system_check_e004(nextauth: Any) -> None:
    nextauth(PROVIDERS=[{"type": "nope"}])
    assert "django_nextauth.E004" in [m.id for m in system_checks()]


def test_valid_providers_pass_the_check(nextauth: Any) -> None:
    nextauth()
    assert "django_nextauth.E004" not in [m.id for m in system_checks()]


def test_providers_are_cached_until_settings_change(nextauth: Any) -> None:
    first = get_providers()
    assert get_providers() is first
    nextauth(PROVIDERS=[{"id": "other"}])
    assert [p.id for p in get_providers()] == ["other"]
    assert get_provider("other") is not None
    assert get_provider("credentials") is None


def test_to_json_builds_the_action_urls() -> None:
    provider = CredentialsProvider(id="otp", name="One-time code")
    assert provider.to_json("https://example.com/api/auth") == {
        "id": "otp",
        "name": "One-time code",
        "type": "credentials",
        "signinUrl": "https://example.com/api/auth/signin/otp",
        "callbackUrl": "https://example.com/api/auth/callback/otp",
    }


@pytest.mark.parametrize(
    ("fields", "body", "expected"),
    [
        # The declared non-password fields, all of them: a junk username does not hide the email.
        (
            {"username": {}, "email": {"type": "email"}, "password": {"type": "password"}},
            {"username": "junk", "email": " Alice@Example.com ", "password": "pw"},
            ["junk", "alice@example.com"],
        ),
        ({"login": {}}, {"login": ["a"], "username": "ignored"}, ['["a"]']),
        ({"login": {}}, {"login": ""}, []),
        ({}, {"username": "A", "email": "a"}, ["a"]),  # undeclared: username and email
    ],
)
def test_account_keys_count_every_declared_identifier(
    rf: RequestFactory, fields: Any, body: Any, expected: list[str]
) -> None:
    provider = CredentialsProvider(credentials=fields)
    assert provider.account_keys(body, rf.post("/")) == expected


@pytest.mark.parametrize(
    ("returned", "expected"), [("Alice", ["alice"]), (["a", "B", "b"], ["a", "b"]), (None, [])]
)
def test_rate_limit_key_hook(rf: RequestFactory, returned: Any, expected: list[str]) -> None:
    (provider,) = load_providers([{"rate_limit_key": f"{__name__}.account_key"}])
    assert isinstance(provider, CredentialsProvider)
    assert provider.account_keys({"keys": returned, "username": "x"}, rf.post("/")) == expected


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


def test_run_authorize_hooks(rf: RequestFactory) -> None:
    assert run_authorize(sync_hook, {"username": "bob", "ok": True}, rf.post("/")) == {
        "id": 7,
        "name": "bob",
    }
    assert run_authorize(sync_hook, {}, rf.post("/")) is None
    assert run_authorize(async_hook, {}, rf.post("/")) == {"id": 8, "request_seen": True}
    assert run_authorize(awaitable_hook, {}, None) == {"id": 8, "request_seen": False}


def test_run_authorize_lets_exceptions_through() -> None:
    def broken(credentials: Any, request: Any) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        run_authorize(broken, {}, None)


def test_a_provider_without_a_form_shows_none(rf: RequestFactory) -> None:
    assert Custom(id="c", name="C").signin_form(None) is None  # type: ignore[arg-type]


def test_a_type_module_that_fails_to_import_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(name: str) -> None:
        raise ModuleNotFoundError("No module named 'authlib'", name="authlib")

    monkeypatch.setattr(registry, "import_module", broken)
    monkeypatch.setattr(registry, "_TYPES", {})  # oidc not registered yet: its module is imported
    with pytest.raises(ConfigurationError, match="authlib"):
        load_providers([{"type": "oidc", "issuer": "https://idp.example", "client_id": "x"}])


def test_only_built_in_modules_are_imported_as_types() -> None:
    with pytest.raises(ConfigurationError, match="known types are"):
        load_providers([{"type": "registry"}])


@pytest.mark.parametrize("path", ["..", ".x", "a..b"])
def test_a_dotted_path_that_cannot_be_imported_is_a_configuration_error(path: str) -> None:
    with pytest.raises(ConfigurationError, match="cannot import"):
        load_providers([path])
