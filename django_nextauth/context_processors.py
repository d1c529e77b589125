"""Template context: ``session_user`` and ``nextauth_session``.

Add ``"django_nextauth.context_processors.session"`` to the template engine's
``context_processors``. Both values are lazy: nothing is decrypted unless a
template reads them. ``nextauth_session`` is the session dict (NextAuth's
``useSession().data``) or ``None``; ``session_user`` is its ``user`` with
attribute access, or the anonymous user (``{{ session_user.name }}`` renders ``""``).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .session import get_server_session, get_session_user

__all__ = ["session"]


def session(request: HttpRequest) -> dict[str, Any]:
    """``{"session_user": ..., "nextauth_session": ...}``, both lazy."""
    # The middleware's attributes are lazy already and share the request's cache;
    # without the middleware the same values are computed on first use.
    user = getattr(request, "session_user", None)
    if user is None:
        user = SimpleLazyObject(partial(get_session_user, request))
    data = getattr(request, "nextauth_session", None)
    if data is None:
        data = SimpleLazyObject(partial(get_server_session, request))
    return {"session_user": user, "nextauth_session": data}
