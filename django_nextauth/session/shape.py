"""NextAuth's session shape: the default session dict, then the ``jwt`` / ``session`` callbacks."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from django_nextauth.callbacks import (
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
    moment = time.time() + max_age
    second = int(moment)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
    return f"{stamp}.{int((moment - second) * 1000):03d}Z"


def default_session(token: Mapping[str, Any]) -> dict[str, Any]:
    """NextAuth's default session: ``{user, expires}`` (expires: now + ``SESSION["MAX_AGE"]``)."""
    return {"user": default_user(token), "expires": _expires(nextauth_settings.SESSION["MAX_AGE"])}


def build_session(token: Claims, *, request: HttpRequest | None = None) -> dict[str, Any]:
    """The session dict for ``token``: NextAuth's default shape, then the ``session`` callback."""
    return run_session(session=default_session(token), token=token, request=request)


async def abuild_session(token: Claims, *, request: HttpRequest | None = None) -> dict[str, Any]:
    """Async :func:`build_session`."""
    return await arun_session(session=default_session(token), token=token, request=request)


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
