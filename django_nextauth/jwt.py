"""NextAuth.js v4 / Auth.js v5 compatible session tokens (JWE, ``alg: dir``).

This module imports nothing from Django. It encodes and decodes the encrypted
session tokens that ``next-auth`` 4.24 (``A256GCM``) and ``@auth/core`` 0.41
(``A256CBC-HS512``) write into their session cookies, byte-compatibly:

* v4: HKDF-SHA256(secret, salt="", info="NextAuth.js Generated Encryption Key"),
  32-byte key, ``{"alg":"dir","enc":"A256GCM"}``.
* v5: HKDF-SHA256(secret, salt=<cookie name>, info="Auth.js Generated Encryption
  Key (<salt>)"), 64-byte key, ``kid`` = RFC 7638 thumbprint of the derived key.

Derived keys and parsed headers are cached, so a decode costs three base64
decodes, one AEAD operation and one ``json.loads``. Every problem with a token
raises a subclass of :class:`~django_nextauth.exceptions.InvalidToken`.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import json
import json.scanner
import os
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as hmac_primitive
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.ciphers.base import CipherContext
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .exceptions import (
    ClaimInvalid,
    ConfigurationError,
    DecryptionFailed,
    MalformedToken,
    MissingSecret,
    TokenExpired,
)

__all__ = [
    "CLOCK_TOLERANCE",
    "DEFAULT_MAX_AGE",
    "MAX_TOKEN_LENGTH",
    "V5_DEFAULT_SALT",
    "Version",
    "decode",
    "encode",
]

Version = Literal["v4", "v5"]

DEFAULT_MAX_AGE = 30 * 24 * 60 * 60
CLOCK_TOLERANCE = 15
MAX_TOKEN_LENGTH = 64 * 1024
V5_DEFAULT_SALT = "authjs.session-token"

_GCM = "A256GCM"
_CBC = "A256CBC-HS512"
# Content encryption each version accepts; the first one is what it encodes with.
_ENCS: dict[str, tuple[str, ...]] = {"v4": (_GCM,), "v5": (_CBC, _GCM)}
_DEFAULT_SALTS = {"v4": "", "v5": V5_DEFAULT_SALT}
_IV_TAG_LENGTHS = {_GCM: (12, 16), _CBC: (16, 32)}
_KNOWN_HEADER_KEYS = frozenset({"alg", "enc", "kid", "typ", "cty"})
_NUMBER_TYPES = (int, float)  # not bool: JSON true is no NumericDate


class _Key:
    """A derived content-encryption key, ready to use. Its repr shows no key material."""

    def __init__(self, raw: bytes, enc: str, *, with_kid: bool) -> None:
        self.enc = enc
        jwk = b'{"k":"' + _b64encode(raw) + b'","kty":"oct"}'
        # RFC 7638 thumbprint with SHA-256 / SHA-512 for a 256 / 512-bit key, as @auth/core.
        self.kid = _b64encode(hashlib.new(f"sha{len(raw) * 8}", jwk).digest()).decode()
        header = {"alg": "dir", "enc": enc, **({"kid": self.kid} if with_kid else {})}
        self.header_b64 = _b64encode(_dumps(header))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} enc={self.enc}>"

    def seal(self, aad: bytes, plaintext: bytes) -> tuple[bytes, bytes, bytes]:
        """Encrypt; return ``(iv, ciphertext, tag)``."""
        raise NotImplementedError

    def open(self, aad: bytes, iv: bytes, ciphertext: bytes, tag: bytes) -> bytes | None:
        """Return the plaintext, or ``None`` when this key does not open the token."""
        raise NotImplementedError


class _GcmKey(_Key):
    """``A256GCM``: the v4 format, also accepted by v5."""

    def __init__(self, raw: bytes, *, with_kid: bool) -> None:
        super().__init__(raw, _GCM, with_kid=with_kid)
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


class _CbcHmacKey(_Key):
    """``A256CBC-HS512`` (RFC 7518 5.2): the first 32 bytes authenticate, the last 32 encrypt."""

    def __init__(self, raw: bytes, *, with_kid: bool) -> None:
        super().__init__(raw, _CBC, with_kid=with_kid)
        # Keyed once; each MAC works on a copy.
        self._mac = hmac_primitive.HMAC(raw[:32], hashes.SHA512())
        self._aes = algorithms.AES(raw[32:])
        self._local = threading.local()

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
        padded = self._cbc_decryptor().update(iv + ciphertext)[16:]
        pad = padded[-1]
        if not 1 <= pad <= 16 or padded[-pad:] != bytes([pad]) * pad:
            return None
        return padded[:-pad]

    def _cbc_decryptor(self) -> CipherContext:
        """One CBC decryptor per thread, reused: building one costs more than decrypting.

        CBC decrypts block i as AES⁻¹(C[i]) XOR C[i-1], so feeding ``iv + ciphertext``
        yields one garbage block (dropped by the caller), then the exact plaintext,
        whatever chaining state the previous call left behind. Inputs are whole blocks,
        so nothing stays buffered between calls.
        """
        decryptor: CipherContext | None = getattr(self._local, "decryptor", None)
        if decryptor is None:
            decryptor = Cipher(self._aes, modes.CBC(bytes(16))).decryptor()
            self._local.decryptor = decryptor
        return decryptor


def _info(salt: str, version: str) -> bytes:
    if version == "v4":
        suffix = f" ({salt})" if salt else ""
        return f"NextAuth.js Generated Encryption Key{suffix}".encode()
    return f"Auth.js Generated Encryption Key ({salt})".encode()


def _derive(secret: str, salt: str, version: str, enc: str) -> _Key:
    length = 64 if enc == _CBC else 32
    raw = HKDF(
        algorithm=hashes.SHA256(), length=length, salt=salt.encode(), info=_info(salt, version)
    ).derive(secret.encode())
    key_class = _CbcHmacKey if enc == _CBC else _GcmKey
    return key_class(raw, with_kid=version == "v5")


@lru_cache(maxsize=64)
def _keyring(secrets: tuple[str, ...], salt: str, version: str, enc: str) -> tuple[_Key, ...]:
    """The derived keys for ``secrets`` in order, validated and derived once."""
    if not secrets or not all(isinstance(s, str) and s for s in secrets):
        raise MissingSecret("A non-empty secret (or list of secrets) is required.")
    if not isinstance(salt, str):
        raise ConfigurationError("The salt must be a string.")
    return tuple(_derive(secret, salt, version, enc) for secret in secrets)


def _resolve(
    secret: str | Sequence[str], salt: str | None, version: str
) -> tuple[tuple[str, ...], str]:
    """Normalise ``secret`` to a tuple and apply the version's default salt."""
    if not secret:
        raise MissingSecret("A non-empty secret (or list of secrets) is required.")
    if version not in _DEFAULT_SALTS:
        raise ConfigurationError(f"version must be 'v4' or 'v5', not {version!r}")
    secrets = (secret,) if isinstance(secret, str) else tuple(secret)
    return secrets, _DEFAULT_SALTS[version] if salt is None else salt


