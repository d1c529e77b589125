"""TEMPORARY stand-in for ``django_nextauth.session``'s ``login`` / ``logout`` / ``flush`` /
``session_state`` (built in parallel by the session part).

Integration: replace this module's body with
``from django_nextauth.session import flush, login, logout, session_state`` (or point
the three importers, ``views/api.py``, ``views/signout.py`` and ``signin.py``, there)
and delete it. It records a pending write on the request and applies it with
today's ``issue_session`` / ``clear_session``, so the Set-Cookie bytes are unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponseBase

from django_nextauth.session import clear_session, get_server_session, issue_session
from django_nextauth.session import request_session as _request_session

__all__ = ["SessionState", "flush", "login", "logout", "session_state"]

_PENDING = "_nextauth_pending_write"


def login(request: HttpRequest, token: Mapping[str, Any], *, max_age: int | None = None) -> None:
    """Mark a new session for ``token`` to be written by :func:`flush`."""
    setattr(request, _PENDING, ("login", dict(token), max_age))


def logout(request: HttpRequest) -> None:
    """Mark every incoming session cookie chunk for deletion by :func:`flush`."""
    setattr(request, _PENDING, ("logout", None, None))


def flush(request: HttpRequest, response: HttpResponseBase) -> None:
    """Apply the pending login / logout to ``response``; a no-op when none is pending."""
    pending = request.__dict__.pop(_PENDING, None)
    if pending is None:
        return
    action, token, max_age = pending
    if action == "login":
        issue_session(response, request, token, max_age=max_age)
    else:
        clear_session(response, request)


class SessionState:
    """The read-only view of the request's session the auth views use."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request
        self._state = _request_session(request)

    @property
    def claims(self) -> dict[str, Any] | None:
        return self._state.claims

    @property
    def from_cookie(self) -> bool:
        return bool(self._state.from_cookie)

    @property
    def session(self) -> dict[str, Any] | None:
        return get_server_session(self._request)

    @property
    def token(self) -> dict[str, Any] | None:
        get_server_session(self._request)
        return self._state.token


def session_state(request: HttpRequest) -> SessionState:
    """The request's session state (decoded once, callbacks run on first access)."""
    return SessionState(request)
