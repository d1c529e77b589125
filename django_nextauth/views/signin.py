"""Sign-in: ``GET /signin``, ``POST /signin/<provider>``, ``POST /callback/<provider>``.

The credentials callback follows NextAuth (PROTOCOL §4.4): CSRF check, then
``authorize`` (behind the brute-force limiter), the ``sign_in`` callback, the
``jwt`` callback with ``trigger="signIn"``, the session cookie and a redirect
to the callback URL. Failures never answer 500 and never echo what
``authorize`` raised: every failure of ``authorize`` is ``CredentialsSignin``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase

from django_nextauth.callbacks import run_jwt, run_sign_in, user_to_token
from django_nextauth.conf import nextauth_settings
from django_nextauth.providers import Provider, get_provider, run_authorize
from django_nextauth.ratelimit import (
    credential_username,
    is_blocked,
    register_failure,
    register_success,
)
from django_nextauth.session import clear_session, issue_session
from django_nextauth.signals import (
    cleanse_credentials,
    send_login_failed,
    send_robust,
    sign_in_failed,
    user_signed_in,
)

from .base import AuthRequest, auth_view, finish, init, redirect, safe_redirect
from .pages import render_signin, with_query
from .responses import bad_request

__all__ = ["callback", "missing_csrf", "signin"]

logger = logging.getLogger("django_nextauth")


def missing_csrf(ctx: AuthRequest, action: str) -> HttpResponse:
    """NextAuth's answer to a POST whose CSRF token does not verify."""
    if ctx.version == "v4":
        return redirect(ctx, f"{ctx.auth_url}/{action}?csrf=true")
    return redirect(ctx, with_query(ctx.page("SIGN_IN", "signin"), error="MissingCSRF"))


def _error_page(ctx: AuthRequest, code: str, status: int) -> HttpResponse:
    base = f"{ctx.auth_url}/error" if ctx.version == "v4" else ctx.page("ERROR", "error")
    return redirect(ctx, with_query(base, error=code), status=status)


def _signin_error(ctx: AuthRequest, provider: Provider, code: str, status: int) -> HttpResponse:
    if ctx.version == "v4":
        url = with_query(f"{ctx.auth_url}/error", error=code, provider=provider.id)
    else:
        url = with_query(ctx.page("SIGN_IN", "signin"), error=code, code="credentials")
    return redirect(ctx, url, status=status)


@auth_view(("GET", "POST"), html=True)
def signin(request: HttpRequest, provider_id: str | None = None) -> HttpResponseBase:
    """``GET /signin[/<id>]``: the page; ``POST /signin/<id>``: back to the page (credentials)."""
    ctx = init(request)
    if request.method == "GET":
        return render_signin(ctx)
    provider = get_provider(provider_id) if provider_id else None
    if not ctx.csrf.verified or (provider is None and ctx.version == "v4"):
        return finish(ctx, missing_csrf(ctx, "signin"))
    # Credentials sign in through /callback/<id>; /signin/<id> shows the form.
    return finish(ctx, redirect(ctx, f"{ctx.auth_url}/signin"))


@auth_view(("POST",))
def callback(request: HttpRequest, provider_id: str) -> HttpResponseBase:
    """``POST /callback/<id>``: sign in with a credentials provider."""
    provider = get_provider(provider_id)
    if provider is None:
        return bad_request(request)
    ctx = init(request)
    if not ctx.csrf.verified:
        return finish(ctx, missing_csrf(ctx, "signin"))
    return finish(ctx, _credentials_sign_in(ctx, provider))


def _credentials_sign_in(ctx: AuthRequest, provider: Provider) -> HttpResponse:
    request, body = ctx.request, ctx.body
    username = credential_username(body)
    if is_blocked(request, username):
        _failed(ctx, provider, "TooManyAttempts")
        response = _signin_error(ctx, provider, "TooManyAttempts", 429)
        response["Retry-After"] = str(nextauth_settings.RATE_LIMIT.get("WINDOW") or 900)
        return response
    user = _authorize(ctx, provider)
    if user is None:
        register_failure(request, username)
        return _signin_error(ctx, provider, "CredentialsSignin", 401)
    register_success(request, username)
    user_id = user.get("id") if isinstance(user, Mapping) else user.pk
    account = {
        "providerAccountId": None if user_id is None else str(user_id),
        "type": "credentials",
        "provider": provider.id,
    }
    try:
        allowed = run_sign_in(user=user, account=account, credentials=body, request=request)
    except Exception as exc:
        logger.error("django_nextauth: sign_in callback raised %s", type(exc).__name__)
        allowed = False
    if not allowed:
        _failed(ctx, provider, "AccessDenied", send_django=False)
        return _error_page(ctx, "AccessDenied", 403)
    if isinstance(allowed, str):
        return redirect(ctx, safe_redirect(request, allowed, ctx.origin))
    try:
        token = run_jwt(
            token=user_to_token(user),
            user=user,
            account=account,
            trigger="signIn",
            is_new_user=False,
            request=request,
        )
        response = redirect(ctx, ctx.callback_url)
        if token is None:
            clear_session(response, request)
        else:
            issue_session(response, request, token)
    except (TypeError, ValueError) as exc:
        # A jwt callback returning something that cannot be a token.
        logger.error("django_nextauth: cannot issue the session token: %s", type(exc).__name__)
        return _error_page(ctx, "Configuration", 200)
    send_robust(
        user_signed_in, provider.id, request=request, user=user, account=account, token=token
    )
    return response


def _authorize(ctx: AuthRequest, provider: Provider) -> Any:
    """The user ``authorize`` returns, normalised, or ``None`` (signals sent on failure)."""
    credentials = dict(ctx.body)
    try:
        result = run_authorize(provider, credentials, ctx.request)
        raised = False
    except Exception as exc:
        # The message may quote the password: the type is enough to debug with.
        logger.warning(
            "django_nextauth: authorize of provider %r raised %s", provider.id, type(exc).__name__
        )
        result, raised = None, True
    user = _normalize_user(result, ctx.version)
    if user is None:
        # Django's authenticate() has already sent user_login_failed on the default path.
        django_sent = not raised and provider.authorize is None and _has_login(credentials)
        _failed(ctx, provider, "CredentialsSignin", send_django=not django_sent)
    return user


def _has_login(credentials: Mapping[str, Any]) -> bool:
    username = credentials.get("username")
    if not isinstance(username, str):
        username = credentials.get("email")
    return isinstance(username, str) and isinstance(credentials.get("password"), str)


def _normalize_user(result: Any, version: str) -> Any:
    if result is None or result is False:
        return None
    if isinstance(result, Mapping):
        user = dict(result)
        if version == "v5":
            # @auth/core: user.id = String(user.id) or a random UUID.
            user["id"] = str(user["id"]) if user.get("id") is not None else str(uuid.uuid4())
        return user
    if hasattr(result, "pk") and getattr(result, "is_active", True) is not False:
        return result
    logger.warning("django_nextauth: authorize returned an unusable %s", type(result).__name__)
    return None


def _failed(ctx: AuthRequest, provider: Provider, code: str, *, send_django: bool = True) -> None:
    send_robust(
        sign_in_failed,
        provider.id,
        request=ctx.request,
        provider=provider.id,
        error=code,
        credentials=cleanse_credentials(ctx.body),
    )
    if send_django and code != "AccessDenied":
        send_login_failed(ctx.request, ctx.body)
