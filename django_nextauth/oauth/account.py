"""The raw profile, NextAuth's ``user`` and ``account`` from a token set.

``raw_profile`` follows the provider type: a preset's own request (GitHub), else the
id_token claims when the provider uses an id_token (no userinfo call, as both
versions), else ``GET userinfo``. ``user_and_account`` applies the ``profile``
mapping and shapes ``user`` / ``account`` as the configured version does
(``docs/protocol-providers.md`` §1.8).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django_nextauth.dialect import dialect
from django_nextauth.storable import ACCOUNT_LIMITS, PROFILE_LIMITS, unstorable_keys

from .config import OAuthConfig
from .discovery import Metadata
from .failures import OAuthError
from .http import request_json

__all__ = ["check_storable", "fetch_userinfo", "raw_profile", "user_and_account"]


def fetch_userinfo(tokens: Mapping[str, Any], *, userinfo_endpoint: str | None) -> dict[str, Any]:
    """``GET userinfo`` with the access token as Bearer; the JSON object it returns."""
    if userinfo_endpoint is None:
        raise OAuthError("callback", "No userinfo endpoint is configured or discovered.")
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    status, profile = request_json(
        "GET", userinfo_endpoint, what="userinfo endpoint", headers=headers
    )
    if status != 200 or not isinstance(profile, dict):
        raise OAuthError("callback", "The userinfo endpoint did not return a profile.")
    return profile


def raw_profile(
    config: OAuthConfig,
    *,
    metadata: Metadata,
    tokens: Mapping[str, Any],
    claims: Mapping[str, Any] | None,
) -> Mapping[str, Any]:
    """The provider's profile of the signed-in user, before the ``profile`` mapping."""
    if config.userinfo_request is not None:
        url = metadata.userinfo_endpoint
        if url is None:
            raise OAuthError("callback", "No userinfo endpoint is configured.")
        return config.userinfo_request(config, tokens, url)
    if config.id_token and claims is not None:
        return claims
    return fetch_userinfo(tokens, userinfo_endpoint=metadata.userinfo_endpoint)


def user_and_account(
    config: OAuthConfig,
    *,
    version: str,
    profile: Mapping[str, Any],
    tokens: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(user, account)`` as NextAuth passes them to the ``signIn`` / ``jwt`` callbacks.

    ``user`` = the mapped profile with the e-mail lowercased (v5: ``id`` a fresh UUID);
    ``account`` = the token set with ``provider``, ``type`` and ``providerAccountId``.
    Raises :class:`OAuthError` (kind ``profile``) when the mapping fails or gives no id,
    (kind ``callback``) when a value could not be stored (:func:`check_storable`).
    """
    current = dialect(version)
    try:
        mapped = dict(config.profile(profile, tokens))
    except Exception as exc:  # a user-supplied mapping may raise anything
        raise OAuthError("profile", f"The profile mapping raised {type(exc).__name__}.") from exc
    if mapped.get("id") is None and not current.oauth_random_user_id:
        raise OAuthError("profile", "The profile mapping returned no id.")
    account_id = str(mapped["id"]) if mapped.get("id") is not None else str(uuid.uuid4())
    user = dict(mapped)
    if isinstance(user.get("email"), str):
        user["email"] = user["email"].lower()
    if current.oauth_random_user_id:
        user["id"] = str(uuid.uuid4())
    token_set = {k: v for k, v in tokens.items() if k != "expires_in"}
    if current.oauth_account_keeps_expires_in and "expires_in" in tokens:
        token_set["expires_in"] = tokens["expires_in"]
    identity = {
        "provider": config.id,
        "type": "oauth" if current.oauth_account_type_is_oauth else config.type,
        "providerAccountId": account_id,
    }
    account = {**identity, **token_set}
    check_storable(user, account)
    return user, account


def check_storable(user: Mapping[str, Any], account: Mapping[str, Any]) -> None:
    """Refuse a profile or token set the adapter could not store (NUL, a lone surrogate, a
    ``sub`` over 255 or an address over 254 characters: ``django_nextauth/storable.py``),
    before any query. Raises :class:`OAuthError` (kind ``callback``) naming the keys."""
    bad = unstorable_keys(user, PROFILE_LIMITS) + unstorable_keys(account, ACCOUNT_LIMITS)
    if bad:
        raise OAuthError("callback", f"The IdP sent values that cannot be stored: {bad}.")
