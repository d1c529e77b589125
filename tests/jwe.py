"""A plain, independent JWE reference for the token tests (``cryptography`` only).

It derives NextAuth's keys and seals any header and plaintext with them, so tests
can build tokens our ``encode`` never writes (``zip`` headers, non-JSON payloads,
bad padding, ...) and open our tokens without our code. Written straight from
RFC 7516 / 7518 and docs/protocol.md section 1, with no shortcuts.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from typing import Any

from cryptography.hazmat.primitives import hashes, hmac, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

V5_SALT = "authjs.session-token"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def default_salt(version: str) -> str:
    return V5_SALT if version == "v5" else ""


def derive_key(
    secret: str, *, salt: str | None = None, version: str = "v4", length: int = 0
) -> bytes:
    """NextAuth's HKDF-SHA256 key: 32 bytes for v4 / A256GCM, 64 for v5's A256CBC-HS512."""
    salt = default_salt(version) if salt is None else salt
    if version == "v4":
        info = "NextAuth.js Generated Encryption Key" + (f" ({salt})" if salt else "")
    else:
        info = f"Auth.js Generated Encryption Key ({salt})"
    length = length or (32 if version == "v4" else 64)
    hkdf = HKDF(algorithm=hashes.SHA256(), length=length, salt=salt.encode(), info=info.encode())
    return hkdf.derive(secret.encode())


def thumbprint(key: bytes) -> str:
    """RFC 7638 JWK thumbprint of a symmetric key, SHA-(key bits) as @auth/core computes it."""
    jwk = json.dumps({"k": b64url(key), "kty": "oct"}, separators=(",", ":")).encode()
    return b64url(hashlib.new(f"sha{len(key) * 8}", jwk).digest())


def cbc_hmac_tag(key: bytes, aad: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    """RFC 7518 5.2.2.1: HMAC-SHA-512 over AAD || IV || ciphertext || AL, first 32 bytes."""
    mac = hmac.HMAC(key[:32], hashes.SHA512())
    mac.update(aad + iv + ciphertext + (len(aad) * 8).to_bytes(8, "big"))
    return mac.finalize()[:32]


def header_segment(header: dict[str, Any] | bytes | str) -> str:
    """A protected header as sent: a dict is compact JSON, bytes are used as they are."""
    if isinstance(header, dict):
        header = json.dumps(header, separators=(",", ":")).encode()
    if isinstance(header, bytes):
        return b64url(header)
    return header


def seal(
    plaintext: bytes | dict[str, Any],
    *,
    key: bytes,
    header: dict[str, Any] | bytes | str,
    enc: str | None = None,
    iv: bytes | None = None,
) -> str:
    """A compact JWE of ``plaintext`` (a dict is JSON-encoded) under ``header`` with ``key``.

    ``enc`` picks the cipher (default: the header's ``enc``, which may be a lie).
    """
    if isinstance(plaintext, dict):
        plaintext = json.dumps(plaintext, separators=(",", ":"), ensure_ascii=False).encode()
    protected = header_segment(header)
    enc = enc or (header["enc"] if isinstance(header, dict) else "A256GCM")
    aad = protected.encode()
    if enc == "A256GCM":
        iv = os.urandom(12) if iv is None else iv
        sealed = AESGCM(key[:32]).encrypt(iv, plaintext, aad)
        ciphertext, tag = sealed[:-16], sealed[-16:]
    else:
        iv = os.urandom(16) if iv is None else iv
        padder = padding.PKCS7(128).padder()
        padded = padder.update(plaintext) + padder.finalize()
        encryptor = Cipher(algorithms.AES(key[32:]), modes.CBC(iv)).encryptor()
        ciphertext = encryptor.update(padded) + encryptor.finalize()
        tag = cbc_hmac_tag(key, aad, iv, ciphertext)
    return ".".join((protected, "", b64url(iv), b64url(ciphertext), b64url(tag)))


def open_token(token: str, *, key: bytes) -> tuple[dict[str, Any], bytes]:
    """Decrypt a compact JWE; return its header and plaintext (raises on any failure)."""
    protected, encrypted_key, iv_b64, ciphertext_b64, tag_b64 = token.split(".")
    assert encrypted_key == ""
    header = json.loads(b64url_decode(protected))
    iv, ciphertext, tag = map(b64url_decode, (iv_b64, ciphertext_b64, tag_b64))
    aad = protected.encode()
    if header["enc"] == "A256GCM":
        return header, AESGCM(key).decrypt(iv, ciphertext + tag, aad)
    assert cbc_hmac_tag(key, aad, iv, ciphertext) == tag
    decryptor = Cipher(algorithms.AES(key[32:]), modes.CBC(iv)).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    return header, unpadder.update(padded) + unpadder.finalize()


def v5_header(key: bytes, enc: str = "A256CBC-HS512") -> dict[str, Any]:
    return {"alg": "dir", "enc": enc, "kid": thumbprint(key)}


V4_HEADER = {"alg": "dir", "enc": "A256GCM"}
