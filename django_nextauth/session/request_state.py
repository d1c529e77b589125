"""The :class:`~.state.SessionState` of a request: made once and cached on it
(:func:`session_state`), made apart with overrides (:func:`new_session_state`); the session
user, without a state when the strategy can tell it directly (:func:`read_user`); and
whether anything read the session (for ``Vary: Cookie``)."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest

from django_nextauth.users import AnonymousSessionUser, SessionUser

from .base import strategy
from .state import VARY_COOKIE, SessionState

__all__ = [
    "mark_read",
    "new_session_state",
    "peek_session_state",
    "read_user",
    "session_state",
    "session_vary",
    "session_was_read",
]

_STATE_ATTR = "_nextauth_session"
_READ_ATTR = "_nextauth_session_read"


def session_state(request: HttpRequest) -> SessionState:
    """The request's :class:`SessionState` with the configured cookie names, cached on it."""
    state: SessionState | None = request.__dict__.get(_STATE_ATTR)
    if state is None:
        # new_session_state without its overrides: every request that reads the session
        # comes here once.
        current = strategy()
        candidates = current.candidates(current.is_secure(request))
        state = request.__dict__[_STATE_ATTR] = SessionState(request, current, candidates)
    return state


def read_user(request: HttpRequest) -> SessionUser | AnonymousSessionUser:
    """The session user of ``request``: the strategy's :meth:`~.base.SessionStrategy.direct_user`
    while the request has no state (the session read as ``Vary: Cookie`` asks), else
    through the request's :class:`SessionState`, which owns every other case."""
    user = _direct_user(request)
    return session_state(request).user if user is None else user


async def aread_user(request: HttpRequest) -> SessionUser | AnonymousSessionUser:
    """Async :func:`read_user` (a direct read is CPU only; a state's may run in a thread)."""
    user = _direct_user(request)
    return await session_state(request).auser() if user is None else user


def _direct_user(request: HttpRequest) -> SessionUser | AnonymousSessionUser | None:
    if _STATE_ATTR in request.__dict__:
        return None  # the state has the session (it may hold a login or logout)
    user = strategy().direct_user(request)
    if user is not None:
        request.__dict__[_READ_ATTR] = True
    return user


def new_session_state(
    request: HttpRequest,
    *,
    secure: bool | None = None,
    cookie_name: str | None = None,
    secret: str | Sequence[str] | None = None,
    salt: str | None = None,
) -> SessionState:
    """A :class:`SessionState` of ``request`` not cached on it (the middleware then neither
    renews nor deletes what it reads): the configured cookie names, or ``cookie_name``;
    ``secure`` / ``secret`` / ``salt`` override the settings'."""
    current = strategy()
    candidates = current.candidates(current.is_secure(request) if secure is None else secure)
    if cookie_name is not None:
        candidates = ((candidates[0][0], cookie_name),)
    return SessionState(request, current, candidates, secret=secret, salt=salt)


def peek_session_state(request: HttpRequest) -> SessionState | None:
    """The request's :class:`SessionState` if something read the session, else ``None``."""
    return request.__dict__.get(_STATE_ATTR)


def session_was_read(request: HttpRequest) -> bool:
    """Whether anything looked at the request's session cookie (for ``Vary: Cookie``).

    A ``login`` / ``logout`` alone does not count: it writes the cookie, the response
    does not depend on it.
    """
    return bool(session_vary(request))


def session_vary(request: HttpRequest) -> tuple[str, ...]:
    """The request headers a response depends on through the session: ``()`` when nothing
    read it, ``("Cookie",)``, or ``("Cookie", "Authorization")`` when the token came in a
    Bearer header (the middleware asks this on every response)."""
    state: SessionState | None = request.__dict__.get(_STATE_ATTR)
    vary = () if state is None else state.vary
    return vary or (VARY_COOKIE if _READ_ATTR in request.__dict__ else ())


def mark_read(request: HttpRequest) -> None:
    """Note that the session was looked at without the cached state (custom ``get_token``)."""
    request.__dict__[_READ_ATTR] = True
