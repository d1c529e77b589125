"""NextAuth.js v4 / Auth.js v5 compatible session tokens (JWE, ``alg: dir``).

This module imports nothing from Django. It encodes and decodes the encrypted
session tokens that ``next-auth`` 4.24 (``A256GCM``) and ``@auth/core`` 0.41
(``A256CBC-HS512``) write into their session cookies, byte-compatibly:

* v4: HKDF-SHA256(secret, salt="", info="NextAuth.js Generated Encryption Key"),
  32-byte key, ``{"alg":"dir","enc":"A256GCM"}``.
* v5: HKDF-SHA256(secret, salt=<cookie name>, info="Auth.js Generated Encryption
  Key (<salt>)"), 64-byte key, ``kid`` = RFC 7638 thumbprint of the derived key.

Derived keys are cached, so a decode costs one AEAD operation and one
``json.loads``. Every problem with a token raises a subclass of
:class:`~django_nextauth.exceptions.InvalidToken`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.ciphers.base import CipherContext
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .exceptions import (
    ClaimInvalid,
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
_IV_TAG_LENGTHS = {_GCM: (12, 16), _CBC: (16, 32)}
_NUMBER_TYPES = (int, float)
_KNOWN_HEADER_KEYS = frozenset({"alg", "enc", "kid", "typ", "cty"})


class _Key:
    """A derived content-encryption key, ready to use. Its repr shows no key material."""

    __slots__ = ("_ecb", "aead", "cbc_key", "enc", "header_b64", "hmac_inner", "hmac_outer", "kid")

    def __init__(self, raw: bytes, enc: str, with_kid: bool) -> None:
        self.enc = enc
        digest = hashlib.sha256 if len(raw) == 32 else hashlib.sha512
        jwk = b'{"k":"' + _b64encode(raw) + b'","kty":"oct"}'
        self.kid = _b64encode(digest(jwk).digest()).decode("ascii")
        header: dict[str, str] = {"alg": "dir", "enc": enc}
        if with_kid:
            header["kid"] = self.kid
        self.header_b64 = _b64encode(_dumps(header)).decode("ascii")
        self.aead = AESGCM(raw) if enc == _GCM else None
        # A256CBC-HS512: the first half authenticates (HMAC-SHA-512), the second encrypts.
        # HMAC's padded-key states are hashed once here and copied per call.
        mac_key = raw[:32].ljust(128, b"\0")
        self.hmac_inner = hashlib.sha512(bytes(b ^ 0x36 for b in mac_key))
        self.hmac_outer = hashlib.sha512(bytes(b ^ 0x5C for b in mac_key))
        self.cbc_key = raw[32:]
        self._ecb = threading.local()

    def __repr__(self) -> str:
        return f"<_Key enc={self.enc}>"

    def mac(self, aad: bytes, iv: bytes, ciphertext: bytes) -> bytes:
        inner = self.hmac_inner.copy()
        inner.update(aad + iv + ciphertext + (len(aad) * 8).to_bytes(8, "big"))
        outer = self.hmac_outer.copy()
        outer.update(inner.digest())
        return outer.digest()[:32]

    def cbc_decrypt(self, iv: bytes, ciphertext: bytes) -> bytes:
        """AES-CBC decryption as ECB plus XOR, reusing one ECB context per thread."""
        ecb: CipherContext | None = getattr(self._ecb, "ctx", None)
        if ecb is None:
            ecb = self._ecb.ctx = Cipher(algorithms.AES(self.cbc_key), modes.ECB()).decryptor()
        blocks = ecb.update(ciphertext)
        chain = int.from_bytes(iv + ciphertext[:-16], "big")
        return (int.from_bytes(blocks, "big") ^ chain).to_bytes(len(blocks), "big")


def _info(salt: str, version: str) -> bytes:
    if version == "v4":
        suffix = f" ({salt})" if salt else ""
        return f"NextAuth.js Generated Encryption Key{suffix}".encode()
    return f"Auth.js Generated Encryption Key ({salt})".encode()


@lru_cache(maxsize=128)
def _derive(secret: str, salt: str, version: str, enc: str) -> _Key:
    length = 64 if enc == _CBC else 32
    raw = HKDF(
        algorithm=hashes.SHA256(),
        length=length,
        salt=salt.encode(),
        info=_info(salt, version),
    ).derive(secret.encode())
    return _Key(raw, enc, with_kid=version == "v5")


def _secrets(secret: str | Sequence[str]) -> Sequence[str]:
    secrets = (secret,) if type(secret) is str else secret
    if not secrets or isinstance(secrets, str) or not all(type(s) is str and s for s in secrets):
        raise MissingSecret("A non-empty secret (or list of secrets) is required.")
    return secrets


def _salt(salt: str | None, version: str) -> str:
    if salt is not None and version in _ENCS:
        return salt
    if version == "v4":
        return ""
    if version == "v5":
        return V5_DEFAULT_SALT
    raise ValueError(f"version must be 'v4' or 'v5', not {version!r}")


_TO_STANDARD_B64 = bytes.maketrans(b"-_", b"+/")
_B64_PADDING = (b"", b"", b"==", b"=")
# Value of each standard-alphabet base64 character, for the canonical-encoding check.
_B64_VALUES = {c: i for i, c in enumerate(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
_UNUSED_BITS_MASK = (0, 0, 0x0F, 0x03)


def _b64encode(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _b64decode(segment: bytes) -> bytes:
    """Decode one segment, already mapped to the standard alphabet, strictly.

    Only the canonical unpadded encoding is accepted (unused trailing bits must
    be zero), so no two different segments decode to the same bytes.
    """
    rest = len(segment) % 4
    try:
        if rest == 1 or (rest and _B64_VALUES[segment[-1]] & _UNUSED_BITS_MASK[rest]):
            raise ValueError("not canonical")
        return binascii.a2b_base64(segment + _B64_PADDING[rest], strict_mode=True)
    except (binascii.Error, ValueError, KeyError) as exc:
        raise MalformedToken("Token segment is not canonical base64url.") from exc


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# NaN and Infinity are not JSON; Node's JSON.parse refuses them, and so do we.
_decoder = json.JSONDecoder(parse_constant=_reject_constant)
_scan_once = _decoder.scan_once


def _loads(text: str) -> Any:
    """``json.loads`` for the compact JSON that ``JSON.stringify`` writes.

    Scans directly (``JSONDecoder.decode`` spends more time on its whitespace
    regexes than on a small payload) and falls back to the full decoder for
    anything else, which also raises the proper errors.
    """
    try:
        value, end = _scan_once(text, 0)
    except StopIteration:
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
    salt = _salt(salt, version)
    enc = _ENCS[version][0]
    key = _derive(_secrets(secret)[0], salt, version, enc)
    now = int(time.time())
    claims = {**payload, "iat": now, "exp": now + max_age, "jti": str(uuid.uuid4())}
    plaintext = _dumps(claims)
    aad = key.header_b64.encode("ascii")
    if key.aead is not None:
        iv = os.urandom(12)
        sealed = key.aead.encrypt(iv, plaintext, aad)
        ciphertext, tag = sealed[:-16], sealed[-16:]
    else:
        iv = os.urandom(16)
        pad = 16 - len(plaintext) % 16
        encryptor = Cipher(algorithms.AES(key.cbc_key), modes.CBC(iv)).encryptor()
        ciphertext = encryptor.update(plaintext + bytes([pad]) * pad) + encryptor.finalize()
        tag = key.mac(aad, iv, ciphertext)
    parts = (_b64encode(iv), _b64encode(ciphertext), _b64encode(tag))
    return f"{key.header_b64}..{b'.'.join(parts).decode('ascii')}"


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
    salt = _salt(salt, version)
    secrets = _secrets(secret)
    if not isinstance(token, str) or not token:
        raise MalformedToken("Token must be a non-empty string.")
    # Standard-alphabet characters and padding are not base64url: refuse them up front,
    # as the segments are mapped to the standard alphabet below.
    if len(token) > MAX_TOKEN_LENGTH or not token.isascii() or "+" in token or "/" in token:
        raise MalformedToken("Token is too large or has characters outside base64url.")
    parts = token.encode("ascii").translate(_TO_STANDARD_B64).split(b".")
    if len(parts) != 5:
        raise MalformedToken("Token is not a compact JWE.")
    header_b64 = token[: len(parts[0])]
    header = _parse_header(header_b64)
    enc = header["enc"]
    if parts[1] or enc not in _ENCS[version]:
        raise MalformedToken("Token uses an algorithm this version does not accept.")
    iv, ciphertext, tag = _b64decode(parts[2]), _b64decode(parts[3]), _b64decode(parts[4])
    if (len(iv), len(tag)) != _IV_TAG_LENGTHS[enc]:
        raise MalformedToken("Token has a wrong IV or tag length.")
    aad = header_b64.encode("ascii")
    kid = header.get("kid")
    for candidate in secrets:
        key = _derive(candidate, salt, version, enc)
        if kid is not None and not hmac.compare_digest(kid, key.kid):
            continue
        plaintext = _decrypt(key, aad, iv, ciphertext, tag)
        if plaintext is not None:
            return _validate_claims(plaintext)
    raise DecryptionFailed("No configured secret decrypts this token.")


@lru_cache(maxsize=16)
def _parse_header(header_b64: str) -> dict[str, Any]:
    try:
        raw = _b64decode(header_b64.encode("ascii").translate(_TO_STANDARD_B64))
        header = _loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedToken("Token header is not JSON.") from exc
    if not isinstance(header, dict):
        raise MalformedToken("Token header is not a JSON object.")
    if header.get("alg") != "dir" or header.get("enc") not in (_GCM, _CBC):
        raise MalformedToken("Token uses an algorithm that is not allowed.")
    if not _KNOWN_HEADER_KEYS.issuperset(header):
        # zip, crit and any other header parameter we do not implement.
        raise MalformedToken("Token header has unsupported parameters.")
    if "kid" in header and not isinstance(header["kid"], str):
        raise MalformedToken("Token kid is not a string.")
    return header


def _decrypt(key: _Key, aad: bytes, iv: bytes, ciphertext: bytes, tag: bytes) -> bytes | None:
    """Return the plaintext, or ``None`` when this key does not open the token."""
    if key.aead is not None:
        try:
            return key.aead.decrypt(iv, ciphertext + tag, aad)
        except InvalidTag:
            return None
    # A256CBC-HS512 (RFC 7518 5.2.2.2): authenticate first, in constant time.
    if not hmac.compare_digest(key.mac(aad, iv, ciphertext), tag):
        return None
    if not ciphertext or len(ciphertext) % 16:
        return None
    padded = key.cbc_decrypt(iv, ciphertext)
    pad = padded[-1]
    if not 1 <= pad <= 16 or padded[-pad:] != bytes([pad]) * pad:
        return None
    return padded[:-pad]


def _validate_claims(plaintext: bytes) -> dict[str, Any]:
    try:
        claims = _loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedToken("Token payload is not JSON.") from exc
    if not isinstance(claims, dict):
        raise MalformedToken("Token payload is not a JSON object.")
    now = time.time()
    exp = claims.get("exp", now)
    nbf = claims.get("nbf", now)
    if (
        type(exp) not in _NUMBER_TYPES  # bool is not a number
        or type(nbf) not in _NUMBER_TYPES
        or type(claims.get("iat", now)) not in _NUMBER_TYPES
    ):
        raise ClaimInvalid("Claims exp, nbf and iat must be numbers.")
    if "exp" in claims and exp <= now - CLOCK_TOLERANCE:
        raise TokenExpired("Token has expired.")
    if nbf > now + CLOCK_TOLERANCE:
        raise ClaimInvalid("Token is not valid yet.")
    return claims
