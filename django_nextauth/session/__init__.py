"""The NextAuth session of a request: read it (``getToken``, ``getServerSession``), and
write it (``login`` / ``logout``, applied to the response by ``flush``).

Layers, each calling only the next: :mod:`.access` (these functions) -> :mod:`.state`
(the per-request :class:`SessionState`, the one owner of what a request carries) -> the
session strategy (:mod:`.base`'s interface; :mod:`.jwt`: cookies and tokens, with the
decrypted-token cache of :mod:`.token_cache`; :mod:`.database`: adapter rows), chosen by
``SESSION["STRATEGY"]`` -> :mod:`.shape` (the default session and token shape). The JWT
path runs no SQL; a missing, bad, expired or tampered token reads as "signed out".
"""

from __future__ import annotations

from django_nextauth.users import AnonymousSessionUser, SessionUser

from .access import (
    _clear_session,
    _issue_session,
    abuild_session,
    aget_server_session,
    aget_session_user,
    aget_token,
    alogin,
    alogout,
    build_session,
    flush,
    get_server_session,
    get_session_user,
    get_token,
    login,
    logout,
)
from .base import CallbackFailed, SessionStrategy, UnstorableToken, strategy
from .request_state import peek_session_state, session_state, session_vary, session_was_read
from .shape import user_to_token
from .state import SessionState

__all__ = [
    "AnonymousSessionUser",
    "CallbackFailed",
    "SessionState",
    "SessionStrategy",
    "SessionUser",
    "UnstorableToken",
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
    "session_vary",
    "session_was_read",
    "strategy",
    "user_to_token",
]

# Internal: the names the views used before login / logout / session_state. Kept only until
# the integrator switches the views over; not part of the public API.
request_session = session_state
peek_request_session = peek_session_state
issue_session = _issue_session
clear_session = _clear_session
