"""The durable revocation store: the ``Revocation`` table behind the revocation cache
(``SESSION["REVOCATION_STORE"] = "database"``). Clearing the cache here is what a Redis
FLUSHALL or a restart without persistence does; tests/multiprocess/test_revocation_redis.py
does it to a real Redis."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from django_nextauth import sign_out_everywhere
from django_nextauth.db.models import Revocation
from django_nextauth.db.revocations import DatabaseRevocationStore
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.revocation import ABSENT_TTL, revocations
from django_nextauth.revocation import records as records_module
from tests.test_views import csrf_token, form, session_name, sign_in

pytestmark = pytest.mark.django_db

STORED = {"REVOCATION_CACHE": "default", "REVOCATION_STORE": "database"}


@pytest.fixture
def stored(nextauth: Any, version: str) -> str:
    caches["default"].clear()
    nextauth(VERSION=version, SESSION=STORED)
    return version


def signed_in(version: str) -> tuple[Client, str]:
    client = Client()
    assert sign_in(client).status_code == 302
    return client, client.cookies[session_name(version)].value


def authenticated(version: str, cookie: str) -> bool:
    client = Client()
    client.cookies[session_name(version)] = cookie
    result: bool = client.get("/whoami/").json()["authenticated"]
    return result


def test_a_sign_out_survives_a_flushed_cache(stored: str, alice: Any) -> None:
    client, cookie = signed_in(stored)
    form(client, "/api/auth/signout", {"csrfToken": csrf_token(client)})
    assert Revocation.objects.count() == 1
    caches["default"].clear()  # FLUSHALL
    assert authenticated(stored, cookie) is False
    assert authenticated(stored, cookie) is False  # refilled: from the cache this time


def test_sign_out_everywhere_survives_a_flushed_cache(stored: str, alice: Any) -> None:
    _, cookie = signed_in(stored)
    sign_out_everywhere(alice)
    caches["default"].clear()
    assert authenticated(stored, cookie) is False


def test_without_the_store_a_flushed_cache_forgets(nextauth: Any, version: str, alice: Any) -> None:
    caches["default"].clear()
    nextauth(VERSION=version, SESSION={"REVOCATION_CACHE": "default"})
    _, cookie = signed_in(version)
    sign_out_everywhere(alice)
    caches["default"].clear()
    assert authenticated(version, cookie) is True  # why the store exists


def test_reads_go_through_the_cache(
    stored: str, alice: Any, django_assert_num_queries: Any
) -> None:
    _, cookie = signed_in(stored)
    caches["default"].clear()
    with django_assert_num_queries(1):  # a miss: the table once, the answer cached
        assert authenticated(stored, cookie) is True
    with django_assert_num_queries(0):
        assert authenticated(stored, cookie) is True


def test_an_absent_answer_is_cached_briefly_and_a_revocation_replaces_it(
    stored: str, alice: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, cookie = signed_in(stored)
    assert authenticated(stored, cookie) is True  # "not on record" cached
    records = revocations()
    assert records is not None
    ttls: list[int] = []
    real_add = records.cache.add
    monkeypatch.setattr(
        records.cache, "add", lambda key, value, ttl: ttls.append(ttl) or real_add(key, value, ttl)
    )
    caches["default"].clear()
    assert authenticated(stored, cookie) is True
    assert ttls == [ABSENT_TTL, ABSENT_TTL]  # the sid and the user, both not on record
    sign_out_everywhere(alice)  # written over the cached "absent"
    assert authenticated(stored, cookie) is False


def test_a_fill_never_hides_a_record_written_meanwhile(stored: str, alice: Any) -> None:
    # The table read says "absent"; a revocation lands in the cache before the fill: kept.
    records = revocations()
    assert records is not None
    key = records_module._key("user", str(alice.pk))
    records.store = _Before(records.store, lambda: records.cache.set(key, 10**13, 60))  # type: ignore[arg-type]
    records._read([key])
    assert records.cache.get(key) == 10**13


class _Before:
    """The real store, with ``hook`` run after its lookup (a writer between read and fill)."""

    def __init__(self, store: DatabaseRevocationStore, hook: Any) -> None:
        self.store, self.hook = store, hook

    def lookup(self, keys: Any) -> dict[str, int]:
        found = self.store.lookup(keys)
        self.hook()
        return found


def test_the_later_revocation_wins_and_expired_rows_go() -> None:
    store = DatabaseRevocationStore()
    later = time.time() + 3600
    store.record("k", 2000, later)
    store.record("k", 1000, later)  # an earlier writer, late: changes nothing
    assert store.lookup(["k", "other"]) == {"k": 2000}
    store.record("k", 3000, later)
    assert store.lookup(["k"]) == {"k": 3000}
    Revocation.objects.create(
        key="old", revoked_ms=1, expires=timezone.now() - timedelta(seconds=1)
    )
    assert store.lookup(["old"]) == {}
    store.record("new", 1, later)
    assert not Revocation.objects.filter(key="old").exists()
    assert str(Revocation.objects.get(key="new")).startswith("new (until ")


def test_the_store_needs_the_db_app(nextauth: Any, no_adapter: None) -> None:
    nextauth(SESSION=STORED)
    with pytest.raises(ConfigurationError, match="django_nextauth.db"):
        revocations()
