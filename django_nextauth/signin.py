"""Completing a sign-in: NextAuth's callback handler, shared by every provider.

A provider that has identified a user calls :func:`complete_sign_in`, which runs
``sign_in`` callback -> account linking (a no-op until accounts are stored) ->
``jwt`` callback (``trigger="signUp"`` for a new user, else ``"signIn"``) ->
:func:`login` -> ``user_signed_in`` -> a redirect to the callback URL
(``docs/protocol.md`` §4.4 steps 8-9). The auth view flushes the session
write onto the answer.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.http import HttpResponseBase
from django.views.decorators.debug import sensitive_variables

from .callbacks import run_jwt, run_sign_in, user_to_token
from .errors import ErrorCode
from .session import login, logout
from .signals import cleanse_credentials, send_robust, sign_in_failed, user_signed_in
from .views.context import safe_redirect

if TYPE_CHECKING:
    from .providers.base import Provider
    from .views.context import AuthRequest

__all__ = ["complete_sign_in", "link_account"]

logger = logging.getLogger("django_nextauth")


def link_account(
    ctx: AuthRequest,
    *,
    provider: Provider,
    user: Any,
    account: Mapping[str, Any],
    profile: Mapping[str, Any] | None,
) -> None:
    """Store the account against the user (NextAuth's adapter ``linkAccount``).

    A no-op for now: JWT sessions keep nothing server-side. The persistence work
    replaces it.
    """


@sensitive_variables("credentials")
def complete_sign_in(
    ctx: AuthRequest,
    *,
    provider: Provider,
    user: Any,
    account: Mapping[str, Any],
    profile: Mapping[str, Any] | None = None,
    is_new_user: bool = False,
    credentials: Mapping[str, Any] | None = None,
) -> HttpResponseBase:
    """Finish signing ``user`` in through ``provider``; the answer to send the browser."""
    request = ctx.request
    try:
        allowed = run_sign_in(
            user=user, account=account, profile=profile, credentials=credentials, request=request
        )
    except Exception as exc:
        logger.error("django_nextauth: sign_in callback raised %s", type(exc).__name__)
        allowed = False
    if not allowed:
        send_robust(
            sign_in_failed,
            provider.id,
            request=request,
            provider=provider.id,
            error=ErrorCode.ACCESS_DENIED.value,
            credentials=cleanse_credentials(credentials or {}),
        )
        return ctx.error_redirect(ErrorCode.ACCESS_DENIED)
    if isinstance(allowed, str):
        return ctx.redirect(safe_redirect(request, allowed, ctx.origin))
    link_account(ctx, provider=provider, user=user, account=account, profile=profile)
    token = run_jwt(
        token=user_to_token(user),
        user=user,
        account=account,
        profile=profile,
        trigger="signUp" if is_new_user else "signIn",
        is_new_user=is_new_user,
        request=request,
    )
    if token is None:
        logout(request)
    elif not _storable(token):
        logger.error("django_nextauth: the jwt callback returned a token that cannot be stored")
        return ctx.error_redirect(ErrorCode.CONFIGURATION, status=200)
    else:
        login(request, token)
    send_robust(
        user_signed_in, provider.id, request=request, user=user, account=account, token=token
    )
    return ctx.redirect(ctx.callback_url)


def _storable(token: object) -> bool:
    """Whether ``token`` can become a JWT payload (a JSON object)."""
    if not isinstance(token, Mapping):
        return False
    try:
        json.dumps(token, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True
