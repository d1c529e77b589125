"""The session-strategy interface, and the strategy of the current settings.

A session strategy decides where a session lives, as Django's ``SESSION_ENGINE`` does:
:class:`~.jwt.JwtStrategy` (NextAuth's default: the whole session in an encrypted cookie)
and :class:`~.database.DatabaseStrategy` (a row; the cookie holds its key) implement
:class:`SessionStrategy`, and ``NEXTAUTH["SESSION"]["STRATEGY"]`` picks one: ``"jwt"``,
``"database"`` or the dotted path of a subclass. Code above the strategy (the request
state, the views, the sign-in flow) calls its methods and never asks which one it has.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponseBase
from django.utils.module_loading import import_string

from django_nextauth.callbacks import NO_UPDATE, arun_session, defaults_only, run_session
from django_nextauth.conf import SESSION_STRATEGIES, nextauth_settings
from django_nextauth.cookies import use_secure_cookies
from django_nextauth.exceptions import ConfigurationError, NextAuthError
from django_nextauth.session_cookie import clear_session_cookie, read_chunked
from django_nextauth.users import AnonymousSessionUser, SessionUser

from .carried import Candidate, Decoded, Incoming
from .shape import Claims, Resolved, default_session

if TYPE_CHECKING:
    from .state import SessionState

__all__ = [
    "CallbackFailed",
    "SessionStrategy",
    "UnstorableToken",
    "first_cookie",
    "strategy",
    "strategy_class",
]


class CallbackFailed(NextAuthError):
    """A callback run by the strategy raised (chained as ``__cause__``); nothing was stored."""


class UnstorableToken(NextAuthError):
    """The ``jwt`` callback returned what cannot become a token (not a JSON object)."""


class SessionStrategy(ABC):
    """Where a session lives, for one settings snapshot (see :func:`strategy`).

    Reading: :meth:`find` -> :meth:`decode` -> :meth:`resolve`. Writing: :meth:`issue`
    -> :meth:`write`; :meth:`sign_in` and :meth:`update` are NextAuth's sign-in and
    ``update()``. Signing out: :meth:`end` -> :meth:`clear`. The cookie names, their
    dialects and :meth:`clear` are shared here.
    """

    #: Whether reading a session does I/O (async callers then read it in a thread).
    does_io: bool = False
    #: Whether storing a session does I/O (async callers then store it in a thread).
    issue_does_io: bool = False
    #: Whether a session may come in an ``Authorization: Bearer`` header.
    reads_bearer: bool = False

    def __init__(self) -> None:
        self.dialect = nextauth_settings.dialect  # the dialect this site writes
        self._candidates = {
            secure: tuple(
                (each, each.cookie("session_token", secure=secure))
                for each in nextauth_settings.decode_dialects
            )
            for secure in (False, True)
        }
        session = nextauth_settings.SESSION
        self.max_age: int = session["MAX_AGE"]
        self.absolute_max_age: int | None = session.get("ABSOLUTE_MAX_AGE")
        #: With ``SESSION["SLIDING"]``: the age after which a session read from its cookie
        #: is re-issued on the way out (``SESSION["UPDATE_AGE"]``), else ``None``.
        self.renew_after: int | None = session["UPDATE_AGE"] if session["SLIDING"] else None

    #: ``is_secure(request)``: ``USE_SECURE_COOKIES`` when set, else whether the request came
    #: over https (the one rule, ``cookies.use_secure_cookies``, called without a wrapper).
    is_secure = staticmethod(use_secure_cookies)

    @cached_property
    def defaults_only(self) -> bool:
        """Whether the ``jwt`` and ``session`` callbacks both keep NextAuth's defaults (read on
        every request: worked out once, on first use, for this settings snapshot)."""
        return defaults_only()

    def renewal_due(self, decoded: Decoded, issued_at: Any) -> bool:
        """With ``SESSION["SLIDING"]``: whether ``decoded``, read from its cookie and issued at
        ``issued_at``, is older than ``SESSION["UPDATE_AGE"]`` and is re-issued on the way out."""
        if self.renew_after is None or decoded.dialect.version != self.dialect.version:
            return False  # a cookie of the other family is read, never rewritten
        return isinstance(issued_at, (int, float)) and time.time() - issued_at > self.renew_after

    def candidates(self, secure: bool) -> tuple[Candidate, ...]:
        """Each accepted dialect with its session cookie name, in priority order."""
        return self._candidates[secure]

    def find_cookie(self, request: HttpRequest, candidates: Sequence[Candidate]) -> Incoming | None:
        """The first session cookie present (chunks joined), else ``None``."""
        found = first_cookie(request, candidates)
        return None if found is None else Incoming(found[1], True, False, (found[0],))

    def direct_user(self, request: HttpRequest) -> SessionUser | AnonymousSessionUser | None:
        """The session user of ``request`` when the strategy can tell it without a per-request
        :class:`~.state.SessionState` (see :meth:`.jwt.JwtStrategy.direct_user`), else
        ``None``: the state decides."""
        return None

    # --- reading ------------------------------------------------------------------------------

    @abstractmethod
    def find(self, request: HttpRequest, candidates: Sequence[Candidate]) -> Incoming:
        """The session token ``request`` carries, and where it came from."""

    @abstractmethod
    def decode(
        self,
        incoming: Incoming,
        *,
        secret: str | Sequence[str] | None = None,
        salt: str | None = None,
    ) -> Decoded | None:
        """The usable session of ``incoming``, or ``None``."""

    @abstractmethod
    def resolve(self, decoded: Decoded, request: HttpRequest | None) -> Resolved:
        """``(token, session)`` after the callbacks; ``(None, None)``: the session ended."""

    @abstractmethod
    async def aresolve(self, decoded: Decoded, request: HttpRequest | None) -> Resolved:
        """Async :meth:`resolve`."""

    def build_session(
        self,
        decoded: Decoded | None,
        token: Claims,
        request: HttpRequest | None,
        update: Any = NO_UPDATE,
    ) -> dict[str, Any]:
        """The session dict for ``token``: the default shape, then the ``session`` callback."""
        return run_session(session=default_session(token), token=token, request=request)

    async def abuild_session(
        self, decoded: Decoded | None, token: Claims, request: HttpRequest | None
    ) -> dict[str, Any]:
        """Async :meth:`build_session`."""
        return await arun_session(session=default_session(token), token=token, request=request)

    @abstractmethod
    def stable_name(self, decoded: Decoded, raw: str) -> str:
        """A name of the session ``decoded`` (which came in as ``raw``) that survives its
        renewals (secret: hash it before it leaves the server)."""

    # --- writing ------------------------------------------------------------------------------

    @abstractmethod
    def issue(
        self,
        request: HttpRequest,
        token: Mapping[str, Any],
        *,
        max_age: int | None = None,
        user: Any = None,
        current: Callable[[], Decoded | None] | None = None,
    ) -> Decoded:
        """The session to write for ``token`` (``current()``: the one the request carries)."""

    @abstractmethod
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
        """Sign ``user`` in with ``token`` (its default token) through ``state``; the token
        the session now holds, or ``None`` when a callback refused (nothing stored)."""

    @abstractmethod
    def update(
        self, state: SessionState, token: Claims, data: Any
    ) -> tuple[Claims | None, dict[str, Any] | None]:
        """NextAuth's ``update(data)`` of the session ``state`` carries (decoded: ``token``):
        ``(token, session)`` to store and answer, ``None`` in either: sign out. Callback
        errors propagate."""

    @abstractmethod
    def write(self, response: HttpResponseBase, request: HttpRequest, decoded: Decoded) -> None:
        """Set the session cookie of :meth:`issue`'s session on ``response``."""

    @abstractmethod
    def end(self, decoded: Decoded) -> None:
        """Sign-out of the session ``decoded``; raises when that could not be recorded."""

    def clear(
        self, response: HttpResponseBase, request: HttpRequest, names: Sequence[str] | None = None
    ) -> None:
        """Delete every incoming chunk of the session cookies ``names`` (default: every dialect)."""
        secure = self.is_secure(request)
        if names is None:
            names = [name for _dialect, name in self.candidates(secure)]
        for name in names:
            clear_session_cookie(response, request, name, secure=secure)


