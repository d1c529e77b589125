"""Ending sessions before they expire: JWT revocation through Django's cache (optionally
backed by the ``django_nextauth.db`` table), and :func:`sign_out_everywhere`.

- :mod:`.rule`: when a session began, and whether that was after a revocation;
- :mod:`.records`: the records (cache, and the store behind it) every token read asks;
- :mod:`.everywhere`: :func:`sign_out_everywhere`, and ending a deactivated user's sessions.
"""

from __future__ import annotations

from .everywhere import asign_out_everywhere, end_sessions_of_inactive_user, sign_out_everywhere
from .records import (
    ABSENT_TTL,
    Revocations,
    RevocationStore,
    RevocationUnavailable,
    revocations,
)
from .rule import began_after, mint_sid, sid_millis

__all__ = [
    "ABSENT_TTL",
    "RevocationStore",
    "RevocationUnavailable",
    "Revocations",
    "asign_out_everywhere",
    "began_after",
    "end_sessions_of_inactive_user",
    "mint_sid",
    "revocations",
    "sid_millis",
    "sign_out_everywhere",
]
