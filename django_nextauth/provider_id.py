"""What a provider id may be: the one rule every provider type validates ids with.

An id is a URL path segment (``/signin/<id>``, ``/callback/<id>``) and part of the OAuth
check cookies, so it is URL-safe: 1-64 letters, digits, ``-`` or ``_``, starting with a
letter or digit.
"""

from __future__ import annotations

import re

from .exceptions import ConfigurationError

__all__ = ["PROVIDER_ID", "check_provider_id"]

PROVIDER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def check_provider_id(value: object, where: str) -> str:
    """``value`` when it is a valid provider id; else :class:`ConfigurationError` naming
    ``where`` (the setting's path, e.g. ``NEXTAUTH['PROVIDERS'][0]['id']``)."""
    if not isinstance(value, str) or not PROVIDER_ID.fullmatch(value):
        raise ConfigurationError(
            f"{where} must be URL-safe: 1-64 letters, digits, '-' or '_', not starting "
            "with '-' or '_'."
        )
    return value
