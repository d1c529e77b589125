"""The OAuth 2.0 / OpenID Connect protocol core (``pip install django-nextauth[oauth]``).

Plain functions over plain data; the provider classes in
``django_nextauth/providers/`` turn them into views. A sign-in is
:func:`begin` (authorization URL + check cookies) then :func:`complete` (validate,
exchange, profile); :func:`refresh_access_token` serves ``jwt`` callbacks.
"""

from __future__ import annotations

from .account import fetch_userinfo, raw_profile, user_and_account
from .authorization_response import validate_authorization_response
from .authorization_url import authorization_url
from .check_cookies import (
    AuthorizationChecks,
    CallbackChecks,
    CheckCookie,
    code_challenge,
    create_checks,
    random_value,
    read_checks,
)
from .code_flow import CallbackResult, SignInRedirect, begin, complete
from .config import Endpoint, OAuthConfig
from .discovery import Metadata, clear_caches, metadata
from .failures import OAuthError
from .id_token import validate_id_token
from .presets import PRESETS
from .refresh import REFRESH_ERROR, refresh_access_token
from .token_endpoint import exchange_code

__all__ = [
    "PRESETS",
    "REFRESH_ERROR",
    "AuthorizationChecks",
    "CallbackChecks",
    "CallbackResult",
    "CheckCookie",
    "Endpoint",
    "Metadata",
    "OAuthConfig",
    "OAuthError",
    "SignInRedirect",
    "authorization_url",
    "begin",
    "clear_caches",
    "code_challenge",
    "complete",
    "create_checks",
    "exchange_code",
    "fetch_userinfo",
    "metadata",
    "random_value",
    "raw_profile",
    "read_checks",
    "refresh_access_token",
    "user_and_account",
    "validate_authorization_response",
    "validate_id_token",
]
