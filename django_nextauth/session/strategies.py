"""Session strategies: where a session lives.

:class:`JwtStrategy` (NextAuth's default) keeps the whole session in an encrypted
token in the session cookie (chunked when long), read as NextAuth's ``getToken``
reads it: the cookie of each accepted family in order, else an ``Authorization:
Bearer`` header. It owns the decrypted-token cache, and asks the revocation cache
(``django_nextauth/revocation/``) about every token it accepts, cache hits included.
:class:`~.database.DatabaseStrategy` (``SESSION["STRATEGY"] = "database"``) keeps it in
a row. Both have the same shape: ``find`` / ``decode`` / ``resolve`` (read),
``issue`` / ``write`` (sign in), ``end`` / ``clear`` (sign out).
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from django.http import HttpRequest, HttpResponseBase

from django_nextauth import jwt
from django_nextauth.conf import nextauth_settings
from django_nextauth.cookies import (
    clear_session_cookie,
    decode_value,
    read_chunked,
    write_session_cookie,
)
from django_nextauth.dialect import Dialect, dialect
from django_nextauth.exceptions import (
    DecryptionFailed,
    InvalidToken,
    TokenExpired,
)
from django_nextauth.logs import log_undecryptable_cookie
from django_nextauth.revocation import mint_sid, revocations

from .carried import AUTH_TIME, SID, Candidate, Claims, Decoded, Incoming
from .shape import Resolved, aresolve, resolve
from .token_cache import CachedToken, DecryptedTokens

__all__ = ["AUTH_TIME", "SID", "Candidate", "Decoded", "Incoming", "JwtStrategy", "strategy"]

logger = logging.getLogger("django_nextauth")


class JwtStrategy:
    """The JWT session strategy for one settings snapshot (see :func:`strategy`)."""

    #: Whether sessions live in a store (no ``jwt`` callback at sign-in, as in NextAuth).
    stores_sessions: bool = False

    def __init__(self) -> None:
        versions = nextauth_settings.DECODE_VERSIONS or [nextauth_settings.VERSION]
        self.dialect = dialect(nextauth_settings.VERSION)  # the family this site writes
        self._candidates = {
            secure: tuple(
                (family, family.cookie("session_token", secure=secure))
                for family in map(dialect, versions)
            )
            for secure in (False, True)
        }
        self._use_secure: bool | None = nextauth_settings.USE_SECURE_COOKIES
        session = nextauth_settings.SESSION
        self.max_age: int = session["MAX_AGE"]
        self.absolute_max_age: int | None = session.get("ABSOLUTE_MAX_AGE")
        self.tokens = DecryptedTokens()
        self.revocations = revocations()
        #: Whether reading a session does I/O (async callers then read it in a thread).
        self.does_io = self.stores_sessions or self.revocations is not None

    def is_secure(self, request: HttpRequest) -> bool:
        """``USE_SECURE_COOKIES`` when set, else whether the request came over https."""
        forced = self._use_secure
        return request.is_secure() if forced is None else bool(forced)

    def candidates(self, secure: bool) -> tuple[Candidate, ...]:
        """Each accepted family with its session cookie name, in priority order."""
        return self._candidates[secure]

    # --- reading ------------------------------------------------------------------------------

    def find(self, request: HttpRequest, candidates: Sequence[Candidate]) -> Incoming:
        """The first session cookie present (chunks joined), else the Bearer token."""
        for candidate in candidates:
            value = read_chunked(request, candidate[1])
            if value is not None:
                return Incoming(value, True, False, (candidate,))
        # NextAuth's getToken reads the Authorization header only when no cookie is present.
        raw = _bearer(request.META.get("HTTP_AUTHORIZATION"))
        return Incoming(raw, False, raw is not None, tuple(candidates))

    def decode(
        self,
        incoming: Incoming,
        *,
        secret: str | Sequence[str] | None = None,
        salt: str | None = None,
    ) -> Decoded | None:
        """The token's claims, or ``None`` when no candidate family accepts it."""
        if not incoming.raw:
            return None
        secrets = _as_tuple(nextauth_settings.secrets if secret is None else secret)
        undecryptable = False
        for family, name in incoming.candidates:
            try:
                claims = self._claims(
                    incoming.raw, secrets, family.salt(name) if salt is None else salt, family
                )
            except DecryptionFailed:
                undecryptable = True
                continue
            except InvalidToken:
                continue
            # Every read, decrypted-token cache hit or not (raises RevocationUnavailable).
            if self.revocations is not None and self.revocations.is_revoked(claims.checked):
                return None
            return Decoded(claims, family, name)
        if undecryptable and incoming.from_cookie:  # silent sign-outs are hard to explain
            log_undecryptable_cookie(incoming.candidates[0][1])
        return None

    def resolve(self, decoded: Decoded, request: HttpRequest | None) -> Resolved:
        """``(token, session)``: the ``jwt`` then the ``session`` callback."""
        return resolve(decoded.claims, decoded.dialect, request)

    async def aresolve(self, decoded: Decoded, request: HttpRequest | None) -> Resolved:
        """Async :meth:`resolve`."""
        return await aresolve(decoded.claims, decoded.dialect, request)

    def _claims(
        self, raw: str, secrets: tuple[str, ...], salt: str, family: Dialect
    ) -> CachedToken:
        version = family.version
        token = self.tokens.get_or_decrypt(
            (raw, secrets, salt, version),
            lambda: jwt.decrypt(raw, secret=secrets, salt=salt, version=version),
        )
        # From here on, every read, cached or not: the clock checked now.
        jwt.check_claims(token.checked)
        if self.absolute_max_age is not None and not self._within_lifetime(token.checked):
            raise TokenExpired("The session is older than SESSION['ABSOLUTE_MAX_AGE'].")
        return token

    def _within_lifetime(self, claims: Mapping[str, Any]) -> bool:
        # A token without a sign-in time cannot prove its age: refused when the limit is on.
        signed_in = claims.get(AUTH_TIME)
        if type(signed_in) not in (int, float):
            return False
        return time.time() < signed_in + self.absolute_max_age  # type: ignore[operator]

    # --- writing ------------------------------------------------------------------------------

    def issue(
        self,
        request: HttpRequest,
        token: Mapping[str, Any],
        *,
        max_age: int | None = None,
        user: Any = None,
        current: Decoded | None = None,
    ) -> Decoded:
        """The session to write for ``token``: fresh ``iat`` / ``exp`` / ``jti`` as
        NextAuth's ``encode`` sets them; ``sid`` and ``auth_time`` kept or set now (the
        ``sid`` a UUIDv7 of the same clock reading: the precise sign-in time revocation
        needs, see ``django_nextauth/revocation/rule.py``)."""
        now_ms = math.floor(time.time() * 1000)
        now = now_ms // 1000
        claims: Claims = dict(token)
        if not (isinstance(claims.get(SID), str) and claims[SID]):
            claims[SID] = mint_sid(now_ms)
        if type(claims.get(AUTH_TIME)) not in (int, float):
            claims[AUTH_TIME] = now
        claims.update(iat=now, exp=self.expiry(claims, now, max_age), jti=str(uuid.uuid4()))
        name = self.dialect.cookie("session_token", secure=self.is_secure(request))
        return Decoded(claims, self.dialect, name)

    def end(self, decoded: Decoded) -> None:
        """Sign-out of the session ``decoded``: revoke its ``sid`` (when revocation is on).
        Raises ``RevocationUnavailable`` when that could not be recorded."""
        sid = decoded.claims.get(SID)
        if self.revocations is not None and isinstance(sid, str) and sid:
            self.revocations.revoke_session(sid)

    def expiry(self, claims: Mapping[str, Any], now: int, max_age: int | None) -> int:
        """``exp`` of a token issued at ``now``: ``now + max_age`` (default ``SESSION["MAX_AGE"]``),
        never past the end of the absolute lifetime."""
        expires = now + (self.max_age if max_age is None else max_age)
        signed_in = claims.get(AUTH_TIME)
        if self.absolute_max_age is not None and type(signed_in) in (int, float):
            expires = min(expires, int(signed_in + self.absolute_max_age))  # type: ignore[operator]
        return expires

    def write(self, response: HttpResponseBase, request: HttpRequest, decoded: Decoded) -> None:
        """Encrypt the claims of :meth:`issue` into the session cookie of this site's family,
        chunked, deleting stale incoming chunks."""
        claims = decoded.claims
        secure = self.is_secure(request)
        name = self.dialect.cookie("session_token", secure=secure)
        token = jwt.encrypt(
            claims,
            secret=nextauth_settings.secrets,
            salt=self.dialect.salt(name),
            version=self.dialect.version,
        )
        expires = datetime.fromtimestamp(claims["exp"], tz=timezone.utc)
        write_session_cookie(
            response,
            request,
            name,
            token,
            secure=secure,
            expires=expires,
            chunk_size=self.dialect.chunk_size,
        )

    def clear(
        self, response: HttpResponseBase, request: HttpRequest, names: Sequence[str] | None = None
    ) -> None:
        """Delete every incoming chunk of the session cookies ``names`` (default: every family)."""
        secure = self.is_secure(request)
        if names is None:
            names = [name for _family, name in self.candidates(secure)]
        for name in names:
            clear_session_cookie(response, request, name, secure=secure)


def strategy() -> JwtStrategy:
    """The session strategy of the current settings (a new one, and an empty cache, when
    they change)."""
    return nextauth_settings.cached("session_strategy", _make_strategy)


def _make_strategy() -> JwtStrategy:
    if nextauth_settings.SESSION.get("STRATEGY", "jwt") == "database":
        from .database import DatabaseStrategy

        return DatabaseStrategy()
    return JwtStrategy()


def _as_tuple(secret: str | Sequence[str]) -> tuple[str, ...]:
    return (secret,) if isinstance(secret, str) else tuple(secret)


def _bearer(header: str | None) -> str | None:
    if not header:
        return None
    parts = header.split(" ")
    if parts[0] != "Bearer" or len(parts) < 2 or not parts[1]:
        return None
    token = decode_value(parts[1])
    # decode_value keeps a malformed escape as it is, where decodeURIComponent throws: no token.
    return None if "%" in parts[1] and token == parts[1] else token
