"""What a request carries: its session token, found and decoded once, cached on it.

:func:`request_session` finds the session cookie (or an ``Authorization: Bearer``
token) the way NextAuth's ``getToken`` does and keeps a :class:`RequestSession` on
the request, so the middleware's lazy attributes, :func:`~django_nextauth.session.get_token`
and :func:`~django_nextauth.session.get_server_session` decrypt at most once. This is
the per-request hot path: it reads the settings through one snapshot and keeps
recently decoded tokens (see :func:`_decode`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from . import jwt
from .callbacks import defaults_only
from .conf import nextauth_settings
from .cookies import cookie_name, decode_value, read_chunked
from .exceptions import InvalidToken, TokenExpired
from .users import SessionUser

__all__ = [
    "STATE_ATTR",
    "UNSET",
    "Candidate",
    "Claims",
    "RequestSession",
    "config",
    "mark_read",
    "peek_request_session",
    "request_session",
    "session_cookie_names",
    "session_was_read",
]

Claims = dict[str, Any]
Candidate = tuple[str, str]  # (version, session cookie name)

STATE_ATTR = "_nextauth_session"
UNSET: Any = object()


class _Config:
    """What reading a session needs from the settings, looked up once per settings."""

    __slots__ = ("_secrets", "defaults_only", "names", "tokens", "use_secure")

    def __init__(self) -> None:
        versions = nextauth_settings.DECODE_VERSIONS or [nextauth_settings.VERSION]
        if isinstance(versions, str) or not set(versions) <= {"v4", "v5"}:
            raise ImproperlyConfigured("NEXTAUTH['DECODE_VERSIONS'] must be a list of 'v4' / 'v5'.")
        self.names = {
            secure: tuple(
                (v, cookie_name("session_token", version=v, secure=secure)) for v in versions
            )
            for secure in (False, True)
        }
        self.use_secure: bool | None = nextauth_settings.USE_SECURE_COOKIES
        self.tokens: dict[tuple[Any, ...], _Entry] = {}  # see _decode()
        self._secrets: tuple[str, ...] | None = None
        self.defaults_only = defaults_only()

    def secrets(self) -> tuple[str, ...]:
        # Resolved on first decode, not before: a missing secret must not break signed-out pages.
        if self._secrets is None:
            self._secrets = nextauth_settings.secrets
        return self._secrets


def config() -> _Config:
    return nextauth_settings.cached("session_config", _Config)


def session_cookie_names(secure: bool) -> tuple[Candidate, ...]:
    """``(version, cookie name)`` of each session cookie family read, in priority order."""
    return config().names[secure]


class RequestSession:
    """The session one request carries; each piece is computed on first use.

    ``token`` (the ``jwt`` callback's result), ``session`` and ``user`` are
    filled in by :func:`get_server_session` / :func:`get_session_user`.
    """

    # Class-level defaults: a request sets only what differs (this runs on every request).
    _claims: Claims | None = UNSET
    _secret: str | Sequence[str] | None = None
    _salt: str | None = None
    _entry: _Entry | None = None
    token: Claims | None = UNSET
    session: dict[str, Any] | None = UNSET
    user: Any = None  # get_session_user() caches the session user here
    raw: str | None = None
    from_cookie = False
    candidates: Sequence[Candidate]

    def __init__(
        self,
        request: HttpRequest,
        config: _Config,
        secure: bool,
        candidates: Sequence[Candidate],
        *,
        secret: str | Sequence[str] | None = None,
        salt: str | None = None,
    ) -> None:
        self.config = config
        self.secure = secure
        if secret is not None or salt is not None:
            self._secret, self._salt = secret, salt
        for version, name in candidates:
            value = read_chunked(request, name)
            if value is not None:
                self.version, self.name, self.raw, self.from_cookie = version, name, value, True
                self.candidates = ((version, name),)
                return
        self.version, self.name = candidates[0]
        self.candidates = candidates
        # NextAuth's getToken reads the Authorization header only when no cookie is present.
        if "HTTP_AUTHORIZATION" in request.META:
            self.raw = _bearer(request)

    @property
    def claims(self) -> Claims | None:
        """The decoded token, or ``None`` (absent or unusable)."""
        claims = self._claims
        if claims is UNSET:
            claims = self._claims = self._decode() if self.raw else None
        return claims

    @property
    def is_bad(self) -> bool:
        """A session cookie arrived, was decoded, and gives no session: delete it."""
        claims = self._claims
        return self.from_cookie and claims is not UNSET and (claims is None or self.token is None)

    @property
    def stored_token(self) -> Claims | None:
        """The token to store again (the ``jwt`` callback's result when it ran), if decoded."""
        if self._claims is UNSET or self._claims is None:
            return None
        return self._claims if self.token is UNSET else self.token

    def _decode(self) -> Claims | None:
        config = self.config
        secret = self._secret
        if secret is None:
            secret = config._secrets or config.secrets()
        for version, name in self.candidates:
            salt = self._salt if self._salt is not None else (name if version == "v5" else "")
            try:
                claims, self._entry = _decode(config.tokens, self.raw, secret, salt, version)  # type: ignore[arg-type]
            except InvalidToken:
                continue
            self.version, self.name = version, name
            return claims
        return None


# Good tokens decoded lately. A browser sends the same cookie with every request, so a hit
# saves the decryption. Keyed by the whole token (a tampered one is a different key) and
# the key material; exp is checked again on each hit. Only flat claims are kept, and
# callers get copies, so nobody can change what the next request sees. The cache lives
# in the settings snapshot: changing the settings (a rotated secret) empties it.
_CACHE_SIZE = 1024
_FLAT_TYPES = frozenset({str, int, float, bool, type(None)})


class _Entry:
    """A cached decoded token, and the session user derived from it with default callbacks."""

    __slots__ = ("claims", "user")

    def __init__(self, claims: Claims) -> None:
        self.claims = claims
        self.user: SessionUser | None = None


def _decode(
    cache: dict[tuple[Any, ...], _Entry],
    raw: str,
    secret: str | Sequence[str],
    salt: str,
    version: str,
) -> tuple[Claims, _Entry | None]:
    key = (raw, salt, version, secret if isinstance(secret, str) else tuple(secret))
    entry = cache.get(key)
    if entry is not None:
        exp = entry.claims.get("exp")
        if exp is None or exp > time.time() - jwt.CLOCK_TOLERANCE:
            return dict(entry.claims), entry
        cache.pop(key, None)
        raise TokenExpired("Token has expired.")
    claims = jwt.decode(raw, secret=secret, salt=salt, version=version)  # type: ignore[arg-type]
    if "nbf" in claims or not all(type(v) in _FLAT_TYPES for v in claims.values()):
        return claims, None
    if len(cache) >= _CACHE_SIZE:
        cache.clear()  # cheaper than LRU bookkeeping; refills within a few requests
    entry = cache[key] = _Entry(dict(claims))
    return claims, entry


def _bearer(request: HttpRequest) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION")
    if not header:
        return None
    parts = header.split(" ")
    if parts[0] != "Bearer" or len(parts) < 2 or not parts[1]:
        return None
    token = decode_value(parts[1])
    # decode_value keeps a malformed escape as it is, where decodeURIComponent throws: no token.
    return None if "%" in parts[1] and token == parts[1] else token


def request_session(request: HttpRequest) -> RequestSession:
    """The request's :class:`RequestSession` with the configured cookie names, cached on it."""
    state: RequestSession | None = request.__dict__.get(STATE_ATTR)
    if state is None:
        snapshot = config()
        # cookies.use_secure_cookies(), inlined: this runs on every request that reads.
        forced = snapshot.use_secure
        secure = request.scheme == "https" if forced is None else bool(forced)
        state = RequestSession(request, snapshot, secure, snapshot.names[secure])
        request.__dict__[STATE_ATTR] = state
    return state


def peek_request_session(request: HttpRequest) -> RequestSession | None:
    """The request's :class:`RequestSession` if something read it, else ``None``."""
    return request.__dict__.get(STATE_ATTR)


def session_was_read(request: HttpRequest) -> bool:
    """Whether anything looked at the request's session (for ``Vary: Cookie``)."""
    return STATE_ATTR in request.__dict__ or STATE_ATTR + "_read" in request.__dict__


def mark_read(request: HttpRequest) -> None:
    """Note that the session was looked at without the cached state (custom ``get_token``)."""
    request.__dict__[STATE_ATTR + "_read"] = True
