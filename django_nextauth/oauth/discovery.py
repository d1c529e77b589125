"""Provider metadata: discovered (OpenID Connect Discovery / RFC 8414) or configured.

Discovery documents are cached in process for :data:`METADATA_TTL` seconds, per URL.
Configured endpoints win; a discovered one is used only when ``endpoints.py`` allows it
(the issuer's https origin): one the flow needs is refused with a configuration error
(logged once per provider and endpoint), one it does not need is dropped, so neither is
ever contacted. JWKS are fetched through a :class:`jwt.PyJWKClient` per ``jwks_uri`` whose
download goes through our HTTP client (deadline, size limit, no redirects) and whose
key-set cache PyJWT keeps (:data:`JWKS_TTL`).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jwt
from django.conf import settings as django_settings

from .config import OAuthConfig
from .endpoints import discovered_endpoint_allowed, origin
from .failures import ErrorKind, OAuthError
from .http import request_json

__all__ = ["JWKS_TTL", "METADATA_TTL", "Metadata", "clear_caches", "jwks_client", "metadata"]

METADATA_TTL = 3600.0
JWKS_TTL = 300.0

_lock = threading.Lock()
_documents: dict[str, tuple[float, dict[str, Any]]] = {}
_jwks_clients: dict[str, jwt.PyJWKClient] = {}
#: (provider id, endpoint key, origin) of the refusals already logged.
_logged: set[tuple[str, str, str]] = set()
logger = logging.getLogger("django_nextauth.oauth")


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
    used = _used(config)

    def discovered(key: str) -> str | None:
        return _discovered(config, document, key, needed=used[key], kind=kind)

    return Metadata(
        issuer=document.get("issuer", config.issuer),
        authorization_endpoint=config.authorization.url or discovered("authorization_endpoint"),
        token_endpoint=config.token or discovered("token_endpoint"),
        userinfo_endpoint=config.userinfo or discovered("userinfo_endpoint"),
        jwks_uri=config.jwks_endpoint or discovered("jwks_uri"),
        id_token_signing_alg_values_supported=tuple(str(a) for a in algs),
        authorization_response_iss_parameter_supported=bool(
            document.get("authorization_response_iss_parameter_supported", False)
        ),
    )


def _used(config: OAuthConfig) -> dict[str, bool]:
    """Which discovered endpoints the flow of ``config`` calls."""
    validates_id_token = config.id_token or any(
        "nonce" in checks for checks in config.checks_by_version.values()
    )
    return {
        "authorization_endpoint": True,
        "token_endpoint": True,
        # The profile comes from userinfo unless it is the id_token's claims (account.py).
        "userinfo_endpoint": config.userinfo_request is not None or not config.id_token,
        "jwks_uri": validates_id_token,
    }


def _discovered(
    config: OAuthConfig, document: dict[str, Any], key: str, *, needed: bool, kind: ErrorKind
) -> str | None:
    url = document.get(key)
    if url is None:
        return None
    home = config.issuer or config.discovery_url or ""
    if discovered_endpoint_allowed(
        url, issuer=home, extra_origins=config.endpoint_origins, debug=django_settings.DEBUG
    ):
        return str(url)
    if not needed:
        return None  # never called, so dropped rather than refused
    _log_refusal(config, key, url, home)
    raise OAuthError(kind, f"The discovered {key} is not on the issuer's https origin.")


def _log_refusal(config: OAuthConfig, key: str, url: object, home: str) -> None:
    # The origin only: a path or query may carry anything.
    found = origin(url) if isinstance(url, str) else None
    where = "an unusable URL" if found is None else f"{found[0]}://{found[1]}:{found[2]}"
    with _lock:
        if (config.id, key, where) in _logged:
            return
        _logged.add((config.id, key, where))
    logger.error(
        "django_nextauth: OAuth provider %r: the discovery document's %s points to %s, not "
        "to the issuer's origin over https (http only for a loopback issuer with DEBUG on); "
        "refused. Name the endpoint in the provider's settings to use it.",
        config.id,
        key,
        where,
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
        _logged.clear()