_URLSAFE_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_STANDARD_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_TO_BASE64URL = bytes.maketrans(_STANDARD_ALPHABET, _URLSAFE_ALPHABET)


def _decoding_tables() -> tuple[bytes, bytes]:
    """The byte tables the decoder uses, built once.

    The first maps base64url to the standard alphabet (what binascii decodes),
    keeps the "." separator, and turns every other byte into "!", so that one
    ``bytes.translate`` both converts a token and flags foreign characters
    ("+", "/" and "=" included). The second gives each standard character's value.
    """
    translate, values = bytearray(b"!" * 256), bytearray(256)
    for value, std_char in enumerate(_STANDARD_ALPHABET):
        translate[_URLSAFE_ALPHABET[value]] = std_char
        values[std_char] = value
    translate[ord(".")] = ord(".")
    return bytes(translate), bytes(values)


_FROM_BASE64URL, _B64_VALUES = _decoding_tables()
_FOREIGN = ord("!")  # an int: ``int in bytes`` is a plain memchr


def _b64encode(data: bytes) -> bytes:
    return binascii.b2a_base64(data, newline=False).rstrip(b"=").translate(_TO_BASE64URL)


_B64_PADDING = (b"", b"", b"==", b"=")
_UNUSED_BITS_MASK = (0, 0, 0x0F, 0x03)


def _b64decode(segment: bytes) -> bytes:
    """Decode one segment, already checked and mapped to the standard alphabet, strictly.

    Only the canonical unpadded encoding is accepted (unused trailing bits must
    be zero), so no two different segments decode to the same bytes.
    """
    rest = len(segment) % 4
    if rest:
        if rest == 1 or _B64_VALUES[segment[-1]] & _UNUSED_BITS_MASK[rest]:
            raise MalformedToken("Token segment is not canonical base64url.")
        segment += _B64_PADDING[rest]
    return binascii.a2b_base64(segment)


def _dumps(obj: Any) -> bytes:
    """Compact JSON, UTF-8, as ``JSON.stringify`` writes it."""
    try:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
    except UnicodeEncodeError:
        # A lone surrogate: JSON.stringify escapes it as \\udXXX, and so does ensure_ascii.
        return json.dumps(obj, separators=(",", ":"), allow_nan=False).encode()


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# NaN and Infinity are not JSON; Node's JSON.parse refuses them, and so do we.
_decoder = json.JSONDecoder(parse_constant=_reject_constant)
# The decoder's own scanner (typeshed types the argument as the C scanner; any decoder works).
_scan = json.scanner.make_scanner(_decoder)  # type: ignore[arg-type]


def _loads(text: str) -> Any:
    """``json.loads`` for the compact JSON that ``JSON.stringify`` writes.

    Scans directly: ``json.loads`` spends more time on its whitespace regexes
    than on a small payload. Anything else (surrounding whitespace, junk) goes
    to the full decoder, which accepts or rejects it exactly as ``json.loads``.
    """
    try:
        value, end = _scan(text, 0)
    except StopIteration:  # no JSON value at the start
        end = -1
    return value if end == len(text) else _decoder.decode(text)


