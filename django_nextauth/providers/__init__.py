"""Sign-in providers from ``NEXTAUTH["PROVIDERS"]``: one module per provider type.

:class:`Provider` (``base.py``) is what the auth views talk to; the registry
(``registry.py``) builds providers from the setting; ``credentials.py`` is
NextAuth's ``CredentialsProvider``.
"""

from __future__ import annotations

from .authorize import Authorize, default_authorize, run_authorize
from .base import Provider
from .credentials import CredentialsProvider
from .registry import (
    get_provider,
    get_providers,
    load_providers,
    provider_types,
    register_provider_type,
)

__all__ = [
    "Authorize",
    "CredentialsProvider",
    "Provider",
    "default_authorize",
    "get_provider",
    "get_providers",
    "load_providers",
    "provider_types",
    "register_provider_type",
    "run_authorize",
]
