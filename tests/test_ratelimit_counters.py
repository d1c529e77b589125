"""The limiter's public counters (``Counter``, ``take``, ``release``, ``forget`` in
django_nextauth/ratelimit.py), on a real Redis (``.ci/services`` starts it; where it does
not answer, each test fails naming it): windowed, given back on refusal, atomic under
concurrent use."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

import pytest
import redis as redis_client
from django.core.cache import caches
from django.test import override_settings

from django_nextauth.ratelimit import Counter, forget, release, take
from tests.conftest import SECRET
from tests.multiprocess.services import REDIS_URL, require

pytestmark = pytest.mark.services


@pytest.fixture
def redis() -> Iterator[Any]:
    """The limiter on Redis, with keys of its own for this test."""
    require("redis")
    cache_settings = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "limiter": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"nextauth-counters-{secrets.token_hex(6)}",
        },
    }
    nextauth = {"SECRET": SECRET, "RATE_LIMIT": {"CACHE": "limiter"}}
    with override_settings(CACHES=cache_settings, NEXTAUTH=nextauth):
        cache = caches["limiter"]
        yield cache
        # Not cache.clear(): that empties the whole Redis database, shared with other runs.
        client = redis_client.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(f"{cache_settings['limiter']['KEY_PREFIX']}:*"))
        if keys:
            client.delete(*keys)
        client.close()
        cache.close()


def ttl(cache: Any, key: str) -> int:
    client = redis_client.Redis.from_url(REDIS_URL)
    try:
        return int(client.ttl(cache.make_and_validate_key(key)))
    finally:
        client.close()


def test_the_keys_are_the_ones_stored_before() -> None:
    # Counts already in a cache keep counting across the upgrade.
    digest = hashlib.sha256(b"ada@example.com").hexdigest()[:40]
    assert Counter("email", "ada@example.com", 5, 60).key == (
        f"django_nextauth:ratelimit:email:{digest}"
    )


def test_take_counts_up_to_the_limit_then_refuses(redis: Any) -> None:
    counter = Counter("t", "one", 3, 60)
    assert [take([counter]) for _ in range(3)] == [(counter,)] * 3
    assert take([counter]) is None
    assert redis.get(counter.key) == 3  # the refused take gave its count back
    assert 0 < ttl(redis, counter.key) <= 60  # the window, fixed from the first count


def test_a_refusal_gives_back_every_count_it_took(redis: Any) -> None:
    wide, narrow = Counter("t", "wide", 10, 60), Counter("t", "narrow", 1, 60)
    assert take([wide, narrow]) == (wide, narrow)
    assert take([wide, narrow]) is None
    assert (redis.get(wide.key), redis.get(narrow.key)) == (1, 1)


@pytest.mark.parametrize("off", [0, None])
def test_switched_off_and_repeated_counters(redis: Any, off: Any) -> None:
    counter = Counter("t", "twice", 2, 60)
    assert take([counter, Counter("t", "off", off, 60), counter]) == (counter,)
    assert redis.get(counter.key) == 1
    assert redis.get(Counter("t", "off", off, 60).key) is None


def test_release_and_forget(redis: Any) -> None:
    counter, other = Counter("t", "r", 5, 60), Counter("t", "gone", 5, 60)
    take([counter])
    take([counter])
    release([counter, other])  # `other` was never counted: left alone
    assert (redis.get(counter.key), redis.get(other.key)) == (1, None)
    forget([counter])
    forget([])
    assert redis.get(counter.key) is None


def test_concurrent_takes_never_pass_the_limit(redis: Any) -> None:
    counter = Counter("t", "race", 5, 60)
    start = Barrier(16)

    def attempt(_: int) -> bool:
        start.wait()
        return take([counter]) is not None

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(attempt, range(16)))
    assert results.count(True) == 5
    assert redis.get(counter.key) == 5
