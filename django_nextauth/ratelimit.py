"""Brute-force protection for credentials sign-in (NextAuth has none).

Attempts are counted in Django's cache (``NEXTAUTH["RATE_LIMIT"]["CACHE"]``)
per account identifier and per client IP. Each attempt first *reserves* a slot
on every counter (``cache.add`` then ``cache.incr``, which return the new count
atomically on Redis and Memcached, and within one process on the local-memory
cache); when a count goes over its limit (``USERNAME``, default 5; ``IP``,
default 20) the attempt is refused, its reservations are given back, and
``authorize`` is not called. So however many requests arrive at once, at most
*limit* of them reach ``authorize`` in a window (``WINDOW`` seconds, default 15
minutes, fixed from the first attempt). A successful sign-in gives its IP slot
back and clears the account counters. A limit of ``0`` or ``None`` switches that
counter off. A cache that fails raises :class:`LimiterUnavailable` (the views
answer 503): the limiter never fails open. See ``docs/security.md``.

The counters themselves are public for other limits (the e-mail provider's sends,
``django_nextauth/email/limits.py``): :class:`Counter`, :func:`take`, :func:`release`,
:func:`forget`.

The client IP is ``REMOTE_ADDR``; behind ``NEXTAUTH["NUM_PROXIES"]`` reverse
proxies that each append to ``X-Forwarded-For`` it is the address the
outermost proxy saw. IPv6 clients are counted per /64, the block a single
customer usually holds.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from django.core.cache import BaseCache, caches
from django.http import HttpRequest

from .conf import nextauth_settings
from .exceptions import NextAuthError

__all__ = [
    "Attempt",
    "Counter",
    "LimiterUnavailable",
    "client_ip",
    "forget",
    "release",
    "reserve",
    "retry_after",
    "take",
]

_PREFIX = "django_nextauth:ratelimit"
_T = TypeVar("_T")


class LimiterUnavailable(NextAuthError):
    """The rate limiter's cache failed, so an attempt can be neither counted nor allowed."""


def client_ip(request: HttpRequest) -> str:
    """The client's IP address (IPv6 as its /64 network), or ``"unknown"``."""
    candidate = str(request.META.get("REMOTE_ADDR") or "")
    proxies = nextauth_settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and isinstance(forwarded, str):
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            # Each proxy appends the address it received from: the client is the
            # NUM_PROXIES-th entry from the right, anything further left is spoofable.
            candidate = hops[-min(proxies, len(hops))]
    return _normalize_ip(candidate)


def _normalize_ip(text: str) -> str:
    try:
        address = ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def retry_after() -> int:
    """The window in seconds: how long a refused client should wait at most."""
    return int(nextauth_settings.RATE_LIMIT.get("WINDOW") or 15 * 60)


@dataclass(frozen=True)
class Counter:
    """A windowed count in the limiter's cache (``NEXTAUTH["RATE_LIMIT"]["CACHE"]``).

    ``name`` is the counter's family and ``value`` what it counts (an IP, an address: stored
    hashed). At most ``limit`` counts per ``window`` seconds, fixed from the first; a
    ``limit`` of ``0`` or ``None`` switches the counter off.
    """

    name: str
    value: str
    limit: int | None
    window: int

    @property
    def key(self) -> str:
        # Hashed: cache backends restrict key characters and length, and values are personal.
        digest = hashlib.sha256(self.value.encode("utf-8", "replace")).hexdigest()[:40]
        return f"{_PREFIX}:{self.name}:{digest}"


def take(counters: Iterable[Counter]) -> tuple[Counter, ...] | None:
    """Count one event on each counter that is on, in order (``cache.add`` then
    ``cache.incr``: atomic on Redis and Memcached, and within one process on the
    local-memory cache). When a count goes over its limit, give back every count this call
    took and return ``None``; else return the counters counted (for :func:`release` or
    :func:`forget`). So however many calls run at once, at most ``limit`` succeed per window.
    Raises :class:`LimiterUnavailable`."""
    cache = _cache()
    taken: list[Counter] = []
    for counter in {c.key: c for c in counters if c.limit}.values():
        taken.append(counter)
        if _hit(cache, counter.key, counter.window) > int(counter.limit or 0):
            release(taken)
            return None
    return tuple(taken)


def release(counters: Iterable[Counter]) -> None:
    """Give back one count of each counter (one that has expired meanwhile is left alone)."""
    cache = _cache()
    for counter in counters:
        with suppress(ValueError):  # already expired: nothing to give back
            _guard(partial(cache.decr, counter.key))


def forget(counters: Iterable[Counter]) -> None:
    """Drop the counters' counts altogether. Raises :class:`LimiterUnavailable`."""
    keys = [counter.key for counter in counters]
    if keys:
        cache = _cache()
        _guard(lambda: cache.delete_many(keys))


@dataclass(frozen=True)
class Attempt:
    """One reserved sign-in attempt. ``allowed`` is False when a limit was reached."""

    allowed: bool
    ip: Counter | None = None
    accounts: tuple[Counter, ...] = ()

    def succeeded(self) -> None:
        """Give the IP slot back and forget the accounts' failures."""
        forget(self.accounts)
        if self.ip is not None:
            release([self.ip])


def reserve(request: HttpRequest, identities: Iterable[str]) -> Attempt:
    """Count an attempt against the client IP, then each account identity.

    ``identities`` are the account keys the provider derived from the submitted
    credentials (already normalised). Refused attempts leave no count behind, so
    a blocked address cannot keep locking accounts. Raises :class:`LimiterUnavailable`.
    """
    limits, window = nextauth_settings.RATE_LIMIT, retry_after()
    ip = Counter("ip", client_ip(request), limits.get("IP"), window)
    accounts = [Counter("account", value, limits.get("USERNAME"), window) for value in identities]
    taken = take([ip, *accounts])
    if taken is None:
        return Attempt(False)
    return Attempt(
        True, ip if ip in taken else None, tuple(counter for counter in taken if counter != ip)
    )


def _cache() -> BaseCache:
    return caches[nextauth_settings.RATE_LIMIT.get("CACHE", "default")]


def _hit(cache: BaseCache, key: str, window: int) -> int:
    """Add one to ``key``'s count and return the new count (the window starts at 1)."""
    for _ in range(3):
        if _guard(lambda: cache.add(key, 1, timeout=window)):
            return 1
        try:
            return _guard(lambda: cache.incr(key))
        except ValueError:  # expired between add() and incr(): start again
            continue
    raise LimiterUnavailable("the counter keeps vanishing")


def _guard(operation: Callable[[], _T]) -> _T:
    """Run a cache operation; a broken cache becomes :class:`LimiterUnavailable`."""
    try:
        return operation()
    except ValueError:
        raise
    except Exception as exc:
        raise LimiterUnavailable(type(exc).__name__) from exc
