"""The challenge cookie, as @auth/core's ``webauthnChallenge`` writes it, used once.

``authjs.challenge`` (v5 only) holds two nested session JWEs, byte-compatible with
@auth/core 0.41: the inner one is ``{"challenge", "registerData"?}`` salted with
``encodedWebauthnChallenge``; the outer one, salted with the cookie's full name, is
``{"value": <inner>, "provider": <id>}`` like the OAuth check cookies. Both live
15 minutes. A challenge the callback accepted is marked spent in the limiter's cache
(``ratelimit.take`` with a limit of one), so the same cookie and assertion cannot be
replayed within those 15 minutes, whichever authenticator counter they carry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from django_nextauth import jwt
from django_nextauth.cookies import decode_value
from django_nextauth.dialect import CHALLENGE_COOKIE_MAX_AGE, Dialect
from django_nextauth.exceptions import InvalidToken, NextAuthError
from django_nextauth.ratelimit import Counter, take

__all__ = ["Challenge", "ChallengeError", "SealedChallenge", "open_challenge", "seal_challenge"]

#: The inner JWE's salt (@auth/core's ``webauthnChallengeSalt``).
CHALLENGE_SALT = "encodedWebauthnChallenge"


class ChallengeError(NextAuthError):
    """The challenge cookie is missing, unreadable, expired, another provider's, or spent."""


@dataclass(frozen=True)
class SealedChallenge:
    """The cookie to write: ``name``, ``value``, ``max_age`` and ``expires``."""

    name: str
    value: str
    max_age: int
    expires: datetime


@dataclass(frozen=True)
class Challenge:
    """A challenge read back: the base64url value, and the registering user (register only)."""

    challenge: str
    register_data: Mapping[str, Any] | None


def seal_challenge(
    challenge: str,
    register_data: Mapping[str, Any] | None,
    *,
    provider_id: str,
    rules: Dialect,
    secret: str | Sequence[str],
    secure: bool,
) -> SealedChallenge:
    """The ``Set-Cookie`` of a new challenge for ``provider_id``."""
    payload: dict[str, Any] = {"challenge": challenge}
    if register_data is not None:  # JSON.stringify drops an undefined registerData
        payload["registerData"] = dict(register_data)
    age = CHALLENGE_COOKIE_MAX_AGE
    inner = jwt.encode(
        payload, secret=secret, max_age=age, salt=CHALLENGE_SALT, version=rules.version
    )
    name = rules.cookie("webauthn_challenge", secure=secure)
    outer = jwt.encode(
        {"value": inner, "provider": provider_id},
        secret=secret,
        max_age=age,
        salt=name,
        version=rules.version,
    )
    return SealedChallenge(name, outer, age, datetime.now(timezone.utc) + timedelta(seconds=age))


def open_challenge(
    cookies: Mapping[str, str],
    *,
    provider_id: str,
    rules: Dialect,
    secret: str | Sequence[str],
    secure: bool,
) -> Challenge:
    """Read the request's challenge for ``provider_id`` and spend it.

    Raises :class:`ChallengeError`; a broken limiter cache raises
    :class:`~django_nextauth.ratelimit.LimiterUnavailable` (the views answer 503).
    """
    name = rules.cookie("webauthn_challenge", secure=secure)
    raw = cookies.get(name)
    if not raw:
        raise ChallengeError("the challenge cookie is missing")
    try:
        outer = jwt.decode(decode_value(raw), secret=secret, salt=name, version=rules.version)
        if outer.get("provider") != provider_id:
            raise ChallengeError("the challenge cookie was made for another provider")
        value = outer.get("value")
        if not isinstance(value, str) or not value:
            raise ChallengeError("the challenge cookie holds no value")
        inner = jwt.decode(value, secret=secret, salt=CHALLENGE_SALT, version=rules.version)
    except InvalidToken as exc:
        raise ChallengeError("the challenge cookie is invalid or expired") from exc
    challenge = inner.get("challenge")
    register_data = inner.get("registerData")
    if not isinstance(challenge, str) or not challenge:
        raise ChallengeError("the challenge cookie holds no challenge")
    if register_data is not None and not isinstance(register_data, Mapping):
        raise ChallengeError("the challenge cookie's registration data is malformed")
    spent = Counter("webauthn-challenge", f"{provider_id}:{challenge}", 1, age_of(inner))
    if take([spent]) is None:
        raise ChallengeError("the challenge was used already")
    return Challenge(challenge, register_data)


def age_of(claims: Mapping[str, Any]) -> int:
    """How long the spent mark must outlive: until the token expires (at least a second)."""
    exp = claims.get("exp")
    now = int(datetime.now(timezone.utc).timestamp())
    remaining = int(exp) - now if isinstance(exp, (int, float)) else CHALLENGE_COOKIE_MAX_AGE
    return max(1, min(remaining + 60, CHALLENGE_COOKIE_MAX_AGE + 60))
