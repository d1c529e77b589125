"""The database session strategy (``NEXTAUTH["SESSION"]["STRATEGY"] = "database"``).

As NextAuth's (``docs/protocol-providers.md`` §3.3): the session cookie, with the
JWT strategy's name and attributes and never chunked, holds an opaque random session
token (a UUID); the adapter keeps the session (the ORM adapter: its SHA-256) with the
user. A read is one adapter call, ``get_session_and_user`` (one query, user joined);
an expired row is deleted and the cookie cleared; a renewal (``GET /session``, or the
middleware with ``SESSION["SLIDING"]``) moves the row's expiry only when
``SESSION["UPDATE_AGE"]`` has passed since the last move, and re-sets the cookie.
No ``jwt`` callback runs; the ``session`` callback gets ``user=`` the stored user.
Unlike NextAuth, credentials sign-ins get database sessions too.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from django_nextauth.adapters import Adapter, require_adapter
from django_nextauth.callbacks import arun_session, defaults_only, run_session, user_to_token
from django_nextauth.conf import nextauth_settings
from django_nextauth.cookies import read_chunked, write_session_cookie
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.identity import is_active

from .shape import Resolved, stored_session
from .strategies import AUTH_TIME, SID, Candidate, Decoded, Incoming, JwtStrategy

__all__ = ["DatabaseStrategy"]

#: Longer than any token we issue (a UUID): such a cookie is not looked up.
_MAX_TOKEN = 128


class DatabaseStrategy(JwtStrategy):
    """Sessions as adapter rows; the cookie handling (names, families, deletion) is the JWT
    strategy's."""

    stores_sessions = True

    def __init__(self) -> None:
        super().__init__()
        self.adapter: Adapter = require_adapter("NEXTAUTH['SESSION']['STRATEGY'] = 'database'")
        self.update_age: int = nextauth_settings.SESSION["UPDATE_AGE"]

    # --- reading ------------------------------------------------------------------------------

    def find(self, request: HttpRequest, candidates: Sequence[Candidate]) -> Incoming:
        """The first session cookie present; never a Bearer header (as NextAuth's route)."""
        for candidate in candidates:
            value = read_chunked(request, candidate[1])
            if value is not None:
                return Incoming(value, True, False, (candidate,))
        return Incoming(None, False, False, tuple(candidates))

    def decode(
        self,
        incoming: Incoming,
        *,
        secret: str | Sequence[str] | None = None,
        salt: str | None = None,
    ) -> Decoded | None:
        """The stored session and user; an expired one is deleted (then ``None``)."""
        raw = incoming.raw
        if not raw or len(raw) > _MAX_TOKEN:
            return None
        found = self.adapter.get_session_and_user(raw)
        if found is None:
            return None
        record, user = found
        if not self._alive(record, user):
            self.adapter.delete_session(raw)
            return None
        family, name = incoming.candidates[0]
        claims = self._stored_claims(record, user)
        return Decoded(claims, family, name, raw=raw, record=record, user=user)

    def _alive(self, record: Any, user: Any) -> bool:
        now = timezone.now()
        if record.expires <= now or not is_active(user):
            return False
        limit = self.absolute_max_age
        return limit is None or now < record.created + timedelta(seconds=limit)

    def _stored_claims(self, record: Any, user: Any) -> dict[str, Any]:
        """What ``request.session_token`` shows: the user's token fields, the session id
        (``sid``), when it began (``auth_time``), was last renewed (``iat``), and ends
        (``exp``)."""
        expires = int(record.expires.timestamp())
        return {
            **user_to_token(user),
            SID: str(record.pk),
            AUTH_TIME: int(record.created.timestamp()),
            "iat": expires - self.max_age,
            "exp": expires,
        }

    def resolve(self, decoded: Decoded, request: HttpRequest | None) -> Resolved:
        """``(claims, session)``: no ``jwt`` callback; the ``session`` callback gets ``user=``."""
        session = stored_session(decoded.claims, decoded.record.expires.timestamp())
        if defaults_only():
            return decoded.claims, session
        token = decoded.claims
        return token, run_session(session=session, token=token, request=request, user=decoded.user)

    async def aresolve(self, decoded: Decoded, request: HttpRequest | None) -> Resolved:
        """Async :meth:`resolve`."""
        session = stored_session(decoded.claims, decoded.record.expires.timestamp())
        if defaults_only():
            return decoded.claims, session
        token = decoded.claims
        session = await arun_session(
            session=session, token=token, request=request, user=decoded.user
        )
        return token, session

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
        """Renew ``current`` when ``token`` names it (its ``sid``), else store a new session for
        ``user`` (default: the stored user whose id is ``token["sub"]``), ending ``current``."""
        lifetime = self.max_age if max_age is None else max_age
        now = timezone.now()
        if current is not None and current.record is not None:
            if token.get(SID) == current.claims.get(SID):
                return self._renew(current, now, lifetime)
            self.end(current)  # a new sign-in replaces the session this browser had
        if user is None or isinstance(user, Mapping):
            user = self.adapter.get_user(str(token.get("sub", "")))
            if user is None:
                raise ConfigurationError(
                    "A database session needs a stored user: the signed-in user's id "
                    f"({token.get('sub')!r}) is not one."
                )
        session_token = str(uuid.uuid4())
        expires = now + timedelta(seconds=lifetime)
        record = self.adapter.create_session(user, session_token, expires, request=request)
        name = self.dialect.cookie("session_token", secure=self.is_secure(request))
        claims = self._stored_claims(record, user)
        return Decoded(
            claims, self.dialect, name, raw=session_token, record=record, user=user, expires=expires
        )

    def _renew(self, current: Decoded, now: datetime, lifetime: int) -> Decoded:
        record = current.record
        expires = now + timedelta(seconds=lifetime)
        if self.absolute_max_age is not None:
            expires = min(expires, record.created + timedelta(seconds=self.absolute_max_age))
        # NextAuth's throttle: write only once UPDATE_AGE has passed since the last extension.
        if record.expires - timedelta(seconds=self.max_age - self.update_age) <= now:
            self.adapter.update_session(current.raw or "", expires)
            record.expires = expires
        # The cookie is re-set every time: it may run up to UPDATE_AGE ahead of the row.
        return Decoded(
            self._stored_claims(record, current.user),
            current.dialect,
            current.name,
            raw=current.raw,
            record=record,
            user=current.user,
            expires=expires,
        )

    def end(self, decoded: Decoded) -> None:
        """Sign-out: delete the row."""
        self.adapter.delete_session(decoded.raw or "")

    def write(self, response: HttpResponseBase, request: HttpRequest, decoded: Decoded) -> None:
        """The session token as the session cookie, ``Expires`` at ``decoded.expires``."""
        secure = self.is_secure(request)
        name = decoded.dialect.cookie("session_token", secure=secure)
        assert decoded.raw is not None and decoded.expires is not None
        write_session_cookie(
            response,
            request,
            name,
            decoded.raw,
            secure=secure,
            expires=decoded.expires,
            chunk_size=decoded.dialect.chunk_size,
        )
