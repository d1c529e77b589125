"""id_token validation with PyJWT: signature (JWKS or client secret), claims, nonce.

Stricter than either NextAuth version on purpose: the signature is always verified
(v5 skips it), against the IdP's JWKS for asymmetric algorithms or the client secret
for ``HS*``. Only algorithms the IdP advertises are accepted, ``none`` never. Required
claims ``iss sub aud exp iat``; ``iss``, ``aud``, ``azp``, ``exp`` / ``nbf`` with the
version's clock tolerance (v4 10 s, v5 30 s), ``nonce`` both ways (sent -> must match;
not sent -> must be absent), ``at_hash`` when present.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from typing import Any

import jwt

from django_nextauth.dialect import dialect

from .config import OAuthConfig
from .discovery import Metadata, jwks_client
from .failures import OAuthError

__all__ = ["validate_id_token"]

_HASHES = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}


def _fail(reason: str) -> OAuthError:
    return OAuthError("callback", f"The id_token was rejected: {reason}.")


def _key(config: OAuthConfig, metadata: Metadata, token: str, alg: str) -> Any:
    if alg.startswith("HS"):
        if not config.client_secret:
            raise _fail("HMAC-signed without a client secret")
        return config.client_secret.encode()
    if metadata.jwks_uri is None:
        raise _fail("the IdP publishes no jwks_uri")
    try:
        return jwks_client(metadata.jwks_uri).get_signing_key_from_jwt(token).key
    except (jwt.PyJWKClientError, jwt.InvalidTokenError) as exc:
        raise _fail("no matching signing key") from exc
    except OAuthError as exc:  # the JWKS download itself failed
        raise _fail("the JWKS is unavailable") from exc


def validate_id_token(
    id_token: str,
    *,
    config: OAuthConfig,
    metadata: Metadata,
    version: str,
    nonce: str | None,
    access_token: str | None = None,
    algorithms: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Validate ``id_token`` and return its claims; :class:`OAuthError` when it fails.

    ``algorithms`` defaults to the IdP's ``id_token_signing_alg_values_supported``.
    """
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.InvalidTokenError as exc:
        raise _fail("malformed") from exc
    allowed = algorithms or metadata.id_token_signing_alg_values_supported
    alg = header.get("alg")
    if not isinstance(alg, str) or alg.lower() == "none" or alg not in allowed:
        raise _fail("unexpected signing algorithm")
    if not metadata.issuer:
        raise _fail("no issuer is configured or discovered")
    key = _key(config, metadata, id_token, alg)
    try:
        claims: dict[str, Any] = jwt.decode(
            id_token,
            key,
            algorithms=[alg],
            audience=config.client_id,
            issuer=metadata.issuer,
            leeway=dialect(version).id_token_clock_tolerance,
            options={"require": ["iss", "sub", "aud", "exp", "iat"]},
        )
    except jwt.InvalidTokenError as exc:
        raise _fail(type(exc).__name__) from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != config.client_id:
        raise _fail("azp is not this client")
    sent = claims.get("nonce")
    if nonce is None:
        if sent is not None:
            raise _fail("unexpected nonce")
    elif not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), nonce.encode()):
        raise _fail("nonce mismatch")
    at_hash = claims.get("at_hash")
    if at_hash is not None and access_token is not None and alg[-3:] in _HASHES:
        digest = _HASHES[alg[-3:]](access_token.encode()).digest()
        expected = base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()
        if not hmac.compare_digest(str(at_hash).encode(), expected.encode()):
            raise _fail("at_hash mismatch")
    return claims
