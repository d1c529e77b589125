"""The ``/api/auth/*`` REST API that NextAuth's client speaks (PROTOCOL §4).

Mount it with ``path("api/auth/", include("django_nextauth.urls"))``.
"""

from __future__ import annotations

from .api import csrf, log, not_found, providers, session
from .pages import error
from .signin import callback, signin
from .signout import signout

__all__ = [
    "callback",
    "csrf",
    "error",
    "log",
    "not_found",
    "providers",
    "session",
    "signin",
    "signout",
]
