"""State, PKCE and nonce: the values, and the check cookies as each version writes them.

On sign-in :func:`create_checks` makes the random values (32 bytes, base64url), the
S256 code challenge and the encrypted check cookies; on the callback
:func:`read_checks` reads them back (right provider, not expired) and lists the cookies
to clear. Both take and return plain data, so the caller writes the cookies with
``django_nextauth.cookies.set_cookie`` / ``delete_cookie``.

Cookie names: ``django_nextauth.cookies.cookie_name`` (the site's ``NEXTAUTH["COOKIES"]``
names apply); attributes: ``dialect(version).cookies[kind]``. Values: the session
JWE (``django_nextauth/jwt.py``) of ``{"value", "provider"}``, salted with the full
cookie name, 900 s. In v5 the ``state`` parameter is itself a JWE (salt
``encodedState``) and the state cookie holds that JWE. Sources:
``docs/protocol-providers.md`` §1.5-1.6.

A flow started in a signed-in browser also records which session started it: every check
cookie carries ``"session"``, an opaque binding of that session (NextAuth ignores the extra
field). The callback reports it (:attr:`CallbackChecks.session`) only when every cookie it
read carries the same one, so the account linking can tell a flow this session started
from one it did not.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from django_nextauth import jwt
from django_nextauth.cookies import cookie_name, decode_value
from django_nextauth.dialect import CHECK_COOKIE_MAX_AGE, CookieKind, dialect
from django_nextauth.exceptions import InvalidToken

from .failures import OAuthError

__all__ = [
    "AuthorizationChecks",
    "CallbackChecks",
    "CheckCookie",
    "code_challenge",
    "create_checks",
    "random_value",
    "read_checks",
]

#: Salt of the v5 ``state`` parameter JWE.
STATE_SALT = "encodedState"
_KINDS: dict[str, CookieKind] = {
    "state": "state",
    "pkce": "pkce_code_verifier",
    "nonce": "nonce",
}
CHECK_ORDER = ("state", "pkce", "nonce")


@dataclass(frozen=True)
class CheckCookie:
    """A check cookie to write: ``set_cookie(response, name, value, secure=...,
    max_age=max_age, expires=expires)``."""

    name: str
    value: str
    max_age: int | None
    expires: datetime | None


@dataclass(frozen=True)
class AuthorizationChecks:
    """What sign-in sends: the check parameters and the cookies that remember them."""

    #: The ``state`` parameter as sent (v5: a JWE), or None.
    state: str | None
    code_verifier: str | None
    code_challenge: str | None
    nonce: str | None
    cookies: tuple[CheckCookie, ...]


@dataclass(frozen=True)
class CallbackChecks:
    """What the callback expects: the remembered values and the cookies to clear."""

    state: str | None
    code_verifier: str | None
    nonce: str | None
    #: Full names of the check cookies read; delete them once the callback succeeded.
    clear: tuple[str, ...]
    #: The binding of the session that started the flow (``None``: signed out, no check
    #: cookie, or cookies that disagree).
    session: str | None = None


def random_value() -> str:
    """32 random bytes, base64url without padding (43 characters)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode("ascii")


def code_challenge(verifier: str) -> str:
    """The RFC 7636 S256 challenge of ``verifier``."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def create_checks(
    provider_id: str,
    checks: Sequence[str],
    *,
    version: str,
    secret: str | Sequence[str],
    secure: bool,
    session: str | None = None,
) -> AuthorizationChecks:
    """The check values and cookies of one authorization request.

    ``checks`` is the provider's list for ``version`` (``OAuthConfig.checks(version)``);
    ``secret`` the configured secrets (the first encrypts); ``secure``: whether cookies
    get the ``__Secure-`` prefix and ``Secure``; ``session``: the binding of the session
    that starts the flow, recorded in every cookie (``None``: signed out).
    """
    values: dict[str, str] = {}
    state = verifier = challenge = nonce = None
    if "state" in checks:
        state = random_value()
        if dialect(version).oauth_state_is_jwe:
            state = jwt.encode(
                {"random": state},
                secret=secret,
                max_age=CHECK_COOKIE_MAX_AGE,
                salt=STATE_SALT,
                version="v5",
            )
        values["state"] = state
    if "pkce" in checks:
        verifier = values["pkce"] = random_value()
        challenge = code_challenge(verifier)
    if "nonce" in checks:
        nonce = values["nonce"] = random_value()
    cookies = tuple(
        _cookie(_KINDS[check], value, provider_id, version, secret, secure, session)
        for check, value in values.items()
    )
    return AuthorizationChecks(state, verifier, challenge, nonce, cookies)


def _cookie(
    kind: CookieKind,
    value: str,
    provider_id: str,
    version: str,
    secret: str | Sequence[str],
    secure: bool,
    session: str | None,
) -> CheckCookie:
    spec = dialect(version).cookies[kind]
    name = cookie_name(kind, version=version, secure=secure)
    payload = {"value": value, "provider": provider_id}
    if session is not None:
        payload["session"] = session
    sealed = jwt.encode(
        payload,
        secret=secret,
        max_age=CHECK_COOKIE_MAX_AGE,
        salt=name,
        version=dialect(version).version,
    )
    expires = None
    if spec.expires:
        expires = datetime.now(timezone.utc) + timedelta(seconds=CHECK_COOKIE_MAX_AGE)
    return CheckCookie(name, sealed, spec.max_age, expires)


def read_checks(
    cookies: Mapping[str, str],
    provider_id: str,
    checks: Sequence[str],
    *,
    version: str,
    secret: str | Sequence[str],
    secure: bool,
) -> CallbackChecks:
    """Read and validate the check cookies of a callback (``request.COOKIES``).

    Raises :class:`OAuthError` (kind ``callback``) when a cookie in ``checks`` is
    missing, does not decrypt, has expired or was made for another provider.
    """
    found: dict[str, str] = {}
    clear = []
    sessions = set()
    for check in CHECK_ORDER:
        if check not in checks:
            continue
        name = cookie_name(_KINDS[check], version=version, secure=secure)
        raw = cookies.get(name)
        if not raw:
            raise OAuthError("callback", f"The {check} cookie is missing.")
        try:
            claims = jwt.decode(
                decode_value(raw), secret=secret, salt=name, version=dialect(version).version
            )
        except InvalidToken as exc:
            raise OAuthError("callback", f"The {check} cookie is invalid or expired.") from exc
        value = claims.get("value")
        if not isinstance(value, str) or not value:
            raise OAuthError("callback", f"The {check} cookie holds no value.")
        if claims.get("provider") != provider_id:
            raise OAuthError(
                "callback",
                f"The {check} cookie was created for a different provider than the one "
                "handling the callback.",
            )
        found[check] = value
        clear.append(name)
        session = claims.get("session")
        sessions.add(session if isinstance(session, str) and session else None)
    bound = sessions.pop() if len(sessions) == 1 else None
    return CallbackChecks(
        found.get("state"), found.get("pkce"), found.get("nonce"), tuple(clear), bound
    )
