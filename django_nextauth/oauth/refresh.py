"""``refresh_access_token``: the refresh-token grant for a ``jwt`` callback.

NextAuth leaves token rotation to a hand-written ``jwt`` callback; this is that
callback's body. Pass the provider's
:class:`~django_nextauth.oauth.config.OAuthConfig` and the session token holding
``access_token``, ``expires_at`` and ``refresh_token`` (as copied from ``account`` at
sign-in). ``django_nextauth.providers.oauth.refresh_access_token`` takes a provider id
instead; the pattern is in ``docs/providers.md``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from .config import OAuthConfig
from .discovery import metadata
from .failures import OAuthError
from .token_endpoint import token_request

__all__ = ["REFRESH_ERROR", "refresh_access_token"]

#: The ``error`` NextAuth's refresh guide puts into the token when the refresh fails.
REFRESH_ERROR = "RefreshAccessTokenError"
logger = logging.getLogger("django_nextauth.oauth")


def refresh_access_token(config: OAuthConfig, token: Mapping[str, Any]) -> dict[str, Any]:
    """Use ``token["refresh_token"]``; return ``token`` with the new access token.

    On success: ``access_token``, ``expires_at`` (and ``id_token`` when sent) replaced,
    ``refresh_token`` replaced when the IdP rotates it (kept otherwise), any earlier
    ``error`` removed. On failure (no refresh token, IdP refusal, network): ``token``
    with ``error: "RefreshAccessTokenError"`` and the old values, so the session
    callback can ask the user to sign in again.
    """
    refreshed = dict(token)
    refresh_token = token.get("refresh_token")
    try:
        if not isinstance(refresh_token, str) or not refresh_token:
            raise OAuthError("callback", "The token holds no refresh_token.")
        tokens = token_request(
            config,
            metadata(config).token_endpoint,
            {"grant_type": "refresh_token", "refresh_token": refresh_token},
            what="token endpoint (refresh)",
        )
    except OAuthError as exc:
        logger.warning("Refreshing the %s access token failed: %s", config.id, exc)
        refreshed["error"] = REFRESH_ERROR
        return refreshed
    refreshed.pop("error", None)
    refreshed["access_token"] = tokens["access_token"]
    for key in ("expires_at", "refresh_token", "id_token"):
        if tokens.get(key) is not None:
            refreshed[key] = tokens[key]
    return refreshed
