"""The token endpoint: authorization-code exchange and refresh grant, with client auth.

Client authentication as both NextAuth versions send it: ``client_secret_basic``
(``Basic base64(fe(id) + ":" + fe(secret))``, ``fe`` = ``encodeURIComponent`` with
``%20`` as ``+``), ``client_secret_post`` or ``none`` (``client_id`` in the body).
The endpoint is called without following redirects (``django_nextauth/oauth/http.py``).
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from .config import OAuthConfig
from .failures import OAuthError
from .http import request_json

__all__ = ["client_auth", "exchange_code", "token_request"]

_ERROR_CODE = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def _form_encode(text: str) -> str:
    return quote(text, safe="-_.!~*'()").replace("%20", "+")


def client_auth(config: OAuthConfig) -> tuple[dict[str, str], dict[str, str]]:
    """``(headers, body fields)`` authenticating the client at the token endpoint."""
    if config.client_auth == "client_secret_basic":
        pair = f"{_form_encode(config.client_id)}:{_form_encode(config.client_secret)}"
        encoded = base64.b64encode(pair.encode()).decode("ascii")
        return {"Authorization": f"Basic {encoded}"}, {}
    if config.client_auth == "client_secret_post":
        return {}, {"client_id": config.client_id, "client_secret": config.client_secret}
    return {}, {"client_id": config.client_id}


def token_request(
    config: OAuthConfig, token_endpoint: str | None, grant: Mapping[str, str], *, what: str
) -> dict[str, Any]:
    """POST ``grant`` to the token endpoint; return the normalised token set.

    Raises :class:`OAuthError` for a transport failure, an OAuth error response (its
    ``error`` code is named, nothing else), a missing ``access_token`` or a
    ``token_type`` other than ``bearer`` / ``dpop``. ``scope`` arrays are
    space-joined and ``expires_at`` = now + ``expires_in`` is added.
    """
    if token_endpoint is None:
        raise OAuthError("callback", "No token endpoint is configured or discovered.")
    headers, body = client_auth(config)
    status, tokens = request_json(
        "POST", token_endpoint, what=what, headers=headers, data={**grant, **body}
    )
    if not isinstance(tokens, dict):
        raise OAuthError("callback", f"The {what} did not return a JSON object.")
    error = tokens.get("error")
    if status != 200 or error is not None:
        code = error if isinstance(error, str) and _ERROR_CODE.fullmatch(error) else "unknown"
        raise OAuthError("callback", f"The {what} refused the request ({code}).")
    if not isinstance(tokens.get("access_token"), str):
        raise OAuthError("callback", f"The {what} returned no access_token.")
    if str(tokens.get("token_type", "")).lower() not in ("bearer", "dpop"):
        raise OAuthError("callback", f"The {what} returned an unsupported token_type.")
    if isinstance(tokens.get("scope"), list):
        tokens["scope"] = " ".join(str(s) for s in tokens["scope"])
    expires_in = tokens.get("expires_in")
    if isinstance(expires_in, str) and expires_in.isdigit():
        expires_in = tokens["expires_in"] = int(expires_in)
    if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool):
        tokens["expires_at"] = int(time.time()) + int(expires_in)
    return tokens


def exchange_code(
    config: OAuthConfig,
    *,
    token_endpoint: str | None,
    code: str,
    redirect_uri: str,
    code_verifier: str | None,
) -> dict[str, Any]:
    """Exchange an authorization code (with the PKCE verifier when PKCE is checked)."""
    grant = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if code_verifier is not None:
        grant["code_verifier"] = code_verifier
    return token_request(config, token_endpoint, grant, what="token endpoint")
