"""What a request carries, as the session strategies hand it up: the incoming token
(:class:`Incoming`) and a usable session (:class:`Decoded`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from django_nextauth.dialect import Dialect
from django_nextauth.lazy import memo
from django_nextauth.users import SessionUser

from .shape import Claims, default_session_user
from .token_cache import CachedToken

__all__ = ["Candidate", "Decoded", "Incoming"]

Candidate = tuple[Dialect, str]  # a cookie dialect and its session cookie name


class Incoming(NamedTuple):
    """The session token a request carries (``raw`` is ``None``: none), and where it came from.

    A named tuple, not a frozen dataclass: built on every request that reads the session,
    and a frozen dataclass's ``__init__`` costs four ``object.__setattr__`` calls."""

    raw: str | None
    from_cookie: bool
    from_bearer: bool
    #: The dialects the token may belong to, tried in order (one, when it came in a cookie).
    candidates: tuple[Candidate, ...]


class Decoded:
    """A usable session: its claims and the dialect that decoded it; for a database session
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

    @memo  # a Decoded is one request's: no lock needed (lazy.py)
    def claims(self) -> Claims:
        """The claims, a new dict owned by this request."""
        token = self._token
        return token.claims if isinstance(token, CachedToken) else token

    def claim(self, name: str) -> Any:
        """One claim's value (``None``: absent), without copying the claims."""
        if "claims" in self.__dict__:
            return self.__dict__["claims"].get(name)
        token = self._token
        return (token.checked if isinstance(token, CachedToken) else token).get(name)

    def default_user(self) -> SessionUser:
        """The session user under NextAuth's default callbacks."""
        token = self._token
        if isinstance(token, CachedToken):
            return token.default_user(default_session_user)
        return default_session_user(self.claims)
