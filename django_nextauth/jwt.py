"""NextAuth.js v4 / Auth.js v5 compatible session tokens (JWE, ``alg: dir``).

This module imports nothing from Django. It encodes and decodes the encrypted
session tokens that ``next-auth`` 4.24 (``A256GCM``) and ``@auth/core`` 0.41
(``A256CBC-HS512``) write into their session cookies, byte-compatibly:

* v4: HKDF-SHA256(secret, salt="", info="NextAuth.js Generated Encryption Key"),
  32-byte key, ``{"alg":"dir","enc":"A256GCM"}``.
* v5: HKDF-SHA256(secret, salt=<cookie name>, info="Auth.js Generated Encryption
  Key (<salt>)"), 64-byte key, ``kid`` = RFC 7638 thumbprint of the derived key.

Derived keys and parsed headers are cached, so a decode costs one ``split``, three
strict base64 decodes, one AEAD operation and one JSON parse: within ~1.3x of the bare
CPython floor (``bench/decode.py``). Every problem with a token raises a subclass of
:class:`~django_nextauth.exceptions.InvalidToken`.
"""

from __future__ import annotations

import binascii
import hmac
import json
import os
import time
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from .dialect import VERSIONS, Version, dialect
from .exceptions import (
    ClaimInvalid,
    ConfigurationError,
    DecryptionFailed,
    MalformedToken,
    MissingSecret,
    TokenExpired,
)
from .keys import CBC, GCM, Key, b64decode, b64encode, dumps, keyring

__all__ = [
    "CLOCK_TOLERANCE",
    "DEFAULT_MAX_AGE",
    "MAX_JSON_DEPTH",
    "MAX_TOKEN_LENGTH",
    "Version",
    "decode",
    "decrypt",
    "encode",
    "encrypt",
    "new_jti",
    "check_claims",
    "check_times",
    "claim_times",
    "load_claims",
    "parse_claims",
]

DEFAULT_MAX_AGE = 30 * 24 * 60 * 60
CLOCK_TOLERANCE = 15
MAX_TOKEN_LENGTH = 64 * 1024
#: Deepest nesting of arrays and objects a token's JSON may have (sessions nest a few levels).
MAX_JSON_DEPTH = 64
_IV_TAG_LENGTHS = {GCM: (12, 16), CBC: (16, 32)}
_KNOWN_HEADER_KEYS = frozenset({"alg", "enc", "kid", "typ", "cty"})
_NUMBER_TYPES = (int, float)  # not bool: JSON true is no NumericDate
_TIME_CLAIMS = ("exp", "nbf", "iat")


def _resolve(
    secret: str | Sequence[str], salt: str | None, version: str
) -> tuple[tuple[str, ...], str]:
    """Normalise ``secret`` to a tuple and apply the version's default salt."""
    if not secret:
        raise MissingSecret("A non-empty secret (or list of secrets) is required.")
    if version not in VERSIONS:
        known = ", ".join(map(repr, VERSIONS))
        raise ConfigurationError(f"version must be one of {known}, not {version!r}")
    secrets = (secret,) if isinstance(secret, str) else tuple(secret)
    return secrets, dialect(version).default_salt if salt is None else salt


def _b64decode(segment: str) -> bytes:
    """Decode one base64url segment strictly: only its canonical unpadded encoding, so no
    two different segments decode to the same bytes (see :func:`keys.b64decode`)."""
    try:
        return b64decode(segment)
    except binascii.Error as exc:
        # Only on refusal: say which, for nextauth_decode's user (the token is ASCII here).
        if not segment.replace("-", "").replace("_", "").isalnum():
            raise MalformedToken("Token has characters outside base64url.") from exc
        raise MalformedToken("Token segment is not canonical base64url.") from exc


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# Built once: json.loads(text, parse_constant=...) builds a decoder on every call.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _nests_too_deep(value: Any) -> bool:
    """Whether arrays and objects in ``value`` nest deeper than :data:`MAX_JSON_DEPTH`."""
    stack = [(value, 1)]  # no recursion: the depth is what is in question
    while stack:
        node, depth = stack.pop()
        if type(node) is dict:
            node = node.values()
        elif type(node) is not list:
            continue
        if depth > MAX_JSON_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in node)
    return False


def _loads(text: str) -> Any:
    """``json.loads``, refusing NaN and Infinity as Node's ``JSON.parse`` does, and nesting
    deeper than :data:`MAX_JSON_DEPTH` on every Python (3.12's json stopped near 1,000 with
    RecursionError, 3.13's goes far deeper). Raises :class:`ValueError` or RecursionError."""
    value = _DECODER.decode(text)
    # Fewer opening brackets than the limit cannot nest deeper: the usual case, two C scans.
    if text.count("{") + text.count("[") > MAX_JSON_DEPTH and _nests_too_deep(value):
        raise ValueError("JSON nested too deeply")
    return value


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
    now = int(time.time())
    claims = {**payload, "iat": now, "exp": now + max_age, "jti": new_jti()}
    return encrypt(claims, secret=secret, salt=salt, version=version)


def new_jti() -> str:
    """A token's ``jti``: a random UUID (version 4) as text, as NextAuth's ``encode`` sets it."""
    return _uuid4_text(os.urandom(16))


