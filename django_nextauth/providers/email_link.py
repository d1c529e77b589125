"""The magic-link flow: send a link (``POST /signin/<id>``), use it (``POST /callback/<id>``).

Following the link (``GET /callback/<id>``) only shows a confirmation page
(``providers/email_confirm.py``) whose form posts here: mail scanners that fetch every link
spend no token, and a link opened in someone else's browser signs nobody in unasked.

NextAuth's steps and answers (``docs/protocol-providers.md`` §2.2 and §2.4), with
three additions: sends are limited per address and per client IP
(``email/limits.py``); an address with no account gets the same answer as one with
an account (``allow_sign_up=False`` sends nothing to it, silently); and a
``sign_in`` callback's URL goes through the ``redirect`` callback in both versions.
Nothing a hook raises becomes a 500 or reaches the browser: it is logged by type
and answered with the version's error code.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from contextlib import suppress
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync, iscoroutinefunction
from django.contrib.auth import get_user_model
from django.db import router, transaction
from django.http import HttpResponseBase
from django.utils import timezone

from django_nextauth import adapters
from django_nextauth.adapters import Adapter
from django_nextauth.callbacks import get_callback
from django_nextauth.dialect import Dialect
from django_nextauth.email.identifiers import InvalidIdentifier, normalize_identifier
from django_nextauth.email.limits import allow_send
from django_nextauth.email.mail import send_verification_request
from django_nextauth.email.verification import (
    generate_token,
    hash_verification_token,
    read_link,
    search_params,
    token_secrets,
)
from django_nextauth.errors import ErrorCode
from django_nextauth.flow.complete import complete_sign_in
from django_nextauth.flow.context import safe_redirect
from django_nextauth.hooks import HookFailed, describe, run_hook
from django_nextauth.identity import is_active, stored_email, user_with_email
from django_nextauth.logs import is_server_fault, log_server_fault
from django_nextauth.signals import (
    send_sign_in_failed,
)
from django_nextauth.storable import MAX_EMAIL, storable

if TYPE_CHECKING:
    from django_nextauth.flow.context import AuthRequest

    from .email import EmailProvider

__all__ = ["link_failed", "require_adapter", "send_link", "use_link"]

logger = logging.getLogger("django_nextauth")


def send_link(ctx: AuthRequest, provider: EmailProvider) -> HttpResponseBase:
    """``POST /signin/<id>`` (CSRF verified): mail a sign-in link, answer "check your e-mail"."""
    dialect = ctx.dialect
    try:
        identifier = _normalize(provider, ctx.body.get("email"), dialect)
    except Exception as exc:
        logger.warning("django_nextauth: e-mail sign-in refused an address (%s)", describe(exc))
        return link_failed(ctx, provider, _email_error(dialect, ErrorCode.EMAIL_SIGNIN))
    if not allow_send(ctx.request, identifier, provider.rate_limit):
        response = link_failed(ctx, provider, ErrorCode.TOO_MANY_ATTEMPTS)
        response["Retry-After"] = str(provider.rate_limit.window)
        return response
    adapter = require_adapter(provider)
    user = user_with_email(adapter, identifier)
    if (user is None and not provider.allow_sign_up) or not is_active(user):
        return _verify_request(ctx, provider)  # the same answer as a sent link: no enumeration
    user = user if user is not None else _placeholder(identifier, dialect)
    account = {
        "providerAccountId": identifier,
        "userId": identifier if dialect.email_placeholder_id == "email" else _user_id(user),
        "type": "email",
        "provider": provider.id,
    }
    allowed = _verification_sign_in(ctx, user, account)
    if not allowed:
        return link_failed(ctx, provider, ErrorCode.ACCESS_DENIED)
    if isinstance(allowed, str):
        return ctx.redirect(safe_redirect(ctx.request, allowed, ctx.origin))
    # A known user's link goes to the address stored for them, never to the spelling typed in
    # (which only has the same identity key): as Django's password reset since CVE-2019-19844.
    recipient = identifier if isinstance(user, dict) else stored_email(user) or identifier
    try:
        _store_and_send(ctx, provider, adapter, identifier, recipient)
    except Exception as exc:
        fault = exc.__cause__ if isinstance(exc, HookFailed) else exc  # what the hook hit
        if fault is not None and is_server_fault(fault):  # the database or the mail server
            log_server_fault("the sign-in link was not sent", fault)  # its message is the fix
        else:  # a hook's message may quote the link
            logger.error("django_nextauth: the sign-in link was not sent (%s)", describe(exc))
        return link_failed(ctx, provider, _email_error(dialect, ErrorCode.EMAIL_SIGNIN))
    return _verify_request(ctx, provider)


def use_link(ctx: AuthRequest, provider: EmailProvider) -> HttpResponseBase:
    """``POST /callback/<id>`` with ``token``, ``email`` and ``callbackUrl`` (the confirmation
    page's form, ``providers/email_confirm.py``; its CSRF token already verified by the
    callback view): use the token once, sign its owner in."""
    dialect = ctx.dialect
    fields = read_link(ctx.body)
    if isinstance(fields, ErrorCode):
        return link_failed(ctx, provider, fields)
    token, identifier = fields
    adapter = require_adapter(provider)
    invite = None
    # The lookup is by address and token hash, as NextAuth's adapters do.
    for secret in token_secrets(dialect):
        invite = adapter.use_verification_token(identifier, hash_verification_token(token, secret))
        if invite is not None:
            break
    if invite is None or invite.expires < timezone.now() or invite.identifier != identifier:
        return link_failed(ctx, provider, ErrorCode.VERIFICATION)
    user, is_new_user = user_with_email(adapter, identifier), False
    if (user is None and not provider.allow_sign_up) or not is_active(user):
        return link_failed(ctx, provider, ErrorCode.ACCESS_DENIED)
    try:
        with transaction.atomic(using=router.db_for_write(get_user_model())):
            if user is None:
                user, is_new_user = _create_user(adapter, identifier), True
            adapter.mark_email_verified(user, identifier, provider.id)
    except _CreateUserError:
        return link_failed(ctx, provider, _email_error(dialect, ErrorCode.EMAIL_CREATE_ACCOUNT))
    except Exception as exc:
        logger.error("django_nextauth: e-mail sign-in failed (%s)", type(exc).__name__)
        return link_failed(ctx, provider, _email_error(dialect, ErrorCode.CALLBACK))
    account = {
        "providerAccountId": identifier,
        "userId": _user_id(user),
        "type": "email",
        "provider": provider.id,
    }
    return complete_sign_in(
        ctx, provider=provider, user=user, account=account, is_new_user=is_new_user
    )


class _CreateUserError(Exception):
    """The adapter could not create the user (v4's ``EmailCreateAccount``)."""


def _create_user(adapter: Adapter, identifier: str) -> Any:
    try:
        return adapter.create_user({"email": identifier, "emailVerified": timezone.now()})
    except Exception as exc:
        logger.error("django_nextauth: creating the user failed (%s)", type(exc).__name__)
        raise _CreateUserError from exc


def _normalize(provider: EmailProvider, raw: object, dialect: Dialect) -> str:
    if provider.normalize_identifier is None:
        identifier = normalize_identifier(raw, dialect)
    elif not isinstance(raw, str) or not raw:
        raise ValueError("Missing email from request body.")
    else:
        identifier = run_hook("normalize_identifier", provider.normalize_identifier, raw)
    if not isinstance(identifier, str) or not identifier:
        raise ValueError("normalize_identifier returned no address")
    if not storable(identifier, MAX_EMAIL):  # before any query (django_nextauth/storable.py)
        raise InvalidIdentifier("The address cannot be stored.")
    return identifier


def _store_and_send(
    ctx: AuthRequest, provider: EmailProvider, adapter: Adapter, identifier: str, recipient: str
) -> None:
    """Store the token's hash, then mail the link to ``recipient`` (a link that cannot work is
    never sent). The link and the stored token name ``identifier``, as NextAuth's do."""
    token = run_hook("generate_token", provider.generate_token or generate_token)
    if not isinstance(token, str) or not token:
        raise ValueError("generate_token returned no token")
    expires = timezone.now() + timedelta(seconds=provider.max_age)
    token_hash = hash_verification_token(token, token_secrets(ctx.dialect)[0])
    params = {"callbackUrl": ctx.callback_url, "token": token, "email": identifier}
    url = f"{ctx.url('callback', provider_id=provider.id)}?{search_params(params)}"
    adapter.create_verification_token(identifier, token_hash, expires)
    send: Callable[..., Any] = provider.send or send_verification_request
    kwargs: dict[str, Any] = {
        "identifier": recipient,
        "url": url,
        "token": token,
        "expires": expires,
        "provider": provider,
        "request": ctx.request,
    }
    try:
        run_hook("send", send, **kwargs)
    except Exception:
        with suppress(Exception):  # the link was not sent: do not leave it usable
            adapter.use_verification_token(identifier, token_hash)
        raise


def _verification_sign_in(ctx: AuthRequest, user: Any, account: dict[str, Any]) -> bool | str:
    """The ``sign_in`` callback with ``email={"verificationRequest": True}`` (NextAuth's)."""
    callback = get_callback("sign_in")
    kwargs = {
        "user": user,
        "account": account,
        "profile": None,
        "credentials": None,
        "email": {"verificationRequest": True},
        "request": ctx.request,
    }
    try:
        if iscoroutinefunction(callback):
            return async_to_sync(callback)(**kwargs)  # type: ignore[no-any-return]
        return callback(**kwargs)  # type: ignore[no-any-return]
    except Exception as exc:
        logger.error("django_nextauth: sign_in callback raised %s", type(exc).__name__)
        return False


def _verify_request(ctx: AuthRequest, provider: EmailProvider) -> HttpResponseBase:
    query = search_params({"provider": provider.id, "type": provider.type})
    return ctx.redirect(f"{ctx.url('verify-request')}?{query}")


def link_failed(ctx: AuthRequest, provider: EmailProvider, code: ErrorCode) -> HttpResponseBase:
    """Refuse an e-mail sign-in step with ``code``: ``sign_in_failed``, then the error redirect.

    Shared with the confirmation page (``providers/email_confirm.py``), which refuses a bad
    link the same way."""
    send_sign_in_failed(ctx.request, provider.id, code.value, ctx.body)
    return ctx.error_redirect(code)


def _email_error(dialect: Dialect, code: ErrorCode) -> ErrorCode:
    return code if dialect.step_error_codes else ErrorCode.CONFIGURATION


def require_adapter(provider: EmailProvider) -> Adapter:
    """The adapter that keeps ``provider``'s tokens; :exc:`ConfigurationError` without one."""
    return adapters.require_adapter(f"The e-mail provider {provider.id!r} (to keep its tokens)")


def _placeholder(identifier: str, dialect: Dialect) -> dict[str, Any]:
    """NextAuth's user for an address with no account yet."""
    user_id = identifier if dialect.email_placeholder_id == "email" else str(uuid.uuid4())
    return {"id": user_id, "email": identifier, "emailVerified": None}


def _user_id(user: Any) -> str:
    return str(user["id"] if isinstance(user, dict) else user.pk)
