"""NextAuth's default session and token shape, in one place.

The default token of a user (:func:`user_to_token`), the claims a database session shows
(:func:`stored_claims`), the default session dict (:func:`default_session`, and a
database session's :func:`stored_session`) and the :class:`SessionUser` of a session
(:func:`session_user`, and :func:`default_session_user` under the default callbacks).
Pure functions of their arguments (and ``SESSION["MAX_AGE"]``): the strategies and the
request state build every session through here.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Mapping
from typing import Any

from django_nextauth.conf import nextauth_settings
from django_nextauth.users import ANONYMOUS, AnonymousSessionUser, SessionUser

__all__ = [
    "AUTH_TIME",
    "SID",
    "Claims",
    "Resolved",
    "default_session",
    "default_session_user",
    "default_user",
    "js_iso",
    "session_user",
    "stored_claims",
    "stored_session",
    "user_to_token",
]

Claims = dict[str, Any]
Resolved = tuple[Claims | None, dict[str, Any] | None]  # (token, session); (None, None): ended
#: The claim that keeps the sign-in time (seconds) across re-issues, as OpenID Connect names it.
AUTH_TIME = "auth_time"
#: The stable session id claim: set at sign-in, kept when the token is re-issued.
SID = "sid"
_SCALARS = frozenset({str, int, float, bool, type(None)})  # JSON's immutable values


def user_to_token(user: Any) -> Claims:
    """NextAuth's default token for a signed-in user: ``{name, email, picture, sub}``.

    ``user`` is a mapping (NextAuth's user shape: ``id``, ``name``, ``email``,
    ``image``) or a Django user (name = full name or username, ``sub`` = pk).
    As in NextAuth, a field the user does not have is left out; ``None`` stays.
    """
    token: Claims = {}
    if isinstance(user, Mapping):
        for key, source in (("name", "name"), ("email", "email"), ("picture", "image")):
            if source in user:
                token[key] = user[source]
        if user.get("id") is not None:
            token["sub"] = str(user["id"])
        return token
    get_full_name = getattr(user, "get_full_name", None)
    full_name = get_full_name() if callable(get_full_name) else ""
    get_username = getattr(user, "get_username", None)
    token["name"] = full_name or (get_username() if callable(get_username) else None)
    if hasattr(user, "email"):
        token["email"] = user.email
    image = getattr(user, "image", None)
    # An ImageField gives a FieldFile: its URL is what a browser can show.
    picture = image if isinstance(image, str) or not image else getattr(image, "url", None)
    if picture:
        token["picture"] = picture
    if user.pk is not None:
        token["sub"] = str(user.pk)
    return token


def stored_claims(record: Any, user: Any, max_age: int) -> Claims:
    """What ``request.session_token`` shows for a database session: the user's token fields,
    the session id (``sid``), when it began (``auth_time``), was last renewed (``iat``),
    and ends (``exp``)."""
    expires = int(record.expires.timestamp())
    return {
        **user_to_token(user),
        SID: str(record.pk),
        AUTH_TIME: int(record.created.timestamp()),
        "iat": expires - max_age,
        "exp": expires,
    }


def default_user(token: Mapping[str, Any]) -> dict[str, Any]:
    """NextAuth's ``session.user``: ``{name, email, image: picture}``; absent fields stay absent.

    A new dict that shares no list or dict with ``token`` (a value that is not a JSON scalar
    is deep-copied): the session user of a cached token is built from the claims the cache
    keeps (``token_cache.CachedToken.default_user``), which no request may change.
    """
    user = {}
    if "name" in token:
        user["name"] = _own(token["name"])
    if "email" in token:
        user["email"] = _own(token["email"])
    if "picture" in token:
        user["image"] = _own(token["picture"])
    return user


def _own(value: Any) -> Any:
    return value if type(value) in _SCALARS else copy.deepcopy(value)


def js_iso(moment: float) -> str:
    """A POSIX time as JS ``Date.toISOString()`` writes it: UTC, milliseconds, "Z"."""
    second = int(moment)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
    return f"{stamp}.{int((moment - second) * 1000):03d}Z"


def default_session(token: Mapping[str, Any]) -> dict[str, Any]:
    """NextAuth's default session: ``{user, expires}`` (expires: now + ``SESSION["MAX_AGE"]``)."""
    expires = js_iso(time.time() + nextauth_settings.SESSION["MAX_AGE"])
    return {"user": default_user(token), "expires": expires}


def stored_session(token: Mapping[str, Any], expires: float) -> dict[str, Any]:
    """A database session's default shape: ``{user, expires}``, ``expires`` the row's."""
    return {"user": default_user(token), "expires": js_iso(expires)}


def session_user(
    session: Any, token: Mapping[str, Any] | None
) -> SessionUser | AnonymousSessionUser:
    """The user of a session dict (``None``: signed out); ``pk`` falls back to ``token["sub"]``."""
    # type() first: isinstance() against an ABC is slow, and these are nearly always dicts.
    if type(session) is not dict and not isinstance(session, Mapping):
        return ANONYMOUS
    user = session.get("user")
    if type(user) is not dict and not isinstance(user, Mapping):
        user = {}
    return SessionUser(user, sub=token.get("sub") if token else None)


def default_session_user(claims: Mapping[str, Any]) -> SessionUser:
    """The session user under NextAuth's default callbacks: a function of the claims alone
    (no session dict, and no expiry string, is built for it). Keeps no list or dict of
    ``claims`` (:func:`default_user`), so ``claims`` may be a cached token's own."""
    return SessionUser(default_user(claims), sub=claims.get("sub"))
