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
import hmac
import json
import json.scanner
import time
import uuid
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal

from .exceptions import (
    ClaimInvalid,
    ConfigurationError,
    DecryptionFailed,
    MalformedToken,
    MissingSecret,
    TokenExpired,
)
from .keys import (
    CBC,
    ENCS,
    GCM,
    STANDARD_ALPHABET,
    URLSAFE_ALPHABET,
    Key,
    b64encode,
    dumps,
    keyring,
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

_DEFAULT_SALTS = {"v4": "", "v5": V5_DEFAULT_SALT}
_IV_TAG_LENGTHS = {GCM: (12, 16), CBC: (16, 32)}
_KNOWN_HEADER_KEYS = frozenset({"alg", "enc", "kid", "typ", "cty"})
_NUMBER_TYPES = (int, float)  # not bool: JSON true is no NumericDate


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


def _decoding_tables() -> tuple[bytes, bytes]:
    """The byte tables the decoder uses, built once.

    The first maps base64url to the standard alphabet (what binascii decodes),
    keeps the "." separator, and turns every other byte into "!", so that one
    ``bytes.translate`` both converts a token and flags foreign characters
    ("+", "/" and "=" included). The second gives each standard character's value.
    """
    translate, values = bytearray(b"!" * 256), bytearray(256)
    for value, std_char in enumerate(STANDARD_ALPHABET):
        translate[URLSAFE_ALPHABET[value]] = std_char
        values[std_char] = value
    translate[ord(".")] = ord(".")
    return bytes(translate), bytes(values)


_FROM_BASE64URL, _B64_VALUES = _decoding_tables()
_FOREIGN = ord("!")  # an int: ``int in bytes`` is a plain memchr


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
    key = keyring(secrets, salt, version, ENCS[version][0])[0]
    now = int(time.time())
    claims = {**payload, "iat": now, "exp": now + max_age, "jti": str(uuid.uuid4())}
    iv, ciphertext, tag = key.seal(key.header_b64, dumps(claims))
    segments = (key.header_b64, b"", b64encode(iv), b64encode(ciphertext), b64encode(tag))
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
) -> tuple[str, tuple[Key, ...]]:
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
    if header.get("alg") != "dir" or enc not in ENCS[version]:
        raise MalformedToken("Token uses an algorithm this version does not accept.")
    if not _KNOWN_HEADER_KEYS.issuperset(header):
        # zip, crit and any other header parameter we do not implement.
        raise MalformedToken("Token header has unsupported parameters.")
    keys = keyring(secrets, salt, version, enc)
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
