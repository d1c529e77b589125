"""What a request carries, as the session strategies hand it up: the incoming token
(:class:`Incoming`) and a usable session (:class:`Decoded`), plus the claim names that
:mod:`.strategies` keeps across re-issues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from django_nextauth.dialect import Dialect
from django_nextauth.users import SessionUser

from .shape import default_user
from .token_cache import CachedToken

__all__ = ["AUTH_TIME", "SID", "Candidate", "Claims", "Decoded", "Incoming"]

Claims = dict[str, Any]
Candidate = tuple[Dialect, str]  # a cookie family and its session cookie name
#: The claim that keeps the sign-in time (seconds) across re-issues, as OpenID Connect names it.
AUTH_TIME = "auth_time"
#: The stable session id claim: set at sign-in, kept when the token is re-issued.
SID = "sid"


@dataclass(frozen=True)
class Incoming:
    """The session token a request carries (``raw`` is ``None``: none), and where it came from."""

    raw: str | None
    from_cookie: bool
    from_bearer: bool
    #: The families the token may belong to, tried in order (one, when it came in a cookie).
    candidates: tuple[Candidate, ...]


class Decoded:
    """A usable session: its claims and the family that decoded it; for a database session
    also the cookie's session token (``raw``), the row, its user and the cookie's expiry."""

    def __init__(
        self,
        token: CachedToken | Claims,
        dialect: Dialect,
        name: str,
        *,
        raw: str | None = None,
        record: Any = None,
        user: Any = None,
        expires: datetime | None = None,
    ) -> None:
        self._token = token
        self.dialect = dialect
        self.name = name
        self.raw, self.record, self.user, self.expires = raw, record, user, expires

    @cached_property
    def claims(self) -> Claims:
        """The claims, a new dict owned by this request."""
        token = self._token
        return token.claims if isinstance(token, CachedToken) else token

    def default_user(self) -> SessionUser:
        """The session user under NextAuth's default callbacks."""
        token = self._token
        if isinstance(token, CachedToken):
            return token.default_user(_default_session_user)
        return _default_session_user(self.claims)


def _default_session_user(claims: Claims) -> SessionUser:
    return SessionUser(default_user(claims), sub=claims.get("sub"))
