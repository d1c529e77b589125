"""The ``/api/auth/*`` REST API that NextAuth's client speaks (``docs/protocol.md`` §4).

Mount it with ``path("api/auth/", include("django_nextauth.urls"))``. Each route is
an :class:`~django_nextauth.views.base.AuthView` subclass; the names below are
their view callables, for URLconfs that mount single routes.
"""

from __future__ import annotations

from .api import CsrfView, LogView, ProvidersView, SessionView, not_found
from .base import AuthView
from .pages import ErrorView
from .signin import CallbackView, SigninView
from .signout import SignoutView

__all__ = [
    "AuthView",
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

csrf = CsrfView.as_view()
providers = ProvidersView.as_view()
session = SessionView.as_view()
log = LogView.as_view()
signin = SigninView.as_view()
callback = CallbackView.as_view()
signout = SignoutView.as_view()
error = ErrorView.as_view()
