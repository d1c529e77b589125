"""The NextAuth session of a request: ``getToken``, ``getServerSession`` and the cookie.

What a request carries is read once and cached on it (see
:mod:`django_nextauth.request_state`), so the middleware's lazy attributes,
:func:`get_token` and :func:`get_server_session` decrypt the cookie at most once.
The JWT path runs no SQL. A missing, bad, expired or tampered token reads as
"signed out"; reading never raises for a token.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from django.http import HttpRequest, HttpResponseBase

from . import jwt
from .callbacks import arun_jwt, arun_session, defaults_only, is_default, run_jwt, run_session
from .conf import nextauth_settings
from .cookies import (
    clear_session_cookie,
    cookie_name,
    use_secure_cookies,
    write_session_cookie,
)
from .request_state import (
    UNSET,
    Claims,
    RequestSession,
    config,
    mark_read,
    peek_request_session,
    request_session,
    session_cookie_names,
    session_was_read,
)
from .users import ANONYMOUS, AnonymousSessionUser, SessionUser, session_user

__all__ = [
    "AnonymousSessionUser",
    "RequestSession",
    "SessionUser",
    "abuild_session",
    "aget_server_session",
    "aget_session_user",
    "aget_token",
    "aresolve_session",
    "build_session",
    "clear_session",
    "get_server_session",
    "get_session_user",
    "get_token",
    "issue_session",
    "peek_request_session",
    "request_session",
    "resolve_session",
    "session_was_read",
    "session_cookie_names",
]


def get_token(
    request: HttpRequest,
    *,
    raw: bool = False,
    secret: str | Sequence[str] | None = None,
    cookie_name: str | None = None,
    secure_cookie: bool | None = None,
    salt: str | None = None,
) -> Claims | str | None:
    """NextAuth's ``getToken``: the decoded claims, the raw token (``raw=True``) or ``None``.

    Reads the session cookie (chunks reassembled, percent-decoded), else an
    ``Authorization: Bearer`` header. Defaults follow the settings; the v5 salt
    is the cookie name. Never raises for a missing or bad token.
    """
    if secret is None and cookie_name is None and secure_cookie is None and salt is None:
        state = request_session(request)
    else:
        snapshot = config()
        secure = use_secure_cookies(request) if secure_cookie is None else secure_cookie
        candidates = snapshot.names[secure]
        if cookie_name is not None:
            candidates = ((candidates[0][0], cookie_name),)
        state = RequestSession(request, snapshot, secure, candidates, secret=secret, salt=salt)
        mark_read(request)
    return state.raw if raw else state.claims


async def aget_token(
    request: HttpRequest,
    *,
    raw: bool = False,
    secret: str | Sequence[str] | None = None,
    cookie_name: str | None = None,
    secure_cookie: bool | None = None,
    salt: str | None = None,
) -> Claims | str | None:
    """Async :func:`get_token` (decryption is CPU-only and quick, so it runs inline)."""
    return get_token(
        request,
        raw=raw,
        secret=secret,
        cookie_name=cookie_name,
        secure_cookie=secure_cookie,
        salt=salt,
    )


_last_second: tuple[int, str] = (0, "")


def _expires(max_age: int) -> str:
    """now + ``max_age`` as JS ``Date.toISOString()`` writes it: UTC, milliseconds, "Z"."""
    global _last_second
    moment = time.time() + max_age
    second = int(moment)
    cached_second, text = _last_second  # formatting is costly; reuse it within a second
    if cached_second != second:
        text = time.strftime("%Y-%m-%dT%H:%M:%S.", time.gmtime(second))
        _last_second = (second, text)
    return f"{text}{int((moment - second) * 1000):03d}Z"


def _default_session(token: Mapping[str, Any]) -> dict[str, Any]:
    # NextAuth: {user: {name, email, image: picture}, expires}; absent fields stay absent.
    user = {}
    if "name" in token:
        user["name"] = token["name"]
    if "email" in token:
        user["email"] = token["email"]
    if "picture" in token:
        user["image"] = token["picture"]
    return {"user": user, "expires": _expires(nextauth_settings.SESSION["MAX_AGE"])}


def build_session(token: Claims, *, request: HttpRequest | None = None) -> dict[str, Any]:
    """The session dict for ``token``: NextAuth's default shape, then the ``session`` callback."""
    return run_session(session=_default_session(token), token=token, request=request)


async def abuild_session(token: Claims, *, request: HttpRequest | None = None) -> dict[str, Any]:
    """Async :func:`build_session`."""
    return await arun_session(session=_default_session(token), token=token, request=request)


