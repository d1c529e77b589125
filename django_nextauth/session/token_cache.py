"""Recently decrypted session tokens, so a repeated cookie skips the AEAD work.

A browser sends the same session cookie with every request. The cache keeps, per
token (keyed by the whole token and the key material: secrets, salt, version, so a
tampered token or a rotated secret is a different key), what decryption proved: its
claims, parsed once. Those claims are never handed out: callers get a deep copy
(:attr:`CachedToken.claims`), so no caller can change what the next request sees,
whatever the claims' shape (lists, nested objects). Everything time-dependent
(``exp`` / ``nbf``, the absolute lifetime, revocation) is checked by the strategy on
every read, hit or miss.

With NextAuth's default callbacks the session user is a function of the claims
alone, so it is built once per cached token (:meth:`CachedToken.default_user`); the
warm-path row of ``bench/middleware.py`` is what that saves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django_nextauth import jwt
from django_nextauth.users import SessionUser

from .shape import AUTH_TIME

__all__ = ["CacheKey", "CachedToken", "DecryptedTokens"]

CacheKey = tuple[str, tuple[str, ...], str, str]  # (token, secrets, salt, version)


_SCALARS = frozenset({str, int, float, bool, type(None)})


def copy_claims(value: Any) -> Any:
    """A deep copy of a parsed JSON value: new dicts and lists, the same immutable scalars.

    A second parse of the plaintext gives the same, at ~3x the cost on a realistic token
    (bench/middleware.py's cold rows; tests/test_token_cache.py pins the invariant). The
    depth is bounded by ``jwt.MAX_JSON_DEPTH``.
    """
    kind = type(value)
    if kind is dict:
        return {k: v if type(v) in _SCALARS else copy_claims(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _SCALARS else copy_claims(v) for v in value]
    return value


class CachedToken:
    """A token that decrypted: its claims as first parsed (read-only)."""

    __slots__ = ("_containers", "_user", "auth_time", "checked", "exp", "nbf")

    def __init__(self, plaintext: bytes) -> None:
        #: The claims, for the strategy's checks only: never handed out, never changed.
        self.checked: dict[str, Any] = jwt.load_claims(plaintext)
        # What every read checks against the clock, type-checked once here (raises
        # ClaimInvalid, and nothing is kept): a hit compares two numbers, as
        # jwt.check_times does, and never walks the claims (tests/test_token_cache.py).
        self.exp, self.nbf = jwt.claim_times(self.checked)
        signed_in = self.checked.get(AUTH_TIME)
        #: The sign-in time, or ``None`` when the token has no usable one.
        self.auth_time: float | None = signed_in if type(signed_in) in (int, float) else None
        self._user: SessionUser | None = None
        self._containers: tuple[str, ...] | None = None

    @property
    def claims(self) -> dict[str, Any]:
        """A new dict of the claims, for the caller to keep or change.

        The top level is copied in C (``dict.copy``: its scalars are immutable) and only the
        claims that hold a list or dict are copied deeply; which ones do is worked out on the
        first copy. A realistic token has one or two of them among a dozen claims
        (``bench/opcodes.py``: ~180 -> ~40 bytecodes a copy; tests/test_token_cache.py)."""
        containers = self._containers
        if containers is None:
            containers = self._containers = tuple(
                key for key, value in self.checked.items() if type(value) not in _SCALARS
            )
        claims = self.checked.copy()
        for key in containers:
            claims[key] = copy_claims(claims[key])
        return claims

    def default_user(self, build: Callable[[dict[str, Any]], SessionUser]) -> SessionUser:
        """The session user of NextAuth's default callbacks, built once (it is read-only).

        ``build`` is handed the kept claims themselves, not a copy of them all: it must keep
        no list or dict of them (``shape.default_session_user`` copies any value that is not
        a scalar; tests/test_token_cache.py). The copy cost ~4 us a cold request."""
        if self._user is None:
            self._user = build(self.checked)
        return self._user


class DecryptedTokens:
    """A bounded map of token -> :class:`CachedToken`. Owned by one strategy."""

    #: Enough for the active users of one process: ~2.7 MiB when full of realistic tokens
    #: (~2.7 KiB each with its session user for a 480-char token; bench/middleware.py).
    size = 1024

    def __init__(self) -> None:
        self._tokens: dict[CacheKey, CachedToken] = {}

    def __len__(self) -> int:
        return len(self._tokens)

    def get(self, key: CacheKey) -> CachedToken | None:
        """The token for ``key`` if remembered, else ``None``."""
        return self._tokens.get(key)

    def add(self, key: CacheKey, plaintext: bytes) -> CachedToken:
        """Remember that ``key`` decrypted to ``plaintext``: its claims are parsed and checked
        now (which may raise: nothing is kept then)."""
        token = CachedToken(plaintext)
        if len(self._tokens) >= self.size:
            # Cheaper than LRU bookkeeping; a busy process refills it within requests.
            self._tokens.clear()
        self._tokens[key] = token
        return token

    def clear(self) -> None:
        self._tokens.clear()
