"""How v4 (next-auth 4.24 / openid-client) and v5 (@auth/core 0.41 / oauth4webapi)
differ on the OAuth wire, as data.

The same idea as ``django_nextauth/dialect.py``, for the OAuth rules only; the
integrator may fold these fields into :class:`~django_nextauth.dialect.Dialect`.
Facts and sources: ``docs/protocol-providers.md`` §1.2-1.11.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = ["OAuthDialect", "oauth_dialect"]


@dataclass(frozen=True)
class OAuthDialect:
    version: Literal["v4", "v5"]
    #: Spaces in the authorization URL's query: ``%20`` (openid-client) or ``+``
    #: (``URLSearchParams``).
    space: str
    #: How the authorization URL's query is assembled (docs/protocol-providers.md §1.5):
    #: ``openid-client`` sets ``client_id``, ``scope`` (default ``openid``),
    #: ``response_type``, ``redirect_uri`` first; ``oauth4webapi`` (Auth.js) first merges
    #: the provider's parameters into an explicit URL, then sets ``response_type``,
    #: ``client_id``, ``redirect_uri``, and appends an OIDC provider's missing scope last.
    authorization_style: Literal["openid-client", "oauth4webapi"]
    #: The ``state`` parameter is a JWE (salt ``encodedState``) rather than the random value.
    state_is_jwe: bool
    #: An ``?error=`` from the IdP is reported before any check (v4) or only after
    #: ``iss`` and ``state`` passed (v5).
    idp_error_first: bool
    #: id_token ``exp`` / ``nbf`` / ``iat`` clock tolerance in seconds.
    clock_tolerance: int
    #: ``account.type`` is always ``"oauth"`` (v4) or the provider's type (v5).
    account_type_is_oauth: bool
    #: The token response's ``expires_in`` stays in ``account`` (v5) or becomes
    #: ``expires_at`` only (openid-client's TokenSet).
    account_keeps_expires_in: bool
    #: ``user.id`` is a fresh UUID on every sign-in without an adapter (v5), not the
    #: profile's id (v4).
    random_user_id: bool
    #: ``?error=`` code per :data:`~django_nextauth.oauth.errors.ErrorKind`.
    error_codes: Mapping[str, str | None]


V4 = OAuthDialect(
    version="v4",
    space="%20",
    authorization_style="openid-client",
    state_is_jwe=False,
    idp_error_first=True,
    clock_tolerance=10,
    account_type_is_oauth=True,
    account_keeps_expires_in=False,
    random_user_id=False,
    error_codes={
        "signin": "OAuthSignin",
        "callback": "OAuthCallback",
        "idp_error": "Callback",
        "profile": None,
    },
)
V5 = OAuthDialect(
    version="v5",
    space="+",
    authorization_style="oauth4webapi",
    state_is_jwe=True,
    idp_error_first=False,
    clock_tolerance=30,
    account_type_is_oauth=False,
    account_keeps_expires_in=True,
    random_user_id=True,
    error_codes={
        "signin": "Configuration",
        "callback": "Configuration",
        "idp_error": "OAuthCallbackError",
        "profile": None,
    },
)
_DIALECTS = {"v4": V4, "v5": V5}


def oauth_dialect(version: str) -> OAuthDialect:
    """The OAuth rules of ``"v4"`` or ``"v5"``."""
    return _DIALECTS[version]
