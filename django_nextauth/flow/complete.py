"""Completing a sign-in: NextAuth's callback handler, shared by every provider.

A provider that has identified a user calls :func:`complete_sign_in`, which runs
``sign_in`` callback -> account linking (:func:`link_account`: with an adapter, an
OAuth / OIDC sign-in signs in as a stored Django user, see ``django_nextauth/flow/accounts.py``)
-> ``jwt`` callback (``trigger="signUp"`` for a new user, else ``"signIn"``; not run
for database sessions, as in NextAuth) -> :func:`login` -> ``user_signed_in`` -> a
redirect to the callback URL (``docs/protocol.md`` §4.4 steps 8-9). The auth
view flushes the session write onto the answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.http import HttpResponseBase
from django.views.decorators.debug import sensitive_variables

from django_nextauth.adapters import Adapter, get_adapter
from django_nextauth.callbacks import run_sign_in
from django_nextauth.errors import ErrorCode
from django_nextauth.identity import is_active
from django_nextauth.session import (
    CallbackFailed,
    UnstorableToken,
    logout,
    session_state,
    user_to_token,
)
from django_nextauth.signals import (
    send_robust,
    send_sign_in_failed,
    user_signed_in,
)

from .accounts import AccountNotLinked, InactiveUser, Linked, link
from .context import AuthRequest, safe_redirect, with_query

if TYPE_CHECKING:
    from django_nextauth.providers.base import Provider

__all__ = ["complete_sign_in", "link_account"]

logger = logging.getLogger("django_nextauth")

#: The account types whose sign-ins are linked to stored users (NextAuth's OAuth path).
_LINKED_TYPES = frozenset({"oauth", "oidc"})


def _known_user(adapter: Adapter | None, account: Mapping[str, Any]) -> Any | None:
    """``get_user_by_account`` for an OAuth account with an adapter, else ``None``."""
    if adapter is None or account.get("type") not in _LINKED_TYPES:
        return None
    return adapter.get_user_by_account(
        str(account.get("provider")), str(account.get("providerAccountId"))
    )


def link_account(
    ctx: AuthRequest,
    *,
    provider: Provider,
    user: Any,
    account: Mapping[str, Any],
    profile: Mapping[str, Any] | None,
    known: Any | None = None,
    bound_to_session: bool = False,
) -> Linked | None:
    """NextAuth's account linking: who signs in (``None``: ``user`` as given).

    With an adapter and an OAuth / OIDC account, applies NextAuth's rules
    (``django_nextauth/flow/accounts.py``); raises
    :class:`~django_nextauth.flow.accounts.AccountNotLinked` when they refuse. Other
    sign-ins (credentials, e-mail: their provider already has the user) and sites
    without an adapter store nothing. ``bound_to_session``: the sign-in was started by
    the session the request carries (only then is an unknown account linked to its user).
    """
    adapter = get_adapter()
    if adapter is None or account.get("type") not in _LINKED_TYPES or not isinstance(user, Mapping):
        return None
    return link(
        ctx.request,
        adapter,
        provider=provider,
        user=user,
        account=account,
        known=known,
        profile=profile,
        bound_to_session=bound_to_session,
    )


def _not_linked(ctx: AuthRequest) -> HttpResponseBase:
    code = ErrorCode.OAUTH_ACCOUNT_NOT_LINKED
    if ctx.dialect.errors_via_error_route:
        return ctx.error_redirect(code)
    # @auth/core sends sign-in errors to the sign-in page (docs/protocol-providers.md §1.11).
    return ctx.redirect(with_query(ctx.page("SIGN_IN", "signin"), error=code.value))


def _token_for(user: Any, profile_user: Any) -> dict[str, Any]:
    """The default token of the signed-in user; the provider's picture when the Django user
    has none (Django's user model keeps no image)."""
    token = user_to_token(user)
    if "picture" not in token and isinstance(profile_user, Mapping) and profile_user.get("image"):
        token["picture"] = profile_user["image"]
    return token


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
    bound_to_session: bool = False,
    persist: Callable[[], tuple[Any, bool] | ErrorCode] | None = None,
) -> HttpResponseBase:
    """Finish signing ``user`` in through ``provider``; the answer to send the browser.

    ``bound_to_session``: an OAuth sign-in started by the session the request carries
    (``providers/binding.py``); without it an unknown account is not linked to the
    signed-in user. ``persist``, when given, runs once the ``sign_in`` callback allowed
    the sign-in: it stores what the sign-in creates (a passkey's user, account and
    authenticator) and returns ``(stored user, is_new_user)``, or the error code to
    answer instead.
    """
    request = ctx.request
    adapter = get_adapter()
    try:
        known = _known_user(adapter, account)
    except Exception as exc:  # a custom adapter, or a database that refused the lookup
        logger.error("django_nextauth: get_user_by_account raised %s", type(exc).__name__)
        return ctx.error_redirect(_step_error(ctx))
    try:
        allowed = run_sign_in(
            user=user if known is None else known,
            account=account,
            profile=profile,
            credentials=credentials,
            request=request,
        )
    except Exception as exc:
        logger.error("django_nextauth: sign_in callback raised %s", type(exc).__name__)
        allowed = False
    if allowed and known is not None and not is_active(known):
        allowed = False  # as Django's ModelBackend: a deactivated user does not sign in
    if not allowed:
        return _denied(ctx, provider, credentials)
    if isinstance(allowed, str):
        return ctx.redirect(safe_redirect(request, allowed, ctx.origin))
    profile_user = user
    if persist is not None:
        stored = persist()
        if isinstance(stored, ErrorCode):
            return ctx.error_redirect(stored)
        user, is_new_user = stored
    try:
        linked = link_account(
            ctx,
            provider=provider,
            user=user,
            account=account,
            profile=profile,
            known=known,
            bound_to_session=bound_to_session,
        )
    except AccountNotLinked as exc:
        logger.info("django_nextauth: %s", exc)
        return _not_linked(ctx)
    except InactiveUser:
        return _denied(ctx, provider, credentials)
    except Exception as exc:  # the adapter could not find, create or link the user
        logger.error("django_nextauth: account linking failed (%s)", type(exc).__name__)
        return ctx.error_redirect(_step_error(ctx))
    if linked is not None:
        user, is_new_user = linked.user, linked.is_new_user
    if not is_active(user):  # every provider, whoever it found: no session for a deactivated user
        return _denied(ctx, provider, credentials)
    try:
        token = session_state(request).sign_in(
            _token_for(user, profile_user),
            user=user,
            account=account,
            profile=profile,
            is_new_user=is_new_user,
        )
    except CallbackFailed as exc:  # user code: no session, one log line, the version's error
        logger.error("django_nextauth: jwt callback raised %s", type(exc.__cause__).__name__)
        return ctx.error_redirect(_step_error(ctx))
    except UnstorableToken:
        logger.error("django_nextauth: the jwt callback returned a token that cannot be stored")
        return ctx.error_redirect(ErrorCode.CONFIGURATION, status=200)
    if token is None:
        logout(request)
    send_robust(
        user_signed_in,
        provider.id,
        request=request,
        user=user,
        account=account,
        token=token,
        is_new_user=is_new_user,
    )
    return ctx.redirect(ctx.callback_url)


def _denied(
    ctx: AuthRequest, provider: Provider, credentials: Mapping[str, Any] | None
) -> HttpResponseBase:
    send_sign_in_failed(ctx.request, provider.id, ErrorCode.ACCESS_DENIED.value, credentials)
    return ctx.error_redirect(ErrorCode.ACCESS_DENIED)


def _step_error(ctx: AuthRequest) -> ErrorCode:
    """A failed step of the callback: v4's ``Callback``, v5's ``Configuration``."""
    return ErrorCode.CALLBACK if ctx.dialect.step_error_codes else ErrorCode.CONFIGURATION
