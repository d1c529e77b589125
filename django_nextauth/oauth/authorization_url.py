"""The authorization request URL, byte-compatible with each version.

Both libraries build the query with WHATWG ``URLSearchParams.set`` onto the endpoint
URL (a key already in the URL keeps its place); openid-client then turns ``+`` into
``%20``. The parameter order differs per version (``Dialect.oauth_authorization_style``,
``docs/protocol-providers.md`` §1.5).
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, quote_plus, urlsplit, urlunsplit

from django_nextauth.dialect import dialect

from .check_cookies import AuthorizationChecks
from .config import OAuthConfig

__all__ = ["OIDC_SCOPE", "authorization_url", "url_search_params"]

#: Auth.js's default scope of OIDC providers and of explicit URLs without one.
OIDC_SCOPE = "openid profile email"


def _encode(text: str) -> str:
    # application/x-www-form-urlencoded serialisation as URLSearchParams does it.
    return quote_plus(text, safe="*").replace("~", "%7E")


def url_search_params(params: Mapping[str, str]) -> str:
    """``new URLSearchParams(params).toString()``."""
    return "&".join(f"{_encode(key)}={_encode(value)}" for key, value in params.items())


def authorization_url(
    config: OAuthConfig,
    *,
    version: str,
    endpoint: str,
    redirect_uri: str,
    checks: AuthorizationChecks,
    extra_params: Mapping[str, str] | None = None,
) -> str:
    """The URL sign-in redirects to.

    ``endpoint``: the authorization endpoint (``Metadata.authorization_endpoint``);
    ``redirect_uri``: ``<site>/<base>/callback/<id>``; ``extra_params``: the query of
    ``POST /signin/<id>`` (``signIn(id, options, authorizationParams)``), which
    overrides the provider's parameters; ``checks``: from :func:`create_checks`.
    """
    current = dialect(version)
    split = urlsplit(endpoint)
    query = dict(parse_qsl(split.query, keep_blank_values=True))
    params = dict(config.params(version))
    explicit = config.authorization.url is not None
    if current.oauth_authorization_style == "openid-client":
        default_scope = OIDC_SCOPE if config.type == "oidc" else "openid"
        ordered = {
            "client_id": config.client_id,
            "scope": default_scope,
            "response_type": "code",
            "redirect_uri": redirect_uri,
        }
    else:
        if explicit:
            # Auth.js writes the provider's parameters into an explicit URL up front.
            query.update(params)
            query.setdefault("scope", OIDC_SCOPE)
        ordered = {"response_type": "code", "client_id": config.client_id}
        ordered["redirect_uri"] = redirect_uri
    ordered.update(params)
    ordered.update(extra_params or {})
    if checks.state is not None:
        ordered["state"] = checks.state
    if checks.code_challenge is not None:
        ordered["code_challenge"] = checks.code_challenge
        ordered["code_challenge_method"] = "S256"
    if checks.nonce is not None:
        ordered["nonce"] = checks.nonce
    query.update(ordered)
    if config.type == "oidc" and "scope" not in query:
        query["scope"] = OIDC_SCOPE
    text = urlunsplit(split._replace(query=url_search_params(query)))
    return text.replace("+", current.oauth_space)
