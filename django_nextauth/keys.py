"""Derived content-encryption keys for the session JWE, and the codecs they share.

HKDF-SHA256 derives a key from a secret exactly as ``next-auth`` (v4) and
``@auth/core`` (v5) do; :func:`keyring` caches the result, since deriving is the
expensive part of NextAuth's own decode. Each :class:`Key` knows its RFC 7638
thumbprint (the v5 ``kid``), its protected header, and how to seal and open.
Key material never appears in a repr or a message. No Django imports here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import sys
from abc import ABC, abstractmethod
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as hmac_primitive
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .dialect import dialect
from .exceptions import ConfigurationError, MissingSecret

GCM = "A256GCM"
CBC = "A256CBC-HS512"


class Key(ABC):
    """A derived content-encryption key, ready to use. Its repr shows no key material."""

    #: The key's size in bytes.
    length: int

    def __init__(self, raw: bytes, enc: str, *, with_kid: bool) -> None:
        self.enc = enc
        jwk = b'{"k":"' + b64encode(raw) + b'","kty":"oct"}'
        # RFC 7638 thumbprint with SHA-256 / SHA-512 for a 256 / 512-bit key, as @auth/core.
        self.kid = b64encode(hashlib.new(f"sha{len(raw) * 8}", jwk).digest()).decode()
        header = {"alg": "dir", "enc": enc, **({"kid": self.kid} if with_kid else {})}
        self.header_b64 = b64encode(dumps(header))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} enc={self.enc}>"

    @abstractmethod
    def seal(self, aad: bytes, plaintext: bytes) -> tuple[bytes, bytes, bytes]:
        """Encrypt; return ``(iv, ciphertext, tag)``."""

    @abstractmethod
    def open(self, aad: bytes, iv: bytes, ciphertext: bytes, tag: bytes) -> bytes | None:
        """Return the plaintext, or ``None`` when this key does not open the token."""


class GcmKey(Key):
    """``A256GCM``: the v4 format, also accepted by v5."""

    length = 32

    def __init__(self, raw: bytes, *, with_kid: bool) -> None:
        super().__init__(raw, GCM, with_kid=with_kid)
        self._aead = AESGCM(raw)

    def seal(self, aad: bytes, plaintext: bytes) -> tuple[bytes, bytes, bytes]:
        iv = os.urandom(12)
        sealed = self._aead.encrypt(iv, plaintext, aad)
        return iv, sealed[:-16], sealed[-16:]

    def open(self, aad: bytes, iv: bytes, ciphertext: bytes, tag: bytes) -> bytes | None:
        try:
            return self._aead.decrypt(iv, ciphertext + tag, aad)
        except InvalidTag:
            return None


class CbcHmacKey(Key):
    """``A256CBC-HS512`` (RFC 7518 5.2): the first 32 bytes authenticate, the last 32 encrypt."""

    length = 64

    def __init__(self, raw: bytes, *, with_kid: bool) -> None:
        super().__init__(raw, CBC, with_kid=with_kid)
        # Keyed once; each MAC works on a copy.
        self._mac = hmac_primitive.HMAC(raw[:32], hashes.SHA512())
        self._aes = algorithms.AES(raw[32:])

    def _tag(self, aad: bytes, iv: bytes, ciphertext: bytes) -> bytes:
        mac = self._mac.copy()
        mac.update(aad + iv + ciphertext + (len(aad) * 8).to_bytes(8, "big"))
        return mac.finalize()[:32]

    def seal(self, aad: bytes, plaintext: bytes) -> tuple[bytes, bytes, bytes]:
        iv = os.urandom(16)
        pad = 16 - len(plaintext) % 16
        encryptor = Cipher(self._aes, modes.CBC(iv)).encryptor()
        ciphertext = encryptor.update(plaintext + bytes([pad]) * pad) + encryptor.finalize()
        return iv, ciphertext, self._tag(aad, iv, ciphertext)

    def open(self, aad: bytes, iv: bytes, ciphertext: bytes, tag: bytes) -> bytes | None:
        # Authenticate first, in constant time (RFC 7518 5.2.2.2), so there is no padding oracle.
        if not hmac.compare_digest(self._tag(aad, iv, ciphertext), tag):
            return None
        if not ciphertext or len(ciphertext) % 16:
            return None
        decryptor = Cipher(self._aes, modes.CBC(iv)).decryptor()
        padded = decryptor.update(ciphertext) + decryptor.finalize()
        pad = padded[-1]
        if not 1 <= pad <= 16 or padded[-pad:] != bytes([pad]) * pad:
            return None
        return padded[:-pad]


def derive(secret: str, salt: str, version: str, enc: str) -> Key:
    """The key of ``enc`` that ``version`` derives from ``secret`` and ``salt``."""
    key_class = CbcHmacKey if enc == CBC else GcmKey
    raw = HKDF(
        algorithm=hashes.SHA256(),
        length=key_class.length,
        salt=salt.encode(),
        info=dialect(version).hkdf_info(salt),
    ).derive(secret.encode())
    return key_class(raw, with_kid=dialect(version).header_kid)


@lru_cache(maxsize=64)
def keyring(secrets: tuple[str, ...], salt: str, version: str, enc: str) -> tuple[Key, ...]:
    """The derived keys for ``secrets`` in order, validated and derived once."""
    if not secrets or not all(isinstance(s, str) and s for s in secrets):
        raise MissingSecret("A non-empty secret (or list of secrets) is required.")
    if not isinstance(salt, str):
        raise ConfigurationError("The salt must be a string.")
    return tuple(derive(secret, salt, version, enc) for secret in secrets)


def b64encode(data: bytes) -> bytes:
    """Unpadded base64url, as JWE writes it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=")


