"""Access to a request's session, the functions views call: NextAuth's ``getToken`` /
``getServerSession``, the session user, ``build_session``, and Django-style ``login`` /
``logout`` with ``flush`` (the response side of both)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponseBase

from django_nextauth.callbacks import NO_UPDATE
from django_nextauth.lazy import LazyRequestAttribute
from django_nextauth.users import AnonymousSessionUser, SessionUser

from .base import strategy
from .request_state import (
    aread_user,
    mark_read,
    new_session_state,
    peek_session_state,
    read_user,
    session_state,
)
from .shape import Claims

__all__ = [
    "abuild_session",
    "aget_server_session",
    "aget_session_user",
    "aget_token",
    "alogin",
    "alogout",
    "build_session",
    "flush",
    "get_server_session",
    "get_session_user",
    "get_token",
    "login",
    "logout",
]

#: The request attribute the middleware sets (``request.session_user``).
_SESSION_USER_ATTR = "session_user"


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
    is the cookie name. Never raises for a missing or bad token; raises
    ``RevocationUnavailable`` while the revocation cache is down (an outage is not a
    signed-out answer).
    """
    if secret is None and cookie_name is None and secure_cookie is None and salt is None:
        state = session_state(request)
    else:
        state = new_session_state(
            request, secure=secure_cookie, cookie_name=cookie_name, secret=secret, salt=salt
        )
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
    """Async :func:`get_token` (decryption is CPU-only and quick, so it runs inline; a
    database session or a revocation check is read in a thread)."""
    kwargs: dict[str, Any] = {
        "raw": raw,
        "secret": secret,
        "cookie_name": cookie_name,
        "secure_cookie": secure_cookie,
        "salt": salt,
    }
    if strategy().does_io:
        return await sync_to_async(get_token)(request, **kwargs)
    return get_token(request, **kwargs)


def get_server_session(request: HttpRequest) -> dict[str, Any] | None:
    """NextAuth's ``getServerSession``: decode, ``jwt`` then ``session`` callback, or ``None``."""
    return session_state(request).session


async def aget_server_session(request: HttpRequest) -> dict[str, Any] | None:
    """Async :func:`get_server_session`."""
    return (await session_state(request).aresolve())[1]


def get_session_user(request: HttpRequest) -> SessionUser | AnonymousSessionUser:
    """The session's user, or the anonymous user (cached on the request).

    The one way to the session user: ``request.session_user`` (the middleware's lazy
    attribute), the context processor, the template tags, the decorators and the DRF class
    all end here. A user set on ``request.session_user`` by hand (a test) is that user.
    """
    user = _assigned_user(request)
    return read_user(request) if user is None else user


async def aget_session_user(request: HttpRequest) -> SessionUser | AnonymousSessionUser:
    """Async :func:`get_session_user`: callbacks never block the event loop."""
    user = _assigned_user(request)
    return await aread_user(request) if user is None else user


def _assigned_user(request: HttpRequest) -> Any:
    # The middleware's lazy attribute computes its value through here: only a value set by
    # hand is taken as it is.
    user = request.__dict__.get(_SESSION_USER_ATTR)
    return None if user is None or type(user) is LazyRequestAttribute else user


def build_session(
    token: Claims, *, request: HttpRequest | None = None, update: Any = NO_UPDATE
) -> dict[str, Any]:
    """The session dict for ``token``: NextAuth's default shape, then the ``session`` callback
    (for the database session ``request`` carries: its row's expiry, ``user=`` the stored
    user, and for its ``update()`` the posted data as ``new_session=`` with
    ``trigger="update"``)."""
    state = None if request is None else peek_session_state(request)
    if state is None:
        return strategy().build_session(None, token, request)
    return state.build_session(token, update=update)


async def abuild_session(token: Claims, *, request: HttpRequest | None = None) -> dict[str, Any]:
    """Async :func:`build_session`."""
    state = None if request is None else peek_session_state(request)
    if state is None:
        return await strategy().abuild_session(None, token, request)
    return await state.abuild_session(token)


def login(
    request: HttpRequest,
    token: Mapping[str, Any],
    *,
    max_age: int | None = None,
    user: Any = None,
) -> None:
    """Sign ``token`` in: the response gets it as the session cookie (see :func:`flush`).

    Fresh ``iat`` / ``exp`` / ``jti`` as NextAuth's ``encode`` sets them; the ``sid``
    and ``auth_time`` claims are kept from ``token`` (a re-issue) or set now (a new
    sign-in). ``max_age`` defaults to ``SESSION["MAX_AGE"]`` and sets both ``exp``
    and the cookie's ``Expires``. Later reads in this request see the new session.

    With the database strategy a row is stored for ``user`` (default: the stored user
    whose id is ``token["sub"]``), or the request's own session renewed when ``token``
    carries its ``sid``.
    """
    session_state(request).login(token, max_age=max_age, user=user)


async def alogin(
    request: HttpRequest,
    token: Mapping[str, Any],
    *,
    max_age: int | None = None,
    user: Any = None,
) -> None:
    """Async :func:`login` (the database strategy's queries run in a thread)."""
    if strategy().issue_does_io:
        await sync_to_async(login)(request, token, max_age=max_age, user=user)
    else:
        login(request, token, max_age=max_age)


def logout(request: HttpRequest) -> None:
    """Sign out: the response deletes every incoming session cookie chunk (see :func:`flush`)."""
    session_state(request).logout()


async def alogout(request: HttpRequest) -> None:
    """Async :func:`logout` (the row deletion or revocation runs in a thread)."""
    await sync_to_async(logout)(request)


def flush(request: HttpRequest, response: HttpResponseBase) -> None:
    """Write the pending :func:`login` / :func:`logout` into ``response``'s cookies.

    Idempotent, and a no-op when nothing is pending. ``NextAuthMiddleware`` calls it
    on the way out; the auth views call it before returning.
    """
    state = peek_session_state(request)
    if state is not None:
        state.flush(response)


# --- internal, for code written before login / logout (the integrator removes them) ----------


def _issue_session(
    response: HttpResponseBase,
    request: HttpRequest,
    token: Mapping[str, Any],
    *,
    max_age: int | None = None,
) -> None:
    """``login`` then ``flush``, in one call (internal)."""
    login(request, token, max_age=max_age)
    flush(request, response)


def _clear_session(response: HttpResponseBase, request: HttpRequest) -> None:
    """``logout`` then ``flush``, in one call (internal)."""
    logout(request)
    flush(request, response)
