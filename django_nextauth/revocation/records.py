"""The revocation records every read of a JWT asks about.

With ``NEXTAUTH["SESSION"]["REVOCATION_CACHE"] = "<cache alias>"`` every read of a token
asks the cache (Redis in production; one ``get_many`` round trip per request) two
questions: was this session ended (its ``sid``: sign-out records it), and were all of this
user's sessions ended after it began (a revocation time per ``sub``, recorded by
``sign_out_everywhere``; compared by :func:`.rule.began_after`).
``SESSION["REVOCATION_CHECK_INTERVAL"]`` lets a process skip the cache for a token it found
valid less than that many seconds ago (a trade of promptness for cost; 0, the default, asks
every time).

Failures are never answers: a cache (or table) that fails raises
:class:`RevocationUnavailable`, on reads (the views answer 503 and keep the cookie) and on
writes (sign-out and ``sign_out_everywhere`` report the failure). With
``SESSION["REVOCATION_STORE"] = "database"`` every record goes to the table first and the
cache is read through: a key the cache lacks (evicted, flushed, lost in a restart without
persistence) is looked up in the table and the answer cached, with ``add`` so that it never
hides a record written meanwhile; a "not on record" answer for :data:`ABSENT_TTL` seconds.
"""

from __future__ import annotations

import hashlib
import math
import time
from abc import ABC, abstractmethod
from collections.abc import Collection, Mapping
from typing import Any

from django.apps import apps
from django.core.cache import BaseCache, caches
from django.utils.module_loading import import_string

from django_nextauth.conf import nextauth_settings
from django_nextauth.exceptions import ConfigurationError, NextAuthError

from .rule import began_after

__all__ = [
    "ABSENT_TTL",
    "RevocationStore",
    "RevocationUnavailable",
    "Revocations",
    "revocations",
]

_PREFIX = "django_nextauth:revoked"
#: Kept past MAX_AGE by this much, for clocks and in-flight re-issues.
_SLACK = 300
#: Seconds a "not on record" answer read from the table stays cached: the longest a
#: revocation whose cache write failed (and was reported) can take to be seen.
ABSENT_TTL = 60
_STORES = {"database": "django_nextauth.db.revocations.DatabaseRevocationStore"}


class RevocationUnavailable(NextAuthError):
    """The revocation cache (or table) failed: whether a token was revoked is unknown, or
    a revocation could not be recorded."""


class RevocationStore(ABC):
    """Durable revocation records behind the cache (``SESSION["REVOCATION_STORE"]``)."""

    @abstractmethod
    def lookup(self, keys: Collection[str]) -> dict[str, int]:
        """The records of ``keys`` still in force: ``{key: revocation time in ms}``."""

    @abstractmethod
    def record(self, key: str, revoked_ms: int, expires: float) -> None:
        """Keep ``key``'s record (the later time, if one exists) until ``expires`` (epoch s)."""


def _key(kind: str, value: str) -> str:
    # Hashed: cache backends restrict key characters and length.
    return f"{_PREFIX}:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:40]}"


def _now_ms() -> int:
    return math.ceil(time.time() * 1000)  # rounded up: never earlier than the revocation


class Revocations:
    """The revocation records in one cache (and a store behind it), with this process's
    memo of recent checks."""

    #: Tokens remembered as recently valid (cleared when full; refilled by requests).
    memo_size = 4096

    def __init__(
        self,
        cache: BaseCache,
        *,
        interval: int,
        lifetime: int,
        store: RevocationStore | None = None,
    ) -> None:
        self.cache = cache
        self.store = store
        self.interval = interval
        self.ttl = lifetime + interval + _SLACK
        self._valid_at: dict[tuple[str, str], float] = {}

    def is_revoked(self, claims: Mapping[str, Any]) -> bool:
        """Whether the session of ``claims`` was ended (one cache round trip, unless the
        store must fill the cache). Raises :class:`RevocationUnavailable` on a failure."""
        sid, sub = claims.get("sid"), claims.get("sub")
        ident = (str(sid) if sid else "", str(sub) if sub else "")
        if not any(ident):
            return False  # nothing names it: nothing can have ended it
        now = time.time()
        if self.interval and now - self._valid_at.get(ident, -1e18) < self.interval:
            return False
        keys = {
            kind: _key(kind, value)
            for kind, value in zip(("sid", "user"), ident, strict=True)
            if value
        }
        found = self._read(list(keys.values()))
        if "sid" in keys and found.get(keys["sid"]):
            return True
        before = found.get(keys["user"]) if "user" in keys else None
        if before and not began_after(claims, before):
            return True
        if self.interval:
            if len(self._valid_at) >= self.memo_size:
                self._valid_at.clear()
            self._valid_at[ident] = now
        return False

    def _read(self, keys: list[str]) -> dict[str, Any]:
        try:
            found: dict[str, Any] = self.cache.get_many(keys)
            missing = [key for key in keys if key not in found]
            if self.store is not None and missing:
                stored = self.store.lookup(missing)
                for key in missing:
                    found[key] = stored.get(key, 0)  # 0: known not to be on record
                    ttl = self.ttl if found[key] else ABSENT_TTL
                    self.cache.add(key, found[key], ttl)  # never over a newer write
        except Exception as exc:
            raise RevocationUnavailable("The revocation cache failed.") from exc
        return found

    def revoke_session(self, sid: str) -> None:
        """End the session whose ``sid`` claim is ``sid`` (every copy of its token).
        Raises :class:`RevocationUnavailable` when it could not be recorded."""
        self._write(_key("sid", sid))

    def revoke_user(self, sub: str) -> None:
        """End every session of the user ``sub`` that began up to now.
        Raises :class:`RevocationUnavailable` when it could not be recorded."""
        self._write(_key("user", sub))

    def _write(self, key: str) -> None:
        revoked_ms = _now_ms()
        try:
            if self.store is not None:  # the durable copy first: the cache may lose it
                self.store.record(key, revoked_ms, time.time() + self.ttl)
            self.cache.set(key, revoked_ms, self.ttl)
        except Exception as exc:
            raise RevocationUnavailable("The revocation could not be recorded.") from exc


def revocations() -> Revocations | None:
    """The revocation records of the current settings, or ``None`` when revocation is off."""
    return nextauth_settings.cached("revocations", _load)


def _load() -> Revocations | None:
    session = nextauth_settings.SESSION
    alias = session.get("REVOCATION_CACHE")
    if not alias:
        return None
    lifetime = max(session["MAX_AGE"], session.get("ABSOLUTE_MAX_AGE") or 0)
    name = session.get("REVOCATION_STORE")
    store = None
    if name:
        if name not in _STORES or not apps.is_installed("django_nextauth.db"):
            raise ConfigurationError(
                f"NEXTAUTH['SESSION']['REVOCATION_STORE'] = {name!r} needs "
                "'django_nextauth.db' in INSTALLED_APPS (and migrated)."
            )
        store = import_string(_STORES[name])()
    return Revocations(
        caches[alias],
        interval=session.get("REVOCATION_CHECK_INTERVAL", 0),
        lifetime=lifetime,
        store=store,
    )
