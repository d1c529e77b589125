"""System checks of the persistence part: W006 (per-process caches, ``check --deploy``),
E020 (no adapter), E021 (a revocation store that cannot be used)."""

from __future__ import annotations

from typing import Any

from django.test import override_settings

from django_nextauth.checks import check_shared_caches, check_shared_state

LOCMEM = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
SHARED = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t"}


def ids(**nextauth: Any) -> list[str]:
    with override_settings(NEXTAUTH={"SECRET": "x" * 32, **nextauth}):
        found = [*check_shared_state(), *check_shared_caches()]
        return [message.id for message in found]  # type: ignore[misc]


def test_w006_the_limiter_on_a_per_process_cache() -> None:
    with override_settings(CACHES={"default": LOCMEM}, DEBUG=False):
        assert ids() == ["django_nextauth.W006"]
        assert ids(RATE_LIMIT={"USERNAME": 0, "IP": None}) == []
    with override_settings(CACHES={"default": LOCMEM}, DEBUG=True):
        assert ids() == []
    with override_settings(CACHES={"default": SHARED}, DEBUG=False):
        assert ids() == []


def test_w006_revocation_on_a_per_process_cache() -> None:
    with override_settings(CACHES={"default": SHARED, "local": LOCMEM}, DEBUG=False):
        assert ids(SESSION={"REVOCATION_CACHE": "local"}) == ["django_nextauth.W006"]
        assert ids(SESSION={"REVOCATION_CACHE": "default"}) == []


def test_e020_database_sessions_need_an_adapter(settings: Any) -> None:
    settings.DEBUG = True
    assert ids(SESSION={"STRATEGY": "database"}) == []
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "django_nextauth.db"]
    assert ids(SESSION={"STRATEGY": "database"}) == ["django_nextauth.E020"]
    assert (
        ids(SESSION={"STRATEGY": "database"}, ADAPTER="django_nextauth.db.adapter.DjangoAdapter")
        == []
    )


def test_e021_the_revocation_store_needs_the_db_app_and_a_cache(settings: Any) -> None:
    settings.DEBUG = True
    stored = {"REVOCATION_CACHE": "default", "REVOCATION_STORE": "database"}
    assert ids(SESSION=stored) == []
    assert ids(SESSION={"REVOCATION_STORE": "database"}) == ["django_nextauth.E021"]
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "django_nextauth.db"]
    assert ids(SESSION=stored) == ["django_nextauth.E021"]


def test_not_a_dict() -> None:
    with override_settings(NEXTAUTH="nope"):
        assert check_shared_state() == []
        assert check_shared_caches() == []
