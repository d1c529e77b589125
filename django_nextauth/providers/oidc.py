"""``{"type": "oidc"}``: Auth.js's OpenID Connect providers (whatever ``VERSION`` says).

The entry, as in issue 11::

    {"id": "corp", "name": "Corp SSO", "type": "oidc", "issuer": "https://idp.example.com",
     "client_id": "...", "client_secret": "...", "checks": ["pkce", "state", "nonce"]}

Discovery from ``issuer`` (``/.well-known/openid-configuration``), default scope
``openid profile email``, the profile from the validated id_token claims. ``VERSION``
decides the wire only (cookies, JSON modes, error codes; ``/providers`` shows
``"oauth"`` in v4, ``"oidc"`` in v5). The flow is :class:`OAuthProvider`'s.
"""

from __future__ import annotations

from .oauth import OAuthProvider
from .registry import register_provider_type

__all__ = ["OIDCProvider"]


class OIDCProvider(OAuthProvider):
    """An OpenID Connect provider: an id_token is required and validated."""

    type = "oidc"


register_provider_type(OIDCProvider.type, OIDCProvider)