def encode(
    payload: Mapping[str, Any],
    *,
    secret: str | Sequence[str],
    max_age: int = DEFAULT_MAX_AGE,
    salt: str | None = None,
    version: Version = "v4",
) -> str:
    """Encrypt ``payload`` into a session token, as NextAuth's ``encode`` does.

    ``iat``, ``exp`` (now + ``max_age``) and a random ``jti`` are set, overriding
    any values in ``payload``. With a list of secrets the first one encrypts.
    """
    secrets, salt = _resolve(secret, salt, version)
    key = _keyring(secrets, salt, version, _ENCS[version][0])[0]
    now = int(time.time())
    claims = {**payload, "iat": now, "exp": now + max_age, "jti": str(uuid.uuid4())}
    iv, ciphertext, tag = key.seal(key.header_b64, _dumps(claims))
    segments = (key.header_b64, b"", _b64encode(iv), _b64encode(ciphertext), _b64encode(tag))
    return b".".join(segments).decode("ascii")


def decode(
    token: str,
    *,
    secret: str | Sequence[str],
    salt: str | None = None,
    version: Version = "v4",
) -> dict[str, Any]:
    """Decrypt and validate a session token; return its claims.

    Raises a subclass of :class:`~django_nextauth.exceptions.InvalidToken` for
    every unusable token. ``exp`` and ``nbf`` are checked with 15 s clock skew.
    With a list of secrets, a v5 token's ``kid`` picks the secret; tokens
    without a ``kid`` are tried against each secret in order.
    """
    secrets, salt = _resolve(secret, salt, version)
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH or not token.isascii():
        raise MalformedToken("Token must be a non-empty ASCII string of at most 64 KiB.")
    raw = token.encode("ascii")
    standard = raw.translate(_FROM_BASE64URL)
    if _FOREIGN in standard:
        raise MalformedToken("Token has characters outside base64url.")
    parts = standard.split(b".")
    if len(parts) != 5 or parts[1]:
        raise MalformedToken("Token is not a compact JWE with direct encryption.")
    aad = raw[: len(parts[0])]  # the header exactly as sent authenticates the ciphertext
    enc, keys = _header_keys(aad, secrets, salt, version)
    iv, ciphertext, tag = _b64decode(parts[2]), _b64decode(parts[3]), _b64decode(parts[4])
    if (len(iv), len(tag)) != _IV_TAG_LENGTHS[enc]:
        raise MalformedToken("Token has a wrong IV or tag length.")
    for key in keys:
        plaintext = key.open(aad, iv, ciphertext, tag)
        if plaintext is not None:
            return _validate_claims(plaintext)
    raise DecryptionFailed("No configured secret decrypts this token.")


@lru_cache(maxsize=64)
def _header_keys(
    header_b64: bytes, secrets: tuple[str, ...], salt: str, version: str
) -> tuple[str, tuple[_Key, ...]]:
    """Allow-list a protected header; return its ``enc`` and the keys that may open the token.

    Cached: a server sees a handful of distinct headers (one per version and secret).
    """
    try:
        header = _loads(_b64decode(header_b64.translate(_FROM_BASE64URL)).decode())
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise MalformedToken("Token header is not JSON.") from exc
    if not isinstance(header, dict):
        raise MalformedToken("Token header is not a JSON object.")
    enc = header.get("enc")
    if header.get("alg") != "dir" or enc not in _ENCS[version]:
        raise MalformedToken("Token uses an algorithm this version does not accept.")
    if not _KNOWN_HEADER_KEYS.issuperset(header):
        # zip, crit and any other header parameter we do not implement.
        raise MalformedToken("Token header has unsupported parameters.")
    keys = _keyring(secrets, salt, version, enc)
    if "kid" not in header:
        return enc, keys
    kid = header["kid"]
    if not (isinstance(kid, str) and kid.isascii()):
        # Thumbprints are base64url; compare_digest also needs ASCII.
        raise MalformedToken("Token kid is not a thumbprint.")
    return enc, tuple(key for key in keys if hmac.compare_digest(kid, key.kid))


def _validate_claims(plaintext: bytes) -> dict[str, Any]:
    try:
        claims = _loads(plaintext.decode())
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise MalformedToken("Token payload is not JSON.") from exc
    if type(claims) is not dict:
        raise MalformedToken("Token payload is not a JSON object.")
    # Whole seconds, as jose compares; absent claims pass.
    now = int(time.time())
    exp = claims.get("exp", now)
    nbf = claims.get("nbf", now)
    if (
        type(exp) not in _NUMBER_TYPES
        or type(nbf) not in _NUMBER_TYPES
        or type(claims.get("iat", now)) not in _NUMBER_TYPES
    ):
        raise ClaimInvalid("Claims exp, nbf and iat must be numbers.")
    if "exp" in claims and exp <= now - CLOCK_TOLERANCE:
        raise TokenExpired("Token has expired.")
    if nbf > now + CLOCK_TOLERANCE:
        raise ClaimInvalid("Token is not valid yet.")
    return claims
