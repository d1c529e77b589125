"""Provider metadata: discovered (OpenID Connect Discovery / RFC 8414) or configured.

Discovery documents are cached in process for :data:`METADATA_TTL` seconds, per URL.
JWKS are fetched through a :class:`jwt.PyJWKClient` per ``jwks_uri`` whose download
goes through our HTTP client (timeouts, size limit, no redirects) and whose key-set
cache PyJWT keeps (:data:`JWKS_TTL`).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jwt

from .config import OAuthConfig
from .errors import ErrorKind, OAuthError
from .http import request_json

__all__ = ["JWKS_TTL", "METADATA_TTL", "Metadata", "clear_caches", "jwks_client", "metadata"]

METADATA_TTL = 3600.0
JWKS_TTL = 300.0

_lock = threading.Lock()
_documents: dict[str, tuple[float, dict[str, Any]]] = {}
_jwks_clients: dict[str, jwt.PyJWKClient] = {}


@dataclass(frozen=True)
class Metadata:
    """What the flow needs to know about the authorization server."""

    issuer: str | None
    authorization_endpoint: str | None
    token_endpoint: str | None
    userinfo_endpoint: str | None
    jwks_uri: str | None
    id_token_signing_alg_values_supported: tuple[str, ...]
    #: RFC 9207: the server puts ``iss`` in every authorization response.
    authorization_response_iss_parameter_supported: bool


def _document(url: str, kind: ErrorKind) -> dict[str, Any]:
    now = time.monotonic()
    with _lock:
        cached = _documents.get(url)
    if cached is not None and cached[0] > now:
        return cached[1]
    # The URL tried is in every message: a wrong issuer is then a one-line fix. Without its
    # query string, the one part of a URL that could carry something private.
    where = f"discovery document ({urlsplit(url)._replace(query='', fragment='').geturl()})"
    _, document = request_json("GET", url, what=where, kind=kind)
    if not isinstance(document, dict) or "error" in document:
        raise OAuthError(kind, f"The {where} is not a metadata object.")
    with _lock:
        _documents[url] = (now + METADATA_TTL, document)
    return document


def metadata(config: OAuthConfig, *, kind: ErrorKind = "callback") -> Metadata:
    """The provider's metadata; configured endpoints win over discovered ones.

    ``kind`` is the error kind of a failed discovery: ``"signin"`` while building the
    authorization URL, ``"callback"`` on the callback.
    """
    document: dict[str, Any] = {}
    if config.discovery_url is not None:
        document = _document(config.discovery_url, kind)
        issuer = document.get("issuer")
        if (
            config.issuer is not None
            and issuer != config.issuer.rstrip("/")
            and (issuer != config.issuer)
        ):
            raise OAuthError(kind, "The discovery document names another issuer.")
    algs = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    return Metadata(
        issuer=document.get("issuer", config.issuer),
        authorization_endpoint=config.authorization.url or document.get("authorization_endpoint"),
        token_endpoint=config.token or document.get("token_endpoint"),
        userinfo_endpoint=config.userinfo or document.get("userinfo_endpoint"),
        jwks_uri=document.get("jwks_uri"),
        id_token_signing_alg_values_supported=tuple(str(a) for a in algs),
        authorization_response_iss_parameter_supported=bool(
            document.get("authorization_response_iss_parameter_supported", False)
        ),
    )


class _JWKClient(jwt.PyJWKClient):
    """PyJWT's JWKS client, downloading through our HTTP client."""

    def fetch_data(self) -> Any:
        _, jwk_set = request_json("GET", self.uri, what="JWKS endpoint")
        if self.jwk_set_cache is not None:
            self.jwk_set_cache.put(jwk_set)
        return jwk_set


def jwks_client(jwks_uri: str) -> jwt.PyJWKClient:
    """The cached :class:`jwt.PyJWKClient` of ``jwks_uri``."""
    with _lock:
        found = _jwks_clients.get(jwks_uri)
        if found is None:
            found = _jwks_clients[jwks_uri] = _JWKClient(jwks_uri, lifespan=JWKS_TTL)
        return found


def clear_caches() -> None:
    """Forget every cached discovery document and JWKS (tests, key rotation drills)."""
    with _lock:
        _documents.clear()
        _jwks_clients.clear()
