"""The JWT session strategy (NextAuth's default, ``SESSION["STRATEGY"] = "jwt"``).

The whole session is an encrypted token in the session cookie (chunked when long),
read as NextAuth's ``getToken`` reads it: the cookie of each accepted dialect in order,
else an ``Authorization: Bearer`` header. This strategy owns the decrypted-token cache
(:mod:`.token_cache`) and asks the revocation cache (``django_nextauth/revocation/``)
about every token it accepts, cache hits included. A read runs the ``jwt`` then the
``session`` callback; so does a sign-in (``jwt`` with ``trigger="signIn"``) and
``update()`` (``trigger="update"``).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponseBase

from django_nextauth import jwt
from django_nextauth.callbacks import (
    arun_jwt,
    arun_session,
    is_default,
    run_jwt,
    run_session,
)
from django_nextauth.conf import nextauth_settings
from django_nextauth.cookies import decode_value
from django_nextauth.dialect import Dialect
from django_nextauth.exceptions import DecryptionFailed, InvalidToken, TokenExpired
from django_nextauth.logs import log_undecryptable_cookie
from django_nextauth.revocation import mint_sid, revocations
from django_nextauth.session_cookie import write_session_cookie
from django_nextauth.users import ANONYMOUS, AnonymousSessionUser, SessionUser

from .base import CallbackFailed, SessionStrategy, UnstorableToken, first_cookie
from .carried import Candidate, Decoded, Incoming
from .shape import AUTH_TIME, SID, Claims, Resolved, default_session, default_session_user
from .token_cache import CachedToken, DecryptedTokens

if TYPE_CHECKING:
    from .state import SessionState

__all__ = ["JwtStrategy"]


class JwtStrategy(SessionStrategy):
    """Sessions as encrypted tokens in the cookie (or a Bearer header)."""

    reads_bearer = True

    def __init__(self) -> None:
        super().__init__()
        self.tokens = DecryptedTokens()
        self.revocations = revocations()
        self.does_io = self.revocations is not None

    # --- reading ------------------------------------------------------------------------------

    def find(self, request: HttpRequest, candidates: Sequence[Candidate]) -> Incoming:
        """The first session cookie present (chunks joined), else the Bearer token."""
        found = self.find_cookie(request, candidates)
        if found is not None:
            return found
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
        """The token's claims, or ``None`` when no candidate dialect accepts it."""
        if not incoming.raw:
            return None
        secrets = self._secrets if secret is None else _as_tuple(secret)
        undecryptable = False
        for each, name in incoming.candidates:
            try:
                claims = self._claims(
                    incoming.raw, secrets, each.salt(name) if salt is None else salt, each
                )
            except DecryptionFailed:
                undecryptable = True
                continue
            except InvalidToken:
                continue
            # Every read, decrypted-token cache hit or not (raises RevocationUnavailable).
            if self.revocations is not None and self.revocations.is_revoked(claims.checked):
                return None
            return Decoded(claims, each, name)
        if undecryptable and incoming.from_cookie:  # silent sign-outs are hard to explain
            log_undecryptable_cookie(incoming.candidates[0][1])
        return None

    def direct_user(self, request: HttpRequest) -> SessionUser | AnonymousSessionUser | None:
        """The session user, read without a per-request state when the token alone decides it
        (:attr:`reads_directly`): the first session cookie decoded with :meth:`decode`'s
        checks (``_claims``), the state's own user object. No session cookie and no
        ``Authorization`` header: the anonymous user. ``None`` otherwise (the state reads
        it, logs, deletes). A speed trick: docs/architecture.md, tests/test_direct_read.py.
        """
        if not self.reads_its_own_way:
            return None
        found = first_cookie(request, self.candidates(self.is_secure(request)))
        if found is None:  # signed out, unless a Bearer header may carry a token
            return None if "HTTP_AUTHORIZATION" in request.META else ANONYMOUS
        (dialect, name), raw = found
        if not raw or not self.reads_directly:
            return None
        try:
            token = self._claims(raw, self._secrets, dialect.salt(name), dialect)
        except InvalidToken:
            return None
        return token.default_user(default_session_user)

    @cached_property
    def reads_its_own_way(self) -> bool:
        """Whether :meth:`find` and :meth:`decode` are :class:`JwtStrategy`'s: a subclass
        that finds or decodes its own way is never read by :meth:`direct_user`."""
        cls = type(self)
        return cls.find is JwtStrategy.find and cls.decode is JwtStrategy.decode

    @cached_property
    def reads_directly(self) -> bool:
        """Whether :meth:`direct_user` may answer for a cookie: the default callbacks, no
        revocation, no sliding renewal."""
        return self.defaults_only and self.revocations is None and self.renew_after is None

    @cached_property
    def _secrets(self) -> tuple[str, ...]:
        # The settings' secrets, kept on this strategy (one per settings snapshot: a
        # setting_changed builds a new one), not re-read and re-tupled on every decode.
        # Resolved on first use, not in __init__: a missing secret raises here, per read.
        return _as_tuple(nextauth_settings.secrets)

    def _claims(
        self, raw: str, secrets: tuple[str, ...], salt: str, dialect: Dialect
    ) -> CachedToken:
        version = dialect.version
        key = (raw, secrets, salt, version)
        token = self.tokens.get(key)
        if token is None:
            token = self.tokens.add(
                key, jwt.decrypt(raw, secret=secrets, salt=salt, version=version)
            )
        # From here on, every read, cached or not: the clock checked now (the claims' types
        # were checked once, when the token was cached).
        jwt.check_times(token.exp, token.nbf)
        if self.absolute_max_age is not None and not self._within_lifetime(token.auth_time):
            raise TokenExpired("The session is older than SESSION['ABSOLUTE_MAX_AGE'].")
        return token

    def _within_lifetime(self, signed_in: float | None) -> bool:
        # A token without a sign-in time cannot prove its age: refused when the limit is on.
        if signed_in is None:
            return False
        return time.time() < signed_in + self.absolute_max_age  # type: ignore[operator]

    def resolve(self, decoded: Decoded, request: HttpRequest | None) -> Resolved:
        """``(token, session)``: the ``jwt`` then the ``session`` callback. The session is
        built from the decoded claims (v4) or the ``jwt`` callback's result (v5), as each
        NextAuth does."""
        claims = decoded.claims
        if self.defaults_only:
            return claims, default_session(claims)
        token = claims if is_default("jwt") else run_jwt(token=claims, request=request)
        if token is None:
            return None, None
        session = default_session(token if decoded.dialect.session_from_jwt_result else claims)
        if is_default("session"):
            return token, session
        return token, run_session(session=session, token=token, request=request)

    async def aresolve(self, decoded: Decoded, request: HttpRequest | None) -> Resolved:
        """Async :meth:`resolve`: async callbacks are awaited, sync ones run off the event loop."""
        claims = decoded.claims
        if self.defaults_only:
            return claims, default_session(claims)
        token = await arun_jwt(token=claims, request=request)
        if token is None:
            return None, None
        source = token if decoded.dialect.session_from_jwt_result else claims
        session = await arun_session(session=default_session(source), token=token, request=request)
        return token, session

    def stable_name(self, decoded: Decoded, raw: str) -> str:
        """Its ``sid`` (kept across re-issues); a token without one (NextAuth's) by itself."""
        sid = decoded.claims.get(SID)
        return "sid:" + sid if isinstance(sid, str) and sid else "token:" + raw

    # --- writing ------------------------------------------------------------------------------

    def issue(
        self,
        request: HttpRequest,
        token: Mapping[str, Any],
        *,
        max_age: int | None = None,
        user: Any = None,
        current: Callable[[], Decoded | None] | None = None,
    ) -> Decoded:
        """The session to write for ``token``: fresh ``iat`` / ``exp`` / ``jti`` as
        NextAuth's ``encode`` sets them; ``sid`` and ``auth_time`` kept or set now (the
        ``sid`` a UUIDv7 of the same clock reading: the precise sign-in time revocation
        needs, see ``django_nextauth/revocation/rule.py``). The current session is not
        looked at: a token replaces it whole."""
        now_ms = math.floor(time.time() * 1000)
        now = now_ms // 1000
        claims: Claims = dict(token)
        if not (isinstance(claims.get(SID), str) and claims[SID]):
            claims[SID] = mint_sid(now_ms)
        if type(claims.get(AUTH_TIME)) not in (int, float):
            claims[AUTH_TIME] = now
        claims.update(iat=now, exp=self.expiry(claims, now, max_age), jti=jwt.new_jti())
        name = self.dialect.cookie("session_token", secure=self.is_secure(request))
        return Decoded(claims, self.dialect, name)

    def sign_in(
        self,
        state: SessionState,
        token: Claims,
        *,
        user: Any,
        account: Mapping[str, Any] | None,
        profile: Mapping[str, Any] | None,
        is_new_user: bool,
        max_age: int | None = None,
    ) -> Claims | None:
        """The ``jwt`` callback (``trigger`` ``"signUp"`` for a new user, else ``"signIn"``)
        decides the token; ``None``: it refused, nothing is stored."""
        try:
            stored = run_jwt(
                token=token,
                user=user,
                account=account,
                profile=profile,
                trigger="signUp" if is_new_user else "signIn",
                is_new_user=is_new_user,
                request=state.request,
            )
        except Exception as exc:  # user code
            raise CallbackFailed("The jwt callback raised.") from exc
        if stored is None:
            return None
        if not _storable(stored):
            raise UnstorableToken("The jwt callback returned a token that cannot be stored.")
        state.login(stored, max_age=max_age)
        return stored

    def update(
        self, state: SessionState, token: Claims, data: Any
    ) -> tuple[Claims | None, dict[str, Any] | None]:
        """The ``jwt`` callback with ``trigger="update"`` and ``session=data``, then the session."""
        stored = run_jwt(token=token, trigger="update", session=data, request=state.request)
        return stored, None if stored is None else state.build_session(stored)

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
        """Encrypt the claims of :meth:`issue` into the session cookie of this site's dialect,
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


def _storable(token: object) -> bool:
    """Whether ``token`` can become a JWT payload (a JSON object)."""
    if not isinstance(token, Mapping):
        return False
    try:
        json.dumps(token, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


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
