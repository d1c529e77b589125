"""The authorization code flow, start to finish, as plain functions over plain data.

:func:`begin` (``POST /signin/<id>``): the authorization URL and the check cookies
to set. :func:`complete` (``GET|POST /callback/<id>``): validate the response and
the check cookies, exchange the code, validate the id_token, fetch the profile and
shape ``user`` / ``account``. Every failure is an
:class:`~django_nextauth.oauth.failures.OAuthError`; ``error.code(version)`` is the
``?error=`` NextAuth redirects with. Nothing here touches a request or response.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django_nextauth.dialect import dialect

from .account import raw_profile, user_and_account
from .authorization_response import idp_error, validate_authorization_response
from .authorization_url import authorization_url
from .check_cookies import CheckCookie, create_checks, read_checks
from .config import OAuthConfig
from .discovery import metadata
from .failures import OAuthError
from .id_token import validate_id_token
from .token_endpoint import exchange_code

__all__ = ["CallbackResult", "SignInRedirect", "begin", "complete"]


@dataclass(frozen=True)
class SignInRedirect:
    """Where to send the browser, and the check cookies to set on that redirect."""

    url: str
    cookies: tuple[CheckCookie, ...]


@dataclass(frozen=True)
class CallbackResult:
    """A successful callback: what ``complete_sign_in`` needs, and cookies to delete."""

    user: dict[str, Any]
    account: dict[str, Any]
    #: The raw profile (id_token claims or userinfo), as NextAuth's ``profile`` argument.
    profile: Mapping[str, Any]
    tokens: dict[str, Any]
    #: Full names of the check cookies to delete (``Max-Age=0``).
    clear_cookies: tuple[str, ...]
    #: The binding of the session that started the flow, from the check cookies (``None``:
    #: started signed out, or not known).
    session: str | None = None


def begin(
    config: OAuthConfig,
    *,
    version: str,
    redirect_uri: str,
    secret: str | Sequence[str],
    secure: bool,
    extra_params: Mapping[str, str] | None = None,
    session: str | None = None,
) -> SignInRedirect:
    """Start a sign-in: discovery if needed, check values, the authorization URL.

    ``session``: the binding of the browser's session, when signed in; the check cookies
    carry it back to :func:`complete` (``CallbackResult.session``).
    """
    meta = metadata(config, kind="signin")
    if meta.authorization_endpoint is None:
        raise OAuthError("signin", "No authorization endpoint is configured or discovered.")
    checks = create_checks(
        config.id,
        config.checks(version),
        version=version,
        secret=secret,
        secure=secure,
        session=session,
    )
    url = authorization_url(
        config,
        version=version,
        endpoint=meta.authorization_endpoint,
        redirect_uri=redirect_uri,
        checks=checks,
        extra_params=extra_params,
    )
    return SignInRedirect(url, checks.cookies)


def complete(
    config: OAuthConfig,
    *,
    version: str,
    params: Mapping[str, str],
    cookies: Mapping[str, str],
    redirect_uri: str,
    secret: str | Sequence[str],
    secure: bool,
) -> CallbackResult:
    """Finish a sign-in from the callback's ``params`` and the request's ``cookies``.

    ``redirect_uri`` must be the one :func:`begin` sent. On failure nothing is to be
    cleared: NextAuth leaves the check cookies in place when a callback fails.
    """
    if dialect(version).oauth_idp_error_first and "error" in params:
        raise idp_error(params)  # v4: before discovery and the check cookies
    meta = metadata(config)
    expected = read_checks(
        cookies, config.id, config.checks(version), version=version, secret=secret, secure=secure
    )
    code = validate_authorization_response(
        params, version=version, metadata=meta, expected_state=expected.state
    )
    tokens = exchange_code(
        config,
        token_endpoint=meta.token_endpoint,
        code=code,
        redirect_uri=redirect_uri,
        code_verifier=expected.code_verifier,
    )
    claims = None
    id_token = tokens.get("id_token")
    # Without id_token use (and no nonce) an id_token that arrives anyway is not trusted
    # for anything, so it is not validated either.
    if config.id_token or expected.nonce is not None:
        if not isinstance(id_token, str):
            raise OAuthError("callback", "The token response has no id_token.")
        claims = validate_id_token(
            id_token,
            config=config,
            metadata=meta,
            version=version,
            nonce=expected.nonce,
            access_token=tokens.get("access_token"),
        )
    profile = raw_profile(config, metadata=meta, tokens=tokens, claims=claims)
    user, account = user_and_account(config, version=version, profile=profile, tokens=tokens)
    return CallbackResult(user, account, profile, tokens, expected.clear, expected.session)
