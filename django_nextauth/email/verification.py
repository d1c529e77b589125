"""Verification tokens: made, hashed for storage, put in the link and read back from it.

The link carries the token; the database keeps only ``sha256hex(token + secret)``
(NextAuth's ``hashToken``), so a leaked table signs nobody in. The secret is used
as each version does for the CSRF hash (``dialect.csrf_joins_secrets``): v5
comma-joins the list (``${secret}`` of a JavaScript array); v4 hashes with the
first secret, and older ones are still tried on the way back, so rotating the
secret does not void the links already sent.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from urllib.parse import quote_plus

from django_nextauth.conf import nextauth_settings
from django_nextauth.dialect import Dialect
from django_nextauth.errors import ErrorCode
from django_nextauth.storable import MAX_EMAIL, storable

__all__ = [
    "generate_token",
    "hash_verification_token",
    "read_link",
    "search_params",
    "token_secrets",
]

#: Longest token a link may carry: ours are 64 hex digits; a custom ``generate_token`` gets
#: room to spare. An address is at most ``storable.MAX_EMAIL``.
MAX_TOKEN = 512
# Control characters never belong in either; lone surrogates (possible in a JSON body)
# cannot be hashed or stored.
_UNUSABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def generate_token() -> str:
    """32 random bytes as 64 hex digits, as NextAuth makes them."""
    return secrets.token_hex(32)


def hash_verification_token(token: str, secret: str) -> str:
    """``sha256hex(token + secret)``: what the verification-token table stores."""
    return hashlib.sha256(f"{token}{secret}".encode()).hexdigest()


def token_secrets(dialect: Dialect) -> tuple[str, ...]:
    """The secrets a token hash may have been made with, the one to hash with first."""
    configured = tuple(nextauth_settings.secrets)
    if dialect.csrf_joins_secrets:
        return (",".join(configured),)
    return configured


def search_params(params: Mapping[str, str]) -> str:
    """``new URLSearchParams(params).toString()``: form encoding, ``*`` kept, ``~`` escaped."""
    return "&".join(f"{_form(key)}={_form(value)}" for key, value in params.items())


def _form(text: str) -> str:
    # The WHATWG form-urlencoded set leaves * - . _ and alphanumerics alone.
    return quote_plus(text, safe="*").replace("~", "%7E")


def read_link(fields: Mapping[str, object]) -> tuple[str, str] | ErrorCode:
    """``(token, identifier)`` from a link's query or its confirmation form, else the code to
    refuse it with: no token is NextAuth's ``Configuration``, anything else unusable
    ``Verification``. Looks nothing up."""
    token, identifier = fields.get("token"), fields.get("email")
    if not token:
        return ErrorCode.CONFIGURATION
    if not (isinstance(token, str) and isinstance(identifier, str) and identifier):
        return ErrorCode.VERIFICATION
    if not (storable(token, MAX_TOKEN) and storable(identifier, MAX_EMAIL)):
        return ErrorCode.VERIFICATION  # what no database stores: refused before any query
    if _UNUSABLE.search(token) or _UNUSABLE.search(identifier):
        return ErrorCode.VERIFICATION
    return token, identifier
