"""django-nextauth: the NextAuth.js / Auth.js session model for Django.

The public API is re-exported here lazily, so that ``django_nextauth.jwt``
stays importable without configuring Django.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "get_token": "session",
    "aget_token": "session",
    "get_server_session": "session",
    "aget_server_session": "session",
    "login_required_session": "decorators",
    "LoginRequiredSessionMixin": "decorators",
    "sign_out_everywhere": "revocation",
    "asign_out_everywhere": "revocation",
    "get_adapter": "adapters",
    "NextAuthError": "exceptions",
    "InvalidToken": "exceptions",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'django_nextauth' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
