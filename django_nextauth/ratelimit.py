"""Brute-force protection for credentials sign-in (NextAuth has none).

Failed sign-ins are counted in Django's cache (``NEXTAUTH["RATE_LIMIT"]["CACHE"]``)
per submitted username and per client IP. Once either count reaches its limit
(``USERNAME``, default 5; ``IP``, default 20) further attempts are refused
without calling ``authorize`` until the window (``WINDOW`` seconds, default 15
minutes, counted from the first failure) has passed. A limit of ``0`` or
``None`` switches that counter off. A successful sign-in clears the username's
counter, not the IP's.

Counters use ``cache.add`` and ``cache.incr``, which are atomic on Memcached and
Redis, so concurrent guesses cannot slip past the limit there.

The client IP is ``REMOTE_ADDR``; behind ``NEXTAUTH["NUM_PROXIES"]`` reverse
proxies that each append to ``X-Forwarded-For`` it is the address the
outermost proxy saw. IPv6 clients are counted per /64, the block a single
customer usually holds.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Mapping
from typing import Any

from django.core.cache import BaseCache, caches
from django.http import HttpRequest

from .conf import nextauth_settings

__all__ = [
    "client_ip",
    "credential_username",
    "is_blocked",
    "register_failure",
    "register_success",
]

_PREFIX = "django_nextauth:ratelimit"


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


def credential_username(credentials: Mapping[str, Any]) -> str | None:
    """The submitted ``username`` (else ``email``) field, case-folded, or ``None``."""
    for key in ("username", "email"):
        value = credentials.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip().casefold()
    return None


def _cache() -> BaseCache:
    return caches[nextauth_settings.RATE_LIMIT.get("CACHE", "default")]


def _window() -> int:
    return int(nextauth_settings.RATE_LIMIT.get("WINDOW") or 15 * 60)


def _counters(request: HttpRequest, username: str | None) -> list[tuple[str, int]]:
    """``(cache key, limit)`` of each active counter for this attempt."""
    limits = nextauth_settings.RATE_LIMIT
    counters = []
    if username is not None and limits.get("USERNAME"):
        counters.append((_key("username", username), int(limits["USERNAME"])))
    if limits.get("IP"):
        counters.append((_key("ip", client_ip(request)), int(limits["IP"])))
    return counters


def _key(kind: str, value: str) -> str:
    # Hashed: cache backends restrict key characters and length, and usernames are personal.
    digest = hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:40]
    return f"{_PREFIX}:{kind}:{digest}"


def is_blocked(request: HttpRequest, username: str | None) -> bool:
    """True when this username or client IP has used up its failed attempts."""
    counters = _counters(request, username)
    if not counters:
        return False
    counts = _cache().get_many([key for key, _ in counters])
    return any(int(counts.get(key) or 0) >= limit for key, limit in counters)


def register_failure(request: HttpRequest, username: str | None) -> None:
    """Count a failed sign-in against the username and the client IP."""
    cache, window = _cache(), _window()
    for key, _ in _counters(request, username):
        # add() starts the window; incr() keeps its expiry (fixed window).
        if not cache.add(key, 1, timeout=window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.add(key, 1, timeout=window)


def register_success(request: HttpRequest, username: str | None) -> None:
    """Forget the username's failures after a successful sign-in."""
    if username is not None:
        _cache().delete(_key("username", username))
