"""The NextAuth session of a request: ``getToken``, ``getServerSession`` and the cookie.

What a request carries is read once and cached on it (:class:`RequestSession`),
so the middleware's lazy attributes, :func:`get_token` and
:func:`get_server_session` decrypt the cookie at most once. The JWT path runs
no SQL. A missing, bad, expired or tampered token reads as "signed out"; reading
never raises for a token.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseBase

from . import jwt
from .callbacks import arun_jwt, arun_session, defaults_only, is_default, run_jwt, run_session
from .conf import settings
from .cookies import (
    clear_session_cookie,
    cookie_name,
    decode_value,
    read_chunked,
    use_secure_cookies,
    write_session_cookie,
)
from .exceptions import InvalidToken, TokenExpired
from .users import ANONYMOUS, AnonymousSessionUser, SessionUser, session_user

__all__ = [
    "AnonymousSessionUser",
    "RequestSession",
    "SessionUser",
    "abuild_session",
    "aget_server_session",
    "aget_session_user",
    "aget_token",
    "aresolve_session",
    "build_session",
    "clear_session",
    "get_server_session",
    "get_session_user",
    "get_token",
    "issue_session",
    "peek_request_session",
    "request_session",
    "resolve_session",
    "session_was_read",
    "session_cookie_names",
]

Claims = dict[str, Any]
Candidate = tuple[str, str]  # (version, session cookie name)

_STATE_ATTR = "_nextauth_session"
_UNSET: Any = object()


class _Config:
    """What reading a session needs from the settings, looked up once per settings."""

    __slots__ = ("_secrets", "defaults_only", "names", "tokens", "use_secure")

    def __init__(self) -> None:
        versions = settings.DECODE_VERSIONS or [settings.VERSION]
        if isinstance(versions, str) or not set(versions) <= {"v4", "v5"}:
            raise ImproperlyConfigured("NEXTAUTH['DECODE_VERSIONS'] must be a list of 'v4' / 'v5'.")
        self.names = {
            secure: tuple(
                (v, cookie_name("session_token", version=v, secure=secure)) for v in versions
            )
            for secure in (False, True)
        }
        self.use_secure: bool | None = settings.USE_SECURE_COOKIES
        self.tokens: dict[tuple[Any, ...], _Entry] = {}  # see _decode()
        self._secrets: tuple[str, ...] | None = None
        self.defaults_only = defaults_only()

    def secrets(self) -> tuple[str, ...]:
        # Resolved on first decode, not before: a missing secret must not break signed-out pages.
        if self._secrets is None:
            self._secrets = settings.secrets
        return self._secrets


def _config() -> _Config:
    return settings.cached("session_config", _Config)


def session_cookie_names(secure: bool) -> tuple[Candidate, ...]:
    """``(version, cookie name)`` of each session cookie family read, in priority order."""
    return _config().names[secure]


class RequestSession:
    """The session one request carries; each piece is computed on first use.

    ``token`` (the ``jwt`` callback's result), ``session`` and ``user`` are
    filled in by :func:`get_server_session` / :func:`get_session_user`.
    """

    # Class-level defaults: a request sets only what differs (this runs on every request).
    _claims: Claims | None = _UNSET
    _secret: str | Sequence[str] | None = None
    _salt: str | None = None
    _entry: _Entry | None = None
    token: Claims | None = _UNSET
    session: dict[str, Any] | None = _UNSET
    user: Any = None  # get_session_user() caches the session user here
    raw: str | None = None
    from_cookie = False
    candidates: Sequence[Candidate]

    def __init__(
        self,
        request: HttpRequest,
        config: _Config,
        *,
        secure: bool,
        candidates: Sequence[Candidate],
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
        if self._claims is _UNSET:
            self._claims = self._decode()
        return self._claims

    @property
    def is_bad(self) -> bool:
        """A session cookie arrived, was decoded, and gives no session: delete it."""
        claims = self._claims
        return self.from_cookie and claims is not _UNSET and (claims is None or self.token is None)

    @property
    def stored_token(self) -> Claims | None:
        """The token to store again (the ``jwt`` callback's result when it ran), if decoded."""
        if self._claims is _UNSET or self._claims is None:
            return None
        return self._claims if self.token is _UNSET else self.token

    def _decode(self) -> Claims | None:
        if not self.raw:
            return None
        config = self.config
        secret = config.secrets() if self._secret is None else self._secret
        for version, name in self.candidates:
            salt = self._salt if self._salt is not None else (name if version == "v5" else "")
            try:
                claims, self._entry = _decode(config.tokens, self.raw, secret, salt, version)
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
    state: RequestSession | None = request.__dict__.get(_STATE_ATTR)
    if state is None:
        config = _config()
        # cookies.use_secure_cookies(), inlined: this runs on every request that reads.
        secure = request.is_secure() if config.use_secure is None else bool(config.use_secure)
        state = RequestSession(request, config, secure=secure, candidates=config.names[secure])
        request.__dict__[_STATE_ATTR] = state
    return state


def get_token(
    request: HttpRequest,
    *,
    raw: bool = False,
    secret: str | Sequence[str] | None = None,
    cookie_name: str | None = None,
    secure_cookie: bool | None = None,
    salt: str | None = None,
) -> Claims | str | None:
    """NextAuth's ``getToken``: the decoded claims, the raw token (``raw=True``) or ``None``.

    Reads the session cookie (chunks reassembled, percent-decoded), else an
    ``Authorization: Bearer`` header. Defaults follow the settings; the v5 salt
    is the cookie name. Never raises for a missing or bad token.
    """
    if secret is None and cookie_name is None and secure_cookie is None and salt is None:
        state = request_session(request)
    else:
        config = _config()
        secure = use_secure_cookies(request) if secure_cookie is None else secure_cookie
        candidates = config.names[secure]
        if cookie_name is not None:
            candidates = ((candidates[0][0], cookie_name),)
        state = RequestSession(
            request, config, secure=secure, candidates=candidates, secret=secret, salt=salt
        )
        request.__dict__.setdefault(_STATE_ATTR + "_read", True)
    return state.raw if raw else state.claims


async def aget_token(
    request: HttpRequest,
    *,
    raw: bool = False,
    secret: str | Sequence[str] | None = None,
    cookie_name: str | None = None,
    secure_cookie: bool | None = None,
    salt: str | None = None,
) -> Claims | str | None:
    """Async :func:`get_token` (decryption is CPU-only and quick, so it runs inline)."""
    return get_token(
        request,
        raw=raw,
        secret=secret,
        cookie_name=cookie_name,
        secure_cookie=secure_cookie,
        salt=salt,
    )


def peek_request_session(request: HttpRequest) -> RequestSession | None:
    """The request's :class:`RequestSession` if something read it, else ``None``."""
    return request.__dict__.get(_STATE_ATTR)


def session_was_read(request: HttpRequest) -> bool:
    """Whether anything looked at the request's session (for ``Vary: Cookie``)."""
    return _STATE_ATTR in request.__dict__ or _STATE_ATTR + "_read" in request.__dict__


_last_second: tuple[int, str] = (0, "")


def _expires(max_age: int) -> str:
    """now + ``max_age`` as JS ``Date.toISOString()`` writes it: UTC, milliseconds, "Z"."""
    global _last_second
    moment = time.time() + max_age
    second = int(moment)
    cached_second, text = _last_second  # formatting is costly; reuse it within a second
    if cached_second != second:
        text = time.strftime("%Y-%m-%dT%H:%M:%S.", time.gmtime(second))
        _last_second = (second, text)
    return f"{text}{int((moment - second) * 1000):03d}Z"


def _default_session(token: Mapping[str, Any]) -> dict[str, Any]:
    # NextAuth: {user: {name, email, image: picture}, expires}; absent fields stay absent.
    user = {}
    if "name" in token:
        user["name"] = token["name"]
    if "email" in token:
        user["email"] = token["email"]
    if "picture" in token:
        user["image"] = token["picture"]
    return {"user": user, "expires": _expires(settings.SESSION["MAX_AGE"])}


def build_session(token: Claims, *, request: HttpRequest | None = None) -> dict[str, Any]:
    """The session dict for ``token``: NextAuth's default shape, then the ``session`` callback."""
    return run_session(session=_default_session(token), token=token, request=request)


async def abuild_session(token: Claims, *, request: HttpRequest | None = None) -> dict[str, Any]:
    """Async :func:`build_session`."""
    return await arun_session(session=_default_session(token), token=token, request=request)


def resolve_session(
    claims: Claims, *, version: str, request: HttpRequest | None = None
) -> tuple[Claims | None, dict[str, Any] | None]:
    """Run the ``jwt`` then the ``session`` callback on decoded ``claims``.

    Returns ``(token, session)``, both ``None`` when the ``jwt`` callback ends
    the session. v4 builds the session from the decoded token, v5 from the
    ``jwt`` callback's result, as each NextAuth does.
    """
    if defaults_only():
        return claims, _default_session(claims)
    token = claims if is_default("jwt") else run_jwt(token=claims, request=request)
    if token is None:
        return None, None
    session = _default_session(claims if version == "v4" else token)
    if is_default("session"):
        return token, session
    return token, run_session(session=session, token=token, request=request)


async def aresolve_session(
    claims: Claims, *, version: str, request: HttpRequest | None = None
) -> tuple[Claims | None, dict[str, Any] | None]:
    """Async :func:`resolve_session`: async callbacks are awaited, sync ones run off-loop."""
    if defaults_only():
        return claims, _default_session(claims)
    token = await arun_jwt(token=claims, request=request)
    if token is None:
        return None, None
    source = claims if version == "v4" else token
    session = await arun_session(session=_default_session(source), token=token, request=request)
    return token, session


def get_server_session(request: HttpRequest) -> dict[str, Any] | None:
    """NextAuth's ``getServerSession``: decode, ``jwt`` then ``session`` callback, or ``None``."""
    return _server_session(request_session(request), request)


def _server_session(state: RequestSession, request: HttpRequest) -> dict[str, Any] | None:
    if state.session is _UNSET:
        claims = state.claims
        if claims is None:
            state.token, state.session = None, None
        else:
            state.token, state.session = resolve_session(
                claims, version=state.version, request=request
            )
    return state.session


async def aget_server_session(request: HttpRequest) -> dict[str, Any] | None:
    """Async :func:`get_server_session`."""
    state = request_session(request)
    if state.session is _UNSET:
        claims = state.claims
        if claims is None:
            token, session = None, None
        else:
            token, session = await aresolve_session(claims, version=state.version, request=request)
        state.token, state.session = token, session
    return state.session


def get_session_user(request: HttpRequest) -> SessionUser | AnonymousSessionUser:
    """``request.session_user``: the session's user, or the anonymous user (cached)."""
    state = request_session(request)
    user = state.user
    if user is None:
        if state.config.defaults_only:
            user = _default_session_user(state)
        else:
            user = session_user(_server_session(state, request), state.token)
        state.user = user
    return user  # type: ignore[no-any-return]


def _default_session_user(state: RequestSession) -> SessionUser | AnonymousSessionUser:
    # With NextAuth's default callbacks the user is a function of the token alone, so it is
    # built without the session dict and kept with the cached token (it is read-only).
    claims = state.claims
    if claims is None:
        return ANONYMOUS
    entry = state._entry
    user = entry.user if entry is not None else None
    if user is None:
        user = SessionUser(_default_session(claims)["user"], sub=claims.get("sub"))
        if entry is not None:
            entry.user = user
    return user


async def aget_session_user(request: HttpRequest) -> SessionUser | AnonymousSessionUser:
    """Async :func:`get_session_user`: callbacks never block the event loop."""
    state = request_session(request)
    if state.user is None:
        state.user = session_user(await aget_server_session(request), state.token)
    return state.user  # type: ignore[no-any-return]


def issue_session(
    response: HttpResponseBase,
    request: HttpRequest,
    token: Mapping[str, Any],
    *,
    max_age: int | None = None,
) -> None:
    """Encrypt ``token`` (fresh ``iat``/``exp``/``jti``) and set it as the session cookie.

    Uses the configured VERSION, secrets and cookie name (the v5 salt);
    chunks as NextAuth does and deletes stale chunks. ``max_age`` defaults to
    ``SESSION["MAX_AGE"]`` and sets both the token's ``exp`` and the cookie's Expires.
    """
    version = settings.VERSION
    secure = use_secure_cookies(request)
    name = cookie_name("session_token", version=version, secure=secure)
    if max_age is None:
        max_age = settings.SESSION["MAX_AGE"]
    salt = name if version == "v5" else ""
    encoded = jwt.encode(
        token, secret=settings.secrets, max_age=max_age, salt=salt, version=version
    )
    expires = datetime.fromtimestamp(int(time.time()) + max_age, tz=timezone.utc)
    write_session_cookie(
        response, request, name, encoded, secure=secure, expires=expires, version=version
    )


def clear_session(response: HttpResponseBase, request: HttpRequest) -> None:
    """Delete every incoming session cookie chunk of the families read (sign-out)."""
    secure = use_secure_cookies(request)
    for _version, name in session_cookie_names(secure):
        clear_session_cookie(response, request, name, secure=secure)
