"""The NextAuth session of a request: read it (``getToken``, ``getServerSession``), and
write it (``login`` / ``logout``, applied to the response by ``flush``).

Layers, each calling only the next: :mod:`.api` (these functions) ->
:mod:`.state` (the per-request :class:`SessionState`, the one owner of what a
request carries) -> :mod:`.strategies` (the JWT strategy: cookies and tokens,
with the decrypted-token cache of :mod:`.token_cache`) -> :mod:`.shape` (the
session dict and the ``jwt`` / ``session`` callbacks). The JWT path runs no SQL;
a missing, bad, expired or tampered token reads as "signed out".
"""

from __future__ import annotations

from django_nextauth.users import AnonymousSessionUser, SessionUser

from .api import (
    _clear_session,
    _issue_session,
    aget_server_session,
    aget_session_user,
    aget_token,
    alogin,
    alogout,
    flush,
    get_server_session,
    get_session_user,
    get_token,
    login,
    logout,
)
from .shape import abuild_session, build_session
from .state import SessionState, peek_session_state, session_state, session_was_read

__all__ = [
    "AnonymousSessionUser",
    "SessionState",
    "SessionUser",
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
    "peek_session_state",
    "session_state",
    "session_was_read",
]

# Internal: the names the views used before login / logout / session_state. Kept only until
# the integrator switches the views over; not part of the public API.
request_session = session_state
peek_request_session = peek_session_state
issue_session = _issue_session
clear_session = _clear_session