def _uuid4_text(random: bytes) -> str:
    """``str(uuid.UUID(bytes=random, version=4))``: ``random`` with the version and variant set."""
    # Speed trick: formatted from the bytes, where str(uuid.uuid4()) builds and checks a UUID
    # object: ~1.3 us and ~90 bytecodes of each re-issued token, so of every polled GET
    # /api/auth/session (bench/opcodes.py --poll). tests/test_jwt_fast_path.py: the same text
    # as uuid's for any 16 bytes (Hypothesis).
    octets = bytearray(random)
    octets[6] = octets[6] & 0x0F | 0x40  # version 4
    octets[8] = octets[8] & 0x3F | 0x80  # variant: RFC 9562
    h = octets.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def encrypt(
    claims: Mapping[str, Any],
    *,
    secret: str | Sequence[str],
    salt: str | None = None,
    version: Version = "v4",
) -> str:
    """Encrypt ``claims`` as they are (no ``iat``/``exp``/``jti`` added) into a token."""
    secrets, salt = _resolve(secret, salt, version)
    key = keyring(secrets, salt, version, dialect(version).enc)[0]
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
    return parse_claims(decrypt(token, secret=secret, salt=salt, version=version))


def decrypt(
    token: str,
    *,
    secret: str | Sequence[str],
    salt: str | None = None,
    version: Version = "v4",
) -> bytes:
    """The authenticated plaintext of a session token (the JWE layer of :func:`decode`).

    Raises :class:`MalformedToken` or :class:`DecryptionFailed`; the claims are not
    looked at (see :func:`parse_claims`).
    """
    secrets, salt = _resolve(secret, salt, version)
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH or not token.isascii():
        raise MalformedToken("Token must be a non-empty ASCII string of at most 64 KiB.")
    # Five segments, the second one empty ("dir" has no encrypted key). No regex over the
    # token: each segment's strict base64url decode refuses any character outside the alphabet.
    segments = token.split(".")
    if len(segments) != 5 or segments[1] or not segments[0]:
        raise MalformedToken("Token is not a compact JWE with direct encryption.")
    header_b64, _, iv_b64, ciphertext_b64, tag_b64 = segments
    aad = header_b64.encode("ascii")  # the header exactly as sent authenticates the ciphertext
    enc, keys = _header_keys(header_b64, secrets, salt, version)
    iv, ciphertext, tag = _b64decode(iv_b64), _b64decode(ciphertext_b64), _b64decode(tag_b64)
    if (len(iv), len(tag)) != _IV_TAG_LENGTHS[enc]:
        raise MalformedToken("Token has a wrong IV or tag length.")
    for key in keys:
        plaintext = key.open(aad, iv, ciphertext, tag)
        if plaintext is not None:
            return plaintext
    raise DecryptionFailed("No configured secret decrypts this token.")


@lru_cache(maxsize=64)
def _header_keys(
    header_b64: str, secrets: tuple[str, ...], salt: str, version: str
) -> tuple[str, tuple[Key, ...]]:
    """Allow-list a protected header; return its ``enc`` and the keys that may open the token.

    Cached: a server sees a handful of distinct headers (one per version and secret).
    """
    try:
        header = _loads(_b64decode(header_b64).decode())
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise MalformedToken("Token header is not JSON.") from exc
    if not isinstance(header, dict):
        raise MalformedToken("Token header is not a JSON object.")
    enc = header.get("enc")
    if header.get("alg") != "dir" or enc not in dialect(version).decode_encs:
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


def parse_claims(plaintext: bytes) -> dict[str, Any]:
    """The claims of a decrypted token, with ``exp`` / ``nbf`` checked against the clock now.

    Whole seconds, as jose compares, with :data:`CLOCK_TOLERANCE`; absent claims pass.
    Returns a new dict on every call.
    """
    claims = load_claims(plaintext)
    check_claims(claims)
    return claims


def load_claims(plaintext: bytes) -> dict[str, Any]:
    """The JSON object of a decrypted token (a new dict on every call), unchecked."""
    try:
        claims = _loads(plaintext.decode())
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise MalformedToken("Token payload is not JSON.") from exc
    if type(claims) is not dict:
        raise MalformedToken("Token payload is not a JSON object.")
    return claims


def check_claims(claims: dict[str, Any]) -> None:
    """Raise unless ``exp`` / ``nbf`` / ``iat`` are numbers and the clock is within them now."""
    check_times(*claim_times(claims))


def claim_times(claims: dict[str, Any]) -> tuple[float | None, float | None]:
    """``(exp, nbf)`` of ``claims`` (``None``: absent); raise :class:`ClaimInvalid` unless
    ``exp``, ``nbf`` and ``iat`` are numbers where present. Split from the clock check so
    that a cached token's types are checked once (``session/token_cache.py``)."""
    for name in _TIME_CLAIMS:
        if name in claims and type(claims[name]) not in _NUMBER_TYPES:
            raise ClaimInvalid("Claims exp, nbf and iat must be numbers.")
    return claims.get("exp"), claims.get("nbf")


def check_times(exp: float | None, nbf: float | None) -> None:
    """Raise unless the clock now is within ``exp`` and ``nbf`` (whole seconds, with
    :data:`CLOCK_TOLERANCE`; ``None``: no bound)."""
    now = int(time.time())
    if exp is not None and exp <= now - CLOCK_TOLERANCE:
        raise TokenExpired("Token has expired.")
    if nbf is not None and nbf > now + CLOCK_TOLERANCE:
        raise ClaimInvalid("Token is not valid yet.")
