"""Recently decrypted session tokens, so a repeated cookie skips the AEAD work.

A browser sends the same session cookie with every request. The cache keeps, per
token (keyed by the whole token and the key material: secrets, salt, version, so a
tampered token or a rotated secret is a different key), what decryption proved: the
plaintext and its claims as first parsed. Those claims are never handed out: callers
get a fresh dict parsed from the plaintext (:attr:`CachedToken.claims`), so no caller
can change what the next request sees, whatever the claims' shape (lists, nested
objects). Everything time-dependent (``exp`` / ``nbf``, the absolute lifetime,
revocation) is checked by the strategy on every read, hit or miss.

With NextAuth's default callbacks the session user is a function of the claims
alone, so it is built once per cached token (:meth:`CachedToken.default_user`); the
warm-path row of ``bench/middleware.py`` is what that saves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django_nextauth import jwt
from django_nextauth.users import SessionUser

__all__ = ["CacheKey", "CachedToken", "DecryptedTokens"]

CacheKey = tuple[str, tuple[str, ...], str, str]  # (token, secrets, salt, version)


class CachedToken:
    """A token that decrypted: its plaintext and its claims as first parsed (read-only)."""

    __slots__ = ("_user", "checked", "plaintext")

    def __init__(self, plaintext: bytes) -> None:
        self.plaintext = plaintext
        #: The claims, for the strategy's checks only: never handed out, never changed.
        self.checked: dict[str, Any] = jwt.load_claims(plaintext)
        self._user: SessionUser | None = None

    @property
    def claims(self) -> dict[str, Any]:
        """A new dict of the claims, for the caller to keep or change."""
        return jwt.load_claims(self.plaintext)

    def default_user(self, build: Callable[[dict[str, Any]], SessionUser]) -> SessionUser:
        """The session user of NextAuth's default callbacks, built once (it is read-only)."""
        if self._user is None:
            self._user = build(self.claims)
        return self._user


class DecryptedTokens:
    """A bounded map of token -> :class:`CachedToken`. Owned by one strategy."""

    #: Enough for the active users of one process; a 600-byte token costs ~2 KiB here.
    size = 1024

    def __init__(self) -> None:
        self._tokens: dict[CacheKey, CachedToken] = {}

    def __len__(self) -> int:
        return len(self._tokens)

    def get_or_decrypt(self, key: CacheKey, decrypt: Callable[[], bytes]) -> CachedToken:
        """The token for ``key``: remembered, or ``decrypt()``-ed (which may raise, as may
        parsing its claims: nothing is kept then)."""
        token = self._tokens.get(key)
        if token is None:
            token = CachedToken(decrypt())
            if len(self._tokens) >= self.size:
                # Cheaper than LRU bookkeeping; a busy process refills it within requests.
                self._tokens.clear()
            self._tokens[key] = token
        return token

    def clear(self) -> None:
        self._tokens.clear()
