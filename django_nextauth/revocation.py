"""Ending sessions before they expire: JWT revocation through Django's cache, and
:func:`sign_out_everywhere`.

A JWT session cannot be recalled once issued, so with
``NEXTAUTH["SESSION"]["REVOCATION_CACHE"] = "<cache alias>"`` every read of a token asks
the cache (Redis in production; one ``get_many`` round trip per request) two
questions: was this session ended (its ``sid``: sign-out writes it), and were all of
this user's sessions ended after it began (a "revoked before" time per ``sub``, written
by :func:`sign_out_everywhere`, compared with the token's ``auth_time``, else ``iat``).
Times are whole seconds, so a session begun in the same second as a sign-out-everywhere
counts as ended. ``SESSION["REVOCATION_CHECK_INTERVAL"]`` lets a process skip the cache
for a token it found valid less than that many seconds ago (a trade of promptness for
cost; 0, the default, asks every time). A cache that fails leaves the request signed
out without deleting its cookie.

Database sessions end by deleting their rows; :func:`sign_out_everywhere` does both.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from typing import Any

from asgiref.sync import sync_to_async
from django.core.cache import BaseCache, caches

from .conf import nextauth_settings
from .exceptions import ConfigurationError, NextAuthError

__all__ = [
    "Revocations",
    "RevocationUnavailable",
    "asign_out_everywhere",
    "revocations",
    "sign_out_everywhere",
]

_PREFIX = "django_nextauth:revoked"
#: Kept past MAX_AGE by this much, for clocks and in-flight re-issues.
_SLACK = 300


class RevocationUnavailable(NextAuthError):
    """The revocation cache failed: whether a token was revoked is unknown."""


def _key(kind: str, value: str) -> str:
    # Hashed: cache backends restrict key characters and length.
    return f"{_PREFIX}:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:40]}"


class Revocations:
    """The revocation records in one cache, with this process's memo of recent checks."""

    #: Tokens remembered as recently valid (cleared when full; refilled by requests).
    memo_size = 4096

    def __init__(self, cache: BaseCache, *, interval: int, lifetime: int) -> None:
        self.cache = cache
        self.interval = interval
        self.ttl = lifetime + interval + _SLACK
        self._valid_at: dict[tuple[str, str], float] = {}

    def is_revoked(self, claims: Mapping[str, Any]) -> bool:
        """Whether the session of ``claims`` was ended (one cache round trip at most).

        Raises :class:`RevocationUnavailable` when the cache fails.
        """
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
        try:
            found = self.cache.get_many(keys.values())
        except Exception as exc:
            raise RevocationUnavailable("The revocation cache failed.") from exc
        if "sid" in keys and keys["sid"] in found:
            return True
        before = found.get(keys["user"]) if "user" in keys else None
        if before is not None:
            began = claims.get("auth_time", claims.get("iat"))
            if type(began) not in (int, float) or began <= before:
                return True
        if self.interval:
            if len(self._valid_at) >= self.memo_size:
                self._valid_at.clear()
            self._valid_at[ident] = now
        return False

    def revoke_session(self, sid: str) -> None:
        """End the session whose ``sid`` claim is ``sid`` (every copy of its token)."""
        self.cache.set(_key("sid", sid), 1, self.ttl)

    def revoke_user(self, sub: str) -> None:
        """End every session of the user ``sub`` that began up to now."""
        self.cache.set(_key("user", sub), int(time.time()), self.ttl)


def revocations() -> Revocations | None:
    """The revocation records of the current settings, or ``None`` when revocation is off."""
    return nextauth_settings.cached("revocations", _load)


def _load() -> Revocations | None:
    session = nextauth_settings.SESSION
    alias = session.get("REVOCATION_CACHE")
    if not alias:
        return None
    lifetime = max(session["MAX_AGE"], session.get("ABSOLUTE_MAX_AGE") or 0)
    return Revocations(
        caches[alias], interval=session.get("REVOCATION_CHECK_INTERVAL", 0), lifetime=lifetime
    )


def _subject(user: Any) -> str:
    pk = user if isinstance(user, (str, int)) else getattr(user, "pk", None)
    if pk is None:
        raise ValueError("sign_out_everywhere() needs a user with a pk (or the pk itself).")
    return str(pk)


def sign_out_everywhere(user: Any) -> int:
    """End every session of ``user`` (a Django user, or its pk), JWT and database alike.

    JWT sessions are refused from their next request on (needs
    ``SESSION["REVOCATION_CACHE"]``); database sessions are deleted. Returns how many
    database sessions ended. Raises :class:`ConfigurationError` when neither is possible.
    """
    from .adapters import get_adapter

    sub = _subject(user)
    records, adapter = revocations(), get_adapter()
    if records is None and (
        adapter is None or nextauth_settings.SESSION.get("STRATEGY", "jwt") != "database"
    ):
        raise ConfigurationError(
            "sign_out_everywhere() cannot end JWT sessions: set "
            "NEXTAUTH['SESSION']['REVOCATION_CACHE'] to a shared cache alias."
        )
    if records is not None:
        records.revoke_user(sub)
    if adapter is None:
        return 0
    stored = user if not isinstance(user, (str, int)) else adapter.get_user(sub)
    return 0 if stored is None else adapter.delete_user_sessions(stored)


async def asign_out_everywhere(user: Any) -> int:
    """Async :func:`sign_out_everywhere`."""
    return await sync_to_async(sign_out_everywhere)(user)
