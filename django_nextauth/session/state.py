"""The NextAuth session of one request: found, decoded and resolved once, cached on it.

:func:`~.request_state.session_state` gives the request's :class:`SessionState`, the one owner of
per-request session state: what the request carries (read through the session
strategy on first use), the ``jwt`` / ``session`` callbacks' results, the
session user, and a pending write (``login``) or deletion (``logout``) that
:meth:`SessionState.flush` applies to the response.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponseBase

from django_nextauth.callbacks import NO_UPDATE
from django_nextauth.dialect import Dialect
from django_nextauth.lazy import live_request, memo
from django_nextauth.revocation import RevocationUnavailable
from django_nextauth.session_cookie import sets_session_cookie
from django_nextauth.users import ANONYMOUS, AnonymousSessionUser, SessionUser

from .base import SessionStrategy
from .carried import Candidate, Decoded, Incoming
from .shape import SID, Claims, Resolved, session_user

__all__ = ["SID", "VARY_COOKIE", "SessionState"]

logger = logging.getLogger("django_nextauth")

User = SessionUser | AnonymousSessionUser
_UNREAD: Any = object()  # the session was not decoded (yet)
#: The request headers a response depends on once the session was looked for (``Vary``).
VARY_COOKIE = ("Cookie",)
_VARY_BEARER = ("Cookie", "Authorization")


class SessionState:
    """The session one request carries; each piece is computed on first use.

    Read-only to everyone else: ``claims``, ``from_cookie``, ``from_bearer``,
    ``token`` and ``session``, ``user``. Writes go through :meth:`login`,
    :meth:`logout` and :meth:`flush`.
    """

    # Class-level defaults: a request reads its session once, and most of these stay unset
    # (fewer instance writes on the warm path; tests/test_request_path.py).
    _secret: str | Sequence[str] | None = None
    _salt: str | None = None
    _resolved: Resolved | None = None
    _user: User | None = None
    # ("write", Decoded) or ("clear", cookie names or None for every family); None: nothing.
    _pending: tuple[str, Any] | None = None
    #: The revocation cache failed on this request's read (re-raised on every later one).
    _outage: RevocationUnavailable | None = None

    def __init__(
        self,
        request: HttpRequest,
        strategy: SessionStrategy,
        candidates: Sequence[Candidate],
        *,
        secret: str | Sequence[str] | None = None,
        salt: str | None = None,
    ) -> None:
        # Held strongly until settle(), then weakly: see settle().
        self._request: HttpRequest | None = request
        self._request_ref = weakref.ref(request)
        self._strategy = strategy
        self._candidates = tuple(candidates)
        if secret is not None:
            self._secret = secret
        if salt is not None:
            self._salt = salt

    @property
    def request(self) -> HttpRequest:
        """The request whose session this is."""
        request = self._request
        return live_request(self._request_ref) if request is None else request

    # --- what the request carries -----------------------------------------------------------

    @memo
    def _incoming(self) -> Incoming:
        return self._strategy.find(self.request, self._candidates)

    @memo
    def _decoded(self) -> Decoded | None:
        # An outage is not "signed out": RevocationUnavailable propagates (the views and the
        # middleware answer 503 and keep the cookie), and once per request the same way.
        if self._outage is not None:
            raise self._outage
        try:
            return self._strategy.decode(self._incoming, secret=self._secret, salt=self._salt)
        except RevocationUnavailable as exc:
            logger.error("django_nextauth: %s Whether the session was ended is unknown.", exc)
            self._outage = exc
            raise

    @property
    def unavailable(self) -> bool:
        """Whether reading the session failed because the revocation records were down."""
        return self._outage is not None

    @property
    def vary(self) -> tuple[str, ...]:
        """The request headers the response now depends on (for ``Vary``): none until the
        token was looked for; ``Authorization`` too when it came in a Bearer header."""
        incoming: Incoming | None = self.__dict__.get("_incoming")
        if incoming is None:
            return ()
        return _VARY_BEARER if incoming.from_bearer else VARY_COOKIE

    @property
    def raw(self) -> str | None:
        """The token as it arrived (chunks joined, percent-decoded), or ``None``."""
        return self._incoming.raw

    @property
    def from_cookie(self) -> bool:
        """Whether the token came from the session cookie (not a Bearer header)."""
        return self._incoming.from_cookie

    @property
    def from_bearer(self) -> bool:
        """Whether the token came from an ``Authorization: Bearer`` header."""
        return self._incoming.from_bearer

    @property
    def claims(self) -> Claims | None:
        """The decoded token, or ``None`` (absent or unusable)."""
        decoded = self._decoded
        return None if decoded is None else decoded.claims

    @property
    def dialect(self) -> Dialect:
        """The dialect of the token (the first accepted one when there is none)."""
        decoded = self._decoded
        return self._candidates[0][0] if decoded is None else decoded.dialect

    @property
    def name(self) -> str:
        """The session cookie name the token came in (or would); decrypts nothing."""
        decoded: Decoded | None = self.__dict__.get("_decoded")
        if decoded is not None:
            return decoded.name
        return self._incoming.candidates[0][1]

    # --- the callbacks' view of it ----------------------------------------------------------

    def resolve(self) -> Resolved:
        """``(token, session)`` after the ``jwt`` and ``session`` callbacks, run once."""
        if self._resolved is None:
            decoded = self._decoded
            self._resolved = (
                (None, None) if decoded is None else self._strategy.resolve(decoded, self.request)
            )
        return self._resolved

    async def adecode(self) -> Decoded | None:
        """Find and decode the session off the event loop when that does I/O (a database
        session, a revocation check)."""
        if "_decoded" not in self.__dict__ and self._strategy.does_io:
            return await sync_to_async(lambda: self._decoded)()
        return self._decoded

    async def aresolve(self) -> Resolved:
        """Async :meth:`resolve`."""
        if self._resolved is None:
            decoded = await self.adecode()
            if decoded is None:
                self._resolved = (None, None)
            else:
                self._resolved = await self._strategy.aresolve(decoded, self.request)
        return self._resolved

    @property
    def record(self) -> Any:
        """The database session row (database strategy), else ``None``."""
        decoded = self._decoded
        return None if decoded is None else decoded.record

    @property
    def stored_user(self) -> Any:
        """The adapter's user of a database session (loaded with the row), else ``None``."""
        decoded = self._decoded
        return None if decoded is None else decoded.user

    @property
    def token(self) -> Claims | None:
        """The ``jwt`` callback's result (``None``: the session ended); runs the callbacks."""
        if self._resolved is None and self._strategy.defaults_only:
            return self.claims  # what the default jwt callback returns
        return self.resolve()[0]

    @property
    def session(self) -> dict[str, Any] | None:
        """The session dict after the callbacks, or ``None``."""
        return self.resolve()[1]

    @property
    def user(self) -> User:
        """The session user, or the anonymous user."""
        if self._user is None:
            self._user = (
                self._default_user()
                if self._strategy.defaults_only
                else self._user_of(self.resolve())
            )
        return self._user

    async def auser(self) -> User:
        """Async :attr:`user`: callbacks never block the event loop."""
        if self._user is None:
            if self._strategy.defaults_only:
                await self.adecode()
                self._user = self._default_user()
            else:
                self._user = self._user_of(await self.aresolve())
        return self._user

    def _default_user(self) -> User:
        # With NextAuth's default callbacks the user is a function of the claims alone:
        # no session dict (and no expiry string) is built for it.
        decoded = self._decoded
        return ANONYMOUS if decoded is None else decoded.default_user()

    @staticmethod
    def _user_of(resolved: Resolved) -> User:
        token, session = resolved
        return session_user(session, token)

    @property
    def is_bad(self) -> bool:
        """A session cookie arrived, was decoded, and gives no session: delete it."""
        decoded = self.__dict__.get("_decoded", _UNREAD)  # asked after every read: no properties
        if decoded is _UNREAD or self._outage is not None or not self._incoming.from_cookie:
            return False
        return decoded is None or (self._resolved is not None and self._resolved[0] is None)

    @property
    def stored_token(self) -> Claims | None:
        """The token to store again (the ``jwt`` callback's result when it ran), if decoded."""
        if "_decoded" not in self.__dict__ or self._decoded is None:
            return None
        return self.claims if self._resolved is None else self._resolved[0]

    @property
    def issued_at(self) -> Any:
        """The ``iat`` of :attr:`stored_token`, read without copying the claims (the sliding
        re-issue asks this on every request)."""
        if "_decoded" not in self.__dict__ or self._decoded is None:
            return None
        if self._resolved is None:
            return self._decoded.claim("iat")
        token = self._resolved[0]
        return None if token is None else token.get("iat")

    # --- writing ----------------------------------------------------------------------------

    def login(
        self, token: Mapping[str, Any], *, max_age: int | None = None, user: Any = None
    ) -> None:
        """Record a new session for ``token`` (for the database strategy: for ``user``, else
        the stored user whose id is ``token["sub"]``); later reads in this request see it.
        The session this request carries is renewed when ``token`` has its ``sid``."""
        decoded = self._strategy.issue(
            self.request, token, max_age=max_age, user=user, current=lambda: self._decoded
        )
        self._pending = ("write", decoded)
        self._replace(decoded)

    def sign_in(
        self,
        token: Claims,
        *,
        user: Any,
        account: Mapping[str, Any] | None = None,
        profile: Mapping[str, Any] | None = None,
        is_new_user: bool = False,
        max_age: int | None = None,
    ) -> Claims | None:
        """Sign ``user`` in, ``token`` its default token, as the strategy does it (JWT: the
        ``jwt`` callback decides the token; database: a row). The token stored, or ``None``
        when the ``jwt`` callback refused (nothing recorded). Raises ``CallbackFailed`` /
        ``UnstorableToken`` (nothing recorded)."""
        return self._strategy.sign_in(
            self,
            token,
            user=user,
            account=account,
            profile=profile,
            is_new_user=is_new_user,
            max_age=max_age,
        )

    def update(self, token: Claims, data: Any) -> tuple[Claims | None, dict[str, Any] | None]:
        """NextAuth's ``update(data)`` of this session (decoded: ``token``): ``(token,
        session)`` to store and answer; ``None`` in either: sign out. Records nothing."""
        return self._strategy.update(self, token, data)

    def build_session(self, token: Claims, *, update: Any = NO_UPDATE) -> dict[str, Any]:
        """The session dict for ``token``: the default shape (a database session's: its row's
        expiry), then the ``session`` callback."""
        return self._strategy.build_session(self._decoded, token, self.request, update)

    async def abuild_session(self, token: Claims) -> dict[str, Any]:
        """Async :meth:`build_session`."""
        decoded = await self.adecode()
        return await self._strategy.abuild_session(decoded, token, self.request)

    @property
    def stable_name(self) -> str | None:
        """A name of the session that survives its renewals (``None``: none); secret."""
        decoded = self._decoded
        return None if decoded is None else self._strategy.stable_name(decoded, self.raw or "")

    def logout(self) -> None:
        """End the session the request carries in a cookie (a database row is deleted, a JWT's
        ``sid`` revoked), and record the deletion of every session cookie chunk. Raises
        ``RevocationUnavailable`` (and changes nothing) when the end could not be recorded."""
        if self.from_cookie:
            decoded = self._decoded
            if decoded is not None:
                self._strategy.end(decoded)
        self._pending = ("clear", None)
        self._replace(None)

    def discard_cookie(self) -> None:
        """Record the deletion of the session cookie that arrived (it is unusable)."""
        self._pending = ("clear", [self.name])

    def _replace(self, decoded: Decoded | None) -> None:
        self.__dict__["_decoded"] = decoded
        self._resolved = None
        self._user = None

    @property
    def pending(self) -> bool:
        """Whether a login or logout waits for :meth:`flush`."""
        return self._pending is not None

    def settle(self, response: HttpResponseBase) -> None:
        """The session's side of a response, after the view: a pending login / logout
        written; else, unless the response writes the session cookie itself, an unusable
        session cookie deleted (every chunk) or, with ``SESSION["SLIDING"]``, a session older
        than ``SESSION["UPDATE_AGE"]`` re-issued. Nothing while the revocation records are
        down: the session is unknown, neither deleted nor renewed.

        The middleware's last use of the state: from here it holds its request weakly, so
        the request (which holds the state) is freed with its response, not left a reference
        cycle for the garbage collector (django_nextauth/lazy.py; tests/test_request_freed.py)."""
        try:
            self._settle(response)
        finally:
            self._request = None

    def _settle(self, response: HttpResponseBase) -> None:
        if self._outage is not None:
            return
        if self._pending is None:
            # Most responses set no cookie: neither the name nor the scan is worked out then.
            if response.cookies and sets_session_cookie(response, self.name):
                return  # the response writes the session cookie itself
            if self.is_bad:
                self.discard_cookie()
            elif self._renewal_due():
                self.login(self.stored_token)  # type: ignore[arg-type]
            else:
                return  # the usual response: nothing to write
        self.flush(response)

    def _renewal_due(self) -> bool:
        if self._strategy.renew_after is None or not self.from_cookie:
            return False  # sliding off (the usual case): nothing else is looked at
        decoded = self.__dict__.get("_decoded")
        # issued_at, not stored_token: that copies the claims
        return decoded is not None and self._strategy.renewal_due(decoded, self.issued_at)

    def flush(self, response: HttpResponseBase) -> None:
        """Apply the pending login / logout to ``response``'s cookies, once."""
        pending, self._pending = self._pending, None
        if pending is None:
            return
        action, value = pending
        if action == "write":
            self._strategy.write(response, self.request, value)
        else:
            self._strategy.clear(response, self.request, value)
