"""django-nextauth: the NextAuth.js / Auth.js session model for Django.

The public API is re-exported here lazily, so that ``django_nextauth.jwt``
stays importable without configuring Django.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    # Reading the session (NextAuth's getToken / getServerSession / useSession).
    "get_token": "session",
    "aget_token": "session",
    "get_server_session": "session",
    "aget_server_session": "session",
    "get_session_user": "session",
    "aget_session_user": "session",
    # Writing it (like django.contrib.auth.login / logout; the middleware writes the cookie).
    "login": "session",
    "alogin": "session",
    "logout": "session",
    "alogout": "session",
    # Django's authenticate() for authorize hooks, leaving the failure signal to the view.
    "authenticate": "providers.authorize",
    # Protecting views.
    "login_required_session": "decorators",
    "LoginRequiredSessionMixin": "decorators",
    # Ending sessions server-side, and the store behind database sessions.
    "sign_out_everywhere": "revocation",
    "asign_out_everywhere": "revocation",
    "get_adapter": "adapters",
    # The exception tree.
    "NextAuthError": "exceptions",
    "ConfigurationError": "exceptions",
    "MissingSecret": "exceptions",
    "InvalidToken": "exceptions",
    "MalformedToken": "exceptions",
    "DecryptionFailed": "exceptions",
    "TokenExpired": "exceptions",
    "ClaimInvalid": "exceptions",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'django_nextauth' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
