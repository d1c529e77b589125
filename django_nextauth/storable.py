"""What the database can store, checked where input enters, before any query.

PostgreSQL refuses a NUL character in text (psycopg raises ``ValueError``, even in a
``WHERE``); no driver can encode a lone surrogate (a JSON body or an IdP's JSON may hold
``"\\ud800"``); a value longer than its column fails on PostgreSQL and strict MariaDB and
is kept whole on SQLite. So the sign-in flows check request values and IdP claims here
and refuse what fails, with their usual error answer, instead of letting the database
raise a 500. The limits are those of ``django_nextauth.db``'s models and Django's
user model, and hold for any adapter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "ACCOUNT_LIMITS",
    "MAX_ACCOUNT_ID",
    "MAX_EMAIL",
    "PROFILE_LIMITS",
    "storable",
    "unstorable_keys",
]

#: An e-mail address: RFC 5321's limit, ``EmailField``'s default ``max_length`` (Django's
#: user model) and within ``VerificationToken.identifier`` (255).
MAX_EMAIL = 254
#: ``Account.provider_account_id``; OpenID Connect Core §5.1 caps ``sub`` at 255 too.
MAX_ACCOUNT_ID = 255
#: What a text column of any database refuses (PostgreSQL: NUL; every driver: surrogates).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
#: ``Account.expires_at`` is a signed 64-bit integer.
_BIGINT = range(-(2**63), 2**63)

#: The OAuth user (the mapped profile) keys the adapter stores -> their length limit
#: (``None``: text; Django's user model keeps names in 150-character fields the ORM
#: adapter cuts names to).
PROFILE_LIMITS: Mapping[str, int | None] = {
    "id": MAX_ACCOUNT_ID,
    "email": MAX_EMAIL,
    "name": None,
    "image": None,
}
#: The account keys ``Account`` stores -> the length of their column (``None``: text).
ACCOUNT_LIMITS: Mapping[str, int | None] = {
    "provider": 64,
    "type": 32,
    "providerAccountId": MAX_ACCOUNT_ID,
    "access_token": None,
    "refresh_token": None,
    "id_token": None,
    "scope": None,
    "token_type": 64,
    "session_state": None,
}


def storable(value: object, max_length: int | None = None) -> bool:
    """Whether ``value`` is a string every supported database stores as it is."""
    return (
        isinstance(value, str)
        and (max_length is None or len(value) <= max_length)
        and _UNSTORABLE.search(value) is None
    )


def unstorable_keys(data: Mapping[str, Any], limits: Mapping[str, int | None]) -> list[str]:
    """The keys of ``limits`` whose string value in ``data`` cannot be stored (the keys
    only: the values may be personal or secret). Non-string values are the adapter's to
    skip or convert; ``expires_at`` must fit a 64-bit column."""
    bad = [
        key
        for key, limit in limits.items()
        if isinstance(data.get(key), str) and not storable(data[key], limit)
    ]
    expires_at = data.get("expires_at")
    if isinstance(expires_at, int) and expires_at not in _BIGINT:
        bad.append("expires_at")
    return bad
