"""Recently decrypted session tokens, so a repeated cookie skips the AEAD work.

A browser sends the same session cookie with every request. The cache keeps the
*authenticated plaintext* of a token, keyed by the whole token and the key
material (secrets, salt, version): a tampered token or a rotated secret is a
different key. It holds only what decryption proved; everything after it (JSON
parsing into fresh objects, the ``exp`` / ``nbf`` check, the absolute lifetime,
revocation) runs on every read, hit or miss. So it serves every claim shape
(lists, nested objects), and no caller can change what the next request sees.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["CacheKey", "DecryptedTokens"]

CacheKey = tuple[str, tuple[str, ...], str, str]  # (token, secrets, salt, version)


class DecryptedTokens:
    """A bounded map of token -> plaintext. Owned by one :class:`~.strategies.JwtStrategy`."""

    #: Enough for the active users of one process; a 600-byte token costs ~1 KiB here.
    size = 1024

    def __init__(self) -> None:
        self._plaintexts: dict[CacheKey, bytes] = {}

    def __len__(self) -> int:
        return len(self._plaintexts)

    def get_or_decrypt(self, key: CacheKey, decrypt: Callable[[], bytes]) -> bytes:
        """The plaintext for ``key``: remembered, or ``decrypt()`` (which may raise)."""
        plaintext = self._plaintexts.get(key)
        if plaintext is None:
            plaintext = decrypt()
            if len(self._plaintexts) >= self.size:
                # Cheaper than LRU bookkeeping; a busy process refills it within requests.
                self._plaintexts.clear()
            self._plaintexts[key] = plaintext
        return plaintext

    def clear(self) -> None:
        self._plaintexts.clear()
