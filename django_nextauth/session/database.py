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
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from django_nextauth.adapters import Adapter, require_adapter
from django_nextauth.callbacks import NO_UPDATE, arun_session, run_session
from django_nextauth.conf import nextauth_settings
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.identity import is_active
from django_nextauth.session_cookie import write_session_cookie

from .base import SessionStrategy
from .carried import Candidate, Decoded, Incoming
from .shape import SID, Claims, Resolved, stored_claims, stored_session

if TYPE_CHECKING:
    from .state import SessionState

__all__ = ["DatabaseStrategy"]

#: Longer than any token we issue (a UUID): such a cookie is not looked up.
_MAX_TOKEN = 128


class DatabaseStrategy(SessionStrategy):
    """Sessions as adapter rows; the cookie holds the row's session token."""

    does_io = True
    issue_does_io = True

    def __init__(self) -> None:
        super().__init__()
        self.adapter: Adapter = require_adapter("NEXTAUTH['SESSION']['STRATEGY'] = 'database'")
        self.update_age: int = nextauth_settings.SESSION["UPDATE_AGE"]

    # --- reading ------------------------------------------------------------------------------

    def find(self, request: HttpRequest, candidates: Sequence[Candidate]) -> Incoming:
        """The first session cookie present; never a Bearer header (as NextAuth's route)."""
        found = self.find_cookie(request, candidates)
        return Incoming(None, False, False, tuple(candidates)) if found is None else found

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
        cookie_dialect, name = incoming.candidates[0]
        claims = stored_claims(record, user, self.max_age)
        return Decoded(claims, cookie_dialect, name, raw=raw, record=record, user=user)

    def _alive(self, record: Any, user: Any) -> bool:
        now = timezone.now()
        if record.expires <= now or not is_active(user):
            return False
        limit = self.absolute_max_age
        return limit is None or now < record.created + timedelta(seconds=limit)

    def resolve(self, decoded: Decoded, request: HttpRequest | None) -> Resolved:
        """``(claims, session)``: no ``jwt`` callback; the ``session`` callback gets ``user=``."""
        session = stored_session(decoded.claims, decoded.record.expires.timestamp())
        if self.defaults_only:
            return decoded.claims, session
        token = decoded.claims
        return token, run_session(session=session, token=token, request=request, user=decoded.user)

    async def aresolve(self, decoded: Decoded, request: HttpRequest | None) -> Resolved:
        """Async :meth:`resolve`."""
        session = stored_session(decoded.claims, decoded.record.expires.timestamp())
        if self.defaults_only:
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
        current: Callable[[], Decoded | None] | None = None,
    ) -> Decoded:
        """Renew the session the request carries (``current()``) when ``token`` names it (its
        ``sid``), else store a new session for ``user`` (default: the stored user whose id
        is ``token["sub"]``), ending the current one."""
        lifetime = self.max_age if max_age is None else max_age
        now = timezone.now()
        # A stored session this browser already has is renewed or replaced: look it up.
        carried = None if current is None else current()
        if carried is not None and carried.record is not None:
            if token.get(SID) == carried.claims.get(SID):
                return self._renew(carried, now, lifetime)
            self.end(carried)  # a new sign-in replaces the session this browser had
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
        claims = stored_claims(record, user, self.max_age)
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
            stored_claims(record, current.user, self.max_age),
            current.dialect,
            current.name,
            raw=current.raw,
            record=record,
            user=current.user,
            expires=expires,
        )

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
        """A row for ``user``; no ``jwt`` callback, as in NextAuth: the token is the stored
        user's (what ``request.session_token`` shows)."""
        state.login(token, max_age=max_age, user=user)
        return state.claims

    def update(
        self, state: SessionState, token: Claims, data: Any
    ) -> tuple[Claims | None, dict[str, Any] | None]:
        """As NextAuth's: no ``jwt`` callback; the ``session`` callback gets ``data`` as
        ``new_session`` (trigger ``"update"``). Nothing else is written."""
        return token, state.build_session(token, update=data)

    def stable_name(self, decoded: Decoded, raw: str) -> str:
        """Its session token (the row's key)."""
        return "token:" + raw

    def build_session(
        self,
        decoded: Decoded | None,
        token: Claims,
        request: HttpRequest | None,
        update: Any = NO_UPDATE,
    ) -> dict[str, Any]:
        """The row's expiry; the ``session`` callback gets ``user=`` the stored user (and for
        ``update()`` the posted data as ``new_session=`` with ``trigger="update"``)."""
        if decoded is None or decoded.record is None:
            return super().build_session(decoded, token, request, update)
        session = stored_session(token, decoded.record.expires.timestamp())
        return run_session(
            session=session, token=token, request=request, user=decoded.user, update=update
        )

    async def abuild_session(
        self, decoded: Decoded | None, token: Claims, request: HttpRequest | None
    ) -> dict[str, Any]:
        """Async :meth:`build_session`."""
        if decoded is None or decoded.record is None:
            return await super().abuild_session(decoded, token, request)
        session = stored_session(token, decoded.record.expires.timestamp())
        return await arun_session(session=session, token=token, request=request, user=decoded.user)

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
