"""When did a session begin, and did it begin after a revocation?

Revocation times are recorded in milliseconds, rounded up. A token's ``auth_time`` is whole
seconds (a JWT NumericDate, as NextAuth writes it), so a sign-in at ``auth_time = A``
happened somewhere in ``[A, A + 1)``. The rule: a token outlives a revocation recorded at
``R`` only when its earliest possible sign-in time is later than ``R``. That earliest time
is ``A`` itself, unless the token's ``sid`` is a UUIDv7 (RFC 9562: 48 bits of Unix
milliseconds; :func:`mint_sid`, which ``JwtStrategy.issue`` calls with the same clock
reading it takes ``auth_time`` from) whose millisecond lies in second ``A``: then that
millisecond.

So a session begun before a revocation, in the same second included, is refused (its
earliest time is at most ``R``); one that Django began after it is accepted, even in the
same second (from the next millisecond on); a same-second sign-in that carries no precise
time (a token Next.js minted with a random ``sid``) is refused: with only ``A`` to go on,
refusing is the one answer that cannot let in a session begun before. A token with no
``auth_time`` cannot show when it began and is refused whenever its user has a revocation
on record, so re-issuing a stolen copy (next-auth gives it a fresh ``iat`` on every read)
does not bring it back. A time recorded in whole seconds (by an earlier version) counts as
the last millisecond of that second. Clocks: the servers that sign in and revoke must agree
(NTP); a server whose clock runs ahead issues sign-in times that look later than they are.
"""

from __future__ import annotations

import math
import secrets
import uuid
from collections.abc import Mapping
from typing import Any

__all__ = ["began_after", "mint_sid", "sid_millis"]

#: Stored times below this are seconds (written before times were milliseconds).
_MILLIS_SINCE = 10**11


def mint_sid(now_ms: int) -> str:
    """A new ``sid``: a UUIDv7 (RFC 9562), 48 bits of Unix milliseconds then 74 random bits."""
    rand = int.from_bytes(secrets.token_bytes(10), "big")
    value = (
        (now_ms & (1 << 48) - 1) << 80
        | 0x7 << 76
        | (rand >> 62 & 0xFFF) << 64
        | 0b10 << 62
        | rand & (1 << 62) - 1
    )
    return str(uuid.UUID(int=value))


def sid_millis(sid: Any) -> int | None:
    """The millisecond a UUIDv7 ``sid`` was minted at, else ``None``."""
    if not isinstance(sid, str) or len(sid) != 36:
        return None
    try:
        parsed = uuid.UUID(sid)
    except ValueError:
        return None
    return parsed.int >> 80 if parsed.version == 7 else None


def began_after(claims: Mapping[str, Any], revoked_ms: int) -> bool:
    """Whether the session of ``claims`` provably began after a revocation recorded at
    ``revoked_ms`` (the rule of the module docstring)."""
    signed_in = claims.get("auth_time")
    if not isinstance(signed_in, (int, float)) or isinstance(signed_in, bool):
        return False  # no sign-in time: it cannot show it began later
    if not math.isfinite(signed_in):
        return False
    earliest: float = signed_in * 1000
    precise = sid_millis(claims.get("sid"))
    if precise is not None and precise // 1000 == math.floor(signed_in):
        earliest = precise
    if revoked_ms < _MILLIS_SINCE:
        revoked_ms = revoked_ms * 1000 + 999
    return earliest > revoked_ms