_BASE64URL = re.compile(r"[\w-]*", re.ASCII)


def b64decode_plain(segment: str) -> bytes:
    """Strict unpadded base64url, the plain way: the alphabet by regex, then decode and
    re-encode (the segment must come back, so its unused trailing bits are zero).

    The reference :func:`b64decode` must agree with (``tests/test_keys.py``), and the
    decoder on Python 3.10, whose ``a2b_base64`` has no strict mode.
    Raises :class:`binascii.Error` (a :class:`ValueError`) for anything else.
    """
    if _BASE64URL.fullmatch(segment) is None:
        raise binascii.Error("not base64url")
    data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    if b64encode(data).decode("ascii") != segment:
        raise binascii.Error("not canonical base64url")
    return data


# The fast way (bench/decode.py, "base64url segment" rows; ~4x the plain way), same answers:
# the URL alphabet is mapped onto the standard one with every character that is not
# base64url ("+", "/", "=") mapped onto "*", so strict a2b_base64 refuses all of them
# along with everything else outside the alphabet; strict mode does not look at the unused
# low bits of the last character, so a table says which last characters have them zero.
_TO_STANDARD = bytes.maketrans(b"-_+/=", b"+/***")
_PADDING = (b"", b"", b"==", b"=")
# By length % 4: 2 leaves 4 unused bits (alphabet index % 16 == 0), 3 leaves 2 (% 4 == 0).
_CANONICAL_LAST = ("", "", "AQgw", "AEIMQUYcgkosw048")


def _b64decode_strict(segment: str) -> bytes:
    rest = len(segment) % 4
    if rest and (rest == 1 or segment[-1] not in _CANONICAL_LAST[rest]):
        raise binascii.Error("not canonical base64url")
    standard = segment.encode("ascii").translate(_TO_STANDARD) + _PADDING[rest]
    return binascii.a2b_base64(standard, strict_mode=True)


#: Strict unpadded base64url of an ASCII ``segment``: exactly what :func:`b64decode_plain`
#: accepts, and the same bytes; raises :class:`binascii.Error` otherwise.
b64decode = b64decode_plain if sys.version_info < (3, 11) else _b64decode_strict


# Speed trick: the encoders json.dumps would build on each call with these options, made
# once (an encoder keeps no state between calls): ~0.9 us of every token written, so of every
# polled GET /api/auth/session. tests/test_keys.py: the same bytes as json.dumps (Hypothesis).
_COMPACT_UTF8 = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
_COMPACT_ASCII = json.JSONEncoder(separators=(",", ":"), allow_nan=False)


def dumps(obj: Any) -> bytes:
    """Compact JSON, UTF-8, as ``JSON.stringify`` writes it."""
    try:
        return _COMPACT_UTF8.encode(obj).encode()
    except UnicodeEncodeError:
        # A lone surrogate: JSON.stringify escapes it as \\udXXX, and so does ensure_ascii.
        return _COMPACT_ASCII.encode(obj).encode()