def resolve_session(
    claims: Claims, *, version: str, request: HttpRequest | None = None
) -> tuple[Claims | None, dict[str, Any] | None]:
    """Run the ``jwt`` then the ``session`` callback on decoded ``claims``.

    Returns ``(token, session)``, both ``None`` when the ``jwt`` callback ends
    the session. v4 builds the session from the decoded token, v5 from the
    ``jwt`` callback's result, as each NextAuth does.
    """
    if defaults_only():
        return claims, _default_session(claims)
    token = claims if is_default("jwt") else run_jwt(token=claims, request=request)
    if token is None:
        return None, None
    session = _default_session(claims if version == "v4" else token)
    if is_default("session"):
        return token, session
    return token, run_session(session=session, token=token, request=request)


async def aresolve_session(
    claims: Claims, *, version: str, request: HttpRequest | None = None
) -> tuple[Claims | None, dict[str, Any] | None]:
    """Async :func:`resolve_session`: async callbacks are awaited, sync ones run off-loop."""
    if defaults_only():
        return claims, _default_session(claims)
    token = await arun_jwt(token=claims, request=request)
    if token is None:
        return None, None
    source = claims if version == "v4" else token
    session = await arun_session(session=_default_session(source), token=token, request=request)
    return token, session


def get_server_session(request: HttpRequest) -> dict[str, Any] | None:
    """NextAuth's ``getServerSession``: decode, ``jwt`` then ``session`` callback, or ``None``."""
    return _server_session(request_session(request), request)


def _server_session(state: RequestSession, request: HttpRequest) -> dict[str, Any] | None:
    if state.session is UNSET:
        claims = state.claims
        if claims is None:
            state.token, state.session = None, None
        else:
            state.token, state.session = resolve_session(
                claims, version=state.version, request=request
            )
    return state.session


async def aget_server_session(request: HttpRequest) -> dict[str, Any] | None:
    """Async :func:`get_server_session`."""
    state = request_session(request)
    if state.session is UNSET:
        claims = state.claims
        if claims is None:
            token, session = None, None
        else:
            token, session = await aresolve_session(claims, version=state.version, request=request)
        state.token, state.session = token, session
    return state.session


def get_session_user(request: HttpRequest) -> SessionUser | AnonymousSessionUser:
    """``request.session_user``: the session's user, or the anonymous user (cached)."""
    state = request_session(request)
    user = state.user
    if user is None:
        if state.config.defaults_only:
            user = _default_session_user(state)
        else:
            user = session_user(_server_session(state, request), state.token)
        state.user = user
    return user  # type: ignore[no-any-return]


def _default_session_user(state: RequestSession) -> SessionUser | AnonymousSessionUser:
    # With NextAuth's default callbacks the user is a function of the token alone, so it is
    # built without the session dict and kept with the cached token (it is read-only).
    claims = state.claims
    if claims is None:
        return ANONYMOUS
    if state.token is UNSET:
        state.token = claims  # what the default jwt callback returns
    entry = state._entry
    user = entry.user if entry is not None else None
    if user is None:
        user = SessionUser(_default_session(claims)["user"], sub=claims.get("sub"))
        if entry is not None:
            entry.user = user
    return user


async def aget_session_user(request: HttpRequest) -> SessionUser | AnonymousSessionUser:
    """Async :func:`get_session_user`: callbacks never block the event loop."""
    state = request_session(request)
    user = state.user
    if user is None:
        if state.config.defaults_only:
            user = _default_session_user(state)
        else:
            user = session_user(await aget_server_session(request), state.token)
        state.user = user
    return user  # type: ignore[no-any-return]


def issue_session(
    response: HttpResponseBase,
    request: HttpRequest,
    token: Mapping[str, Any],
    *,
    max_age: int | None = None,
) -> None:
    """Encrypt ``token`` (fresh ``iat``/``exp``/``jti``) and set it as the session cookie.

    Uses the configured VERSION, secrets and cookie name (the v5 salt);
    chunks as NextAuth does and deletes stale chunks. ``max_age`` defaults to
    ``SESSION["MAX_AGE"]`` and sets both the token's ``exp`` and the cookie's Expires.
    """
    version = nextauth_settings.VERSION
    secure = use_secure_cookies(request)
    name = cookie_name("session_token", version=version, secure=secure)
    if max_age is None:
        max_age = nextauth_settings.SESSION["MAX_AGE"]
    salt = name if version == "v5" else ""
    encoded = jwt.encode(
        token, secret=nextauth_settings.secrets, max_age=max_age, salt=salt, version=version
    )
    expires = datetime.fromtimestamp(int(time.time()) + max_age, tz=timezone.utc)
    write_session_cookie(
        response, request, name, encoded, secure=secure, expires=expires, version=version
    )


def clear_session(response: HttpResponseBase, request: HttpRequest) -> None:
    """Delete every incoming session cookie chunk of the families read (sign-out)."""
    secure = use_secure_cookies(request)
    for _version, name in session_cookie_names(secure):
        clear_session_cookie(response, request, name, secure=secure)
