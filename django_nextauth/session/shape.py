"""NextAuth's session shape: the default session dict, then the ``jwt`` / ``session`` callbacks."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from django_nextauth.callbacks import (
    NO_UPDATE,
    arun_jwt,
    arun_session,
    defaults_only,
    is_default,
    run_jwt,
    run_session,
)
from django_nextauth.conf import nextauth_settings
from django_nextauth.dialect import Dialect

__all__ = [
    "abuild_session",
    "aresolve",
    "build_session",
    "default_session",
    "default_user",
    "resolve",
]

Claims = dict[str, Any]
Resolved = tuple[Claims | None, dict[str, Any] | None]  # (token, session); (None, None): ended


def default_user(token: Mapping[str, Any]) -> dict[str, Any]:
    """NextAuth's ``session.user``: ``{name, email, image: picture}``; absent fields stay absent."""
    user = {}
    if "name" in token:
        user["name"] = token["name"]
    if "email" in token:
        user["email"] = token["email"]
    if "picture" in token:
        user["image"] = token["picture"]
    return user


def _expires(max_age: int) -> str:
    """now + ``max_age`` as JS ``Date.toISOString()`` writes it: UTC, milliseconds, "Z"."""
    return js_iso(time.time() + max_age)


def js_iso(moment: float) -> str:
    """A POSIX time as JS ``Date.toISOString()`` writes it: UTC, milliseconds, "Z"."""
    second = int(moment)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
    return f"{stamp}.{int((moment - second) * 1000):03d}Z"


def default_session(token: Mapping[str, Any]) -> dict[str, Any]:
    """NextAuth's default session: ``{user, expires}`` (expires: now + ``SESSION["MAX_AGE"]``)."""
    return {"user": default_user(token), "expires": _expires(nextauth_settings.SESSION["MAX_AGE"])}


def stored_session(token: Mapping[str, Any], expires: float) -> dict[str, Any]:
    """A database session's default shape: ``{user, expires}``, ``expires`` the row's."""
    return {"user": default_user(token), "expires": js_iso(expires)}


def _row(request: HttpRequest | None) -> tuple[float, Any] | None:
    """``(expires, user)`` of the database session ``request`` carries, if it carries one."""
    from .state import peek_session_state

    state = None if request is None else peek_session_state(request)
    record = None if state is None else state.record
    return None if record is None else (record.expires.timestamp(), state.stored_user)  # type: ignore[union-attr]


def build_session(
    token: Claims, *, request: HttpRequest | None = None, update: Any = NO_UPDATE
) -> dict[str, Any]:
    """The session dict for ``token``: NextAuth's default shape, then the ``session`` callback
    (a database session: its row's expiry, ``user=`` the stored user, and for its
    ``update()`` the posted data as ``new_session=`` with ``trigger="update"``)."""
    row = _row(request)
    if row is None:
        return run_session(session=default_session(token), token=token, request=request)
    session = stored_session(token, row[0])
    return run_session(session=session, token=token, request=request, user=row[1], update=update)


async def abuild_session(token: Claims, *, request: HttpRequest | None = None) -> dict[str, Any]:
    """Async :func:`build_session`."""
    row = _row(request)
    if row is None:
        return await arun_session(session=default_session(token), token=token, request=request)
    session = stored_session(token, row[0])
    return await arun_session(session=session, token=token, request=request, user=row[1])


def resolve(claims: Claims, family: Dialect, request: HttpRequest | None) -> Resolved:
    """Run the ``jwt`` then the ``session`` callback on decoded ``claims``.

    The session is built from the decoded claims (v4) or the ``jwt`` callback's
    result (v5), as each NextAuth does.
    """
    if defaults_only():
        return claims, default_session(claims)
    token = claims if is_default("jwt") else run_jwt(token=claims, request=request)
    if token is None:
        return None, None
    session = default_session(token if family.session_from_jwt_result else claims)
    if is_default("session"):
        return token, session
    return token, run_session(session=session, token=token, request=request)


async def aresolve(claims: Claims, family: Dialect, request: HttpRequest | None) -> Resolved:
    """Async :func:`resolve`: async callbacks are awaited, sync ones run off the event loop."""
    if defaults_only():
        return claims, default_session(claims)
    token = await arun_jwt(token=claims, request=request)
    if token is None:
        return None, None
    source = token if family.session_from_jwt_result else claims
    session = await arun_session(session=default_session(source), token=token, request=request)
    return token, session
