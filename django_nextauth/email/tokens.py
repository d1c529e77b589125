"""Verification tokens: made, hashed for storage, and put in the link.

The link carries the token; the database keeps only ``sha256hex(token + secret)``
(NextAuth's ``hashToken``), so a leaked table signs nobody in. The secret is used
as each version does for the CSRF hash (``dialect.csrf_joins_secrets``): v5
comma-joins the list (``${secret}`` of a JavaScript array); v4 hashes with the
first secret, and older ones are still tried on the way back, so rotating the
secret does not void the links already sent.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from urllib.parse import quote_plus

from django_nextauth.conf import nextauth_settings
from django_nextauth.dialect import Dialect
from django_nextauth.storable import MAX_EMAIL, storable

__all__ = ["generate_token", "hash_token", "link_is_storable", "search_params", "token_secrets"]


def generate_token() -> str:
    """32 random bytes as 64 hex digits, as NextAuth makes them."""
    return secrets.token_hex(32)


def hash_token(token: str, secret: str) -> str:
    """``sha256hex(token + secret)``: what the verification-token table stores."""
    return hashlib.sha256(f"{token}{secret}".encode()).hexdigest()


def link_is_storable(token: object, identifier: object) -> bool:
    """Whether a link's ``token`` and ``email`` (when present) can be hashed and looked up:
    a value with NUL, a lone surrogate or an address over 254 characters is no link this
    site sent, and is refused before any query (``django_nextauth/storable.py``)."""
    token_ok = token is None or storable(token)
    return token_ok and (identifier is None or storable(identifier, MAX_EMAIL))


def token_secrets(rules: Dialect) -> tuple[str, ...]:
    """The secrets a token hash may have been made with, the one to hash with first."""
    configured = tuple(nextauth_settings.secrets)
    if rules.csrf_joins_secrets:
        return (",".join(configured),)
    return configured


def search_params(params: Mapping[str, str]) -> str:
    """``new URLSearchParams(params).toString()``: form encoding, ``*`` kept, ``~`` escaped."""
    return "&".join(f"{_form(key)}={_form(value)}" for key, value in params.items())


def _form(text: str) -> str:
    # The WHATWG form-urlencoded set leaves * - . _ and alphanumerics alone.
    return quote_plus(text, safe="*").replace("~", "%7E")