def first_cookie(
    request: HttpRequest, candidates: Sequence[Candidate]
) -> tuple[Candidate, str] | None:
    """The first candidate whose session cookie ``request`` carries, with its value (chunks
    joined; ``""``: present but no token), else ``None``."""
    for candidate in candidates:
        value = read_chunked(request, candidate[1])
        if value is not None:
            return candidate, value
    return None


def strategy_class(value: str) -> type[SessionStrategy]:
    """The class ``SESSION["STRATEGY"]`` names (``"jwt"``, ``"database"`` or a dotted path)."""
    where = "NEXTAUTH['SESSION']['STRATEGY']"
    try:
        found = import_string(SESSION_STRATEGIES.get(value, value))
    except (ImportError, ValueError, TypeError) as exc:
        raise ConfigurationError(f"{where} = {value!r} cannot be imported: {exc}.") from exc
    if not (isinstance(found, type) and issubclass(found, SessionStrategy)):
        raise ConfigurationError(
            f"{where} = {value!r} is not a subclass of "
            "django_nextauth.session.base.SessionStrategy."
        )
    return found


def strategy() -> SessionStrategy:
    """The session strategy of the current settings (a new one, and an empty cache, when
    they change)."""
    return nextauth_settings.cached("session_strategy", _make_strategy)


def _make_strategy() -> SessionStrategy:
    return strategy_class(nextauth_settings.SESSION["STRATEGY"])()
