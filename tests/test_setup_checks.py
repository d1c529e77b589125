"""django_nextauth.setup_checks (E030, W030, W031), E004's hints, and the deploy-only W005 /
W006: each through ``system_checks()`` (tests/conftest.py), as ``manage.py check`` and
``manage.py test`` run them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import Error, Warning

from django_nextauth.exceptions import ConfigurationError
from django_nextauth.providers.registry import load_providers, missing_dependency
from tests.conftest import SECRET, system_checks

EMAIL = {"type": "email", "from": "site@example.com"}
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PROCESSOR = "django_nextauth.context_processors.session"


@pytest.fixture
def django_settings(settings: Any) -> Any:
    settings.NEXTAUTH = {"SECRET": SECRET}
    return settings


def found(check_id: str, *, deploy: bool = False) -> list[Any]:
    messages = system_checks(include_deployment_checks=deploy)
    return [message for message in messages if message.id == check_id]


def without_adapter(settings: Any) -> None:
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "django_nextauth.db"]


# --- W005 / W006: production warnings belong to check --deploy -------------------------------


def test_w005_and_w006_only_under_check_deploy(django_settings: Any) -> None:
    django_settings.DEBUG, django_settings.CACHES = False, LOCMEM  # as `manage.py test` runs
    assert found("django_nextauth.W005") == []
    assert found("django_nextauth.W006") == []
    assert len(found("django_nextauth.W005", deploy=True)) == 1
    assert len(found("django_nextauth.W006", deploy=True)) == 1


# --- E030: an e-mail provider needs an adapter -----------------------------------------------


def test_e030_an_email_provider_without_an_adapter(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {"SECRET": SECRET, "PROVIDERS": [EMAIL]}
    assert found("django_nextauth.E030") == []  # the test settings install django_nextauth.db
    without_adapter(django_settings)
    (message,) = found("django_nextauth.E030")
    assert isinstance(message, Error)
    assert "'email'" in message.msg
    assert "django_nextauth.db" in message.hint


def test_e030_not_with_an_adapter_setting_or_without_email(django_settings: Any) -> None:
    without_adapter(django_settings)
    adapter = "django_nextauth.db.adapter.DjangoAdapter"
    django_settings.NEXTAUTH = {"SECRET": SECRET, "PROVIDERS": [EMAIL], "ADAPTER": adapter}
    assert found("django_nextauth.E030") == []
    django_settings.NEXTAUTH = {"SECRET": SECRET}
    assert found("django_nextauth.E030") == []
    django_settings.NEXTAUTH = {"SECRET": SECRET, "PROVIDERS": [{"type": "nope"}]}
    assert found("django_nextauth.E030") == []  # E004's


# --- W030: a jwt callback never runs with database sessions ----------------------------------


def test_w030_a_jwt_callback_with_database_sessions(django_settings: Any) -> None:
    callbacks = {"jwt": "tests.test_setup_checks.jwt"}
    django_settings.NEXTAUTH = {"SECRET": SECRET, "CALLBACKS": callbacks}
    assert found("django_nextauth.W030") == []
    django_settings.NEXTAUTH = {**django_settings.NEXTAUTH, "SESSION": {"STRATEGY": "database"}}
    (message,) = found("django_nextauth.W030")
    assert isinstance(message, Warning)
    assert "session callback" in message.hint
    django_settings.NEXTAUTH = {"SECRET": SECRET, "SESSION": {"STRATEGY": "database"}}
    assert found("django_nextauth.W030") == []


def jwt(**kwargs: Any) -> Any:
    return kwargs["token"]


# --- W031: {{ session_user }} needs the context processor -------------------------------------


def test_w031_no_engine_has_the_context_processor(django_settings: Any) -> None:
    assert found("django_nextauth.W031") == []
    engine = {**django_settings.TEMPLATES[0], "OPTIONS": {"context_processors": []}}
    django_settings.TEMPLATES = [engine]
    (message,) = found("django_nextauth.W031")
    assert PROCESSOR in message.hint
    django_settings.TEMPLATES = []
    assert found("django_nextauth.W031") == []  # no Django templates: nothing to say


# --- E004: the known types, the entry's own hint, the extra to install -----------------------


def e004(django_settings: Any, *providers: Any) -> Any:
    django_settings.NEXTAUTH = {"SECRET": SECRET, "PROVIDERS": list(providers)}
    (message,) = found("django_nextauth.E004")
    return message


def test_e004_a_misspelt_type_lists_every_built_in_type(django_settings: Any) -> None:
    message = e004(django_settings, {"type": "odic", "issuer": "https://idp.example.com"})
    assert "'credentials', 'email', 'oauth', 'oidc'" in message.msg
    assert "'credentials', 'email', 'oauth', 'oidc'" in message.hint


@pytest.mark.parametrize(
    ("entry", "fragment"),
    [
        ({"type": "oidc", "client_id": "x"}, "'issuer'"),
        ({"provider": "github", "clientId": "x"}, "'provider': 'github'"),
        ({"type": "email", "sender": "x"}, "docs/email.md"),
        ({"type": "credentials", "authorize": 5}, "'authorize'"),
    ],
)
def test_e004_the_hint_of_the_entry_type(
    django_settings: Any, entry: dict[str, Any], fragment: str
) -> None:
    assert fragment in e004(django_settings, {"id": "ok"}, entry).hint


def test_e004_a_missing_extra_names_the_package_to_install() -> None:
    error = missing_dependency("oidc", "NEXTAUTH['PROVIDERS'][0]['type']", _no_module("jwt"))
    assert "pip install 'django-nextauth[oauth]'" in str(error)
    other = missing_dependency("oidc", "where", _no_module("yaml"))
    assert "yaml" in str(other)
    assert "pip install" not in str(other)


def test_e004_a_missing_extra_through_the_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    # A type whose module is not loaded yet and whose import needs a missing package.
    from django_nextauth.providers import registry

    def import_module(name: str) -> None:
        raise _no_module("httpx")

    monkeypatch.setattr(registry, "import_module", import_module)
    monkeypatch.setattr(registry, "_TYPES", {"credentials": registry._TYPES["credentials"]})
    with pytest.raises(ConfigurationError, match=r"django-nextauth\[oauth\]"):
        load_providers([{"type": "oauth", "id": "x"}])


def _no_module(name: str) -> ModuleNotFoundError:
    return ModuleNotFoundError(f"No module named {name!r}", name=name)
