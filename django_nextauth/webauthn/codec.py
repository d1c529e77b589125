"""The byte encodings Auth.js uses for passkeys: standard base64 in the database, base64url on
the wire (credential ids in ``data.id``, challenges)."""

from __future__ import annotations

import base64
import binascii

__all__ = ["from_base64", "to_base64", "to_base64url"]


def to_base64(data: bytes) -> str:
    """Standard base64 with padding: Node's ``Buffer.toString("base64")``."""
    return base64.b64encode(data).decode("ascii")


def to_base64url(data: bytes) -> str:
    """base64url without padding, as WebAuthn's JSON encodings use."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_base64(text: str) -> bytes:
    """Either alphabet, padded or not (as Node's ``Buffer.from(text, "base64")`` reads it);
    raises :class:`ValueError` for anything else."""
    if not isinstance(text, str) or not text.isascii() or len(text) > 4096:
        raise ValueError("not base64")
    plain = text.replace("-", "+").replace("_", "/").rstrip("=")
    try:
        return base64.b64decode(plain + "=" * (-len(plain) % 4), validate=True)
    except binascii.Error as exc:
        raise ValueError("not base64") from exc
