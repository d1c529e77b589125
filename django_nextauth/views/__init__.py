"""The ``/api/auth/*`` REST API that NextAuth's client speaks (``../shared/PROTOCOL.md`` §4).

Mount it with ``path("api/auth/", include("django_nextauth.urls"))``. Each route is
an :class:`~django_nextauth.views.base.AuthView` subclass; ``views.csrf``,
``views.session``, ... are their view callables, for URLconfs that mount single
routes. They are built on first access, so importing a submodule (as the
providers do with ``views.context``) does not import every view.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

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

_VIEWS = {
    "csrf": ("api", "CsrfView"),
    "providers": ("api", "ProvidersView"),
    "session": ("api", "SessionView"),
    "log": ("api", "LogView"),
    "signin": ("signin", "SigninView"),
    "callback": ("signin", "CallbackView"),
    "signout": ("signout", "SignoutView"),
    "error": ("pages", "ErrorView"),
}


def __getattr__(name: str) -> Any:
    if name == "not_found":
        return import_module(f"{__name__}.api").not_found
    if name not in _VIEWS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, cls = _VIEWS[name]
    view = getattr(import_module(f"{__name__}.{module}"), cls).as_view()
    globals()[name] = view
    return view
