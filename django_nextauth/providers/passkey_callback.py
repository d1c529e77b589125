"""``POST /callback/<id>`` with ``action`` and ``data``: register or use a passkey.

As @auth/core's WebAuthn callback (``docs/passkeys.md``), with these checks first: the
CSRF token (the official client and the built-in page send it), the attempt limits, and
a challenge that is used once. Then:

- ``authenticate``: the credential's authenticator -> its challenge -> py_webauthn's
  checks -> the counter moves forwards (a conditional update) -> the account's user;
  signed in as somebody else: ``AccountNotLinked``.
- ``register``: the challenge names who registers; the passkey is added to the
  signed-in user it names, or makes a new user of an address that still has none
  (``allow_sign_up``). The user, account and authenticator are stored only once the
  ``sign_in`` callback allowed the sign-in (``complete_sign_in``'s ``persist`` step).

Refusals carry Auth.js's codes: ``WebAuthnVerificationError`` (did not verify),
``AccountNotLinked``, ``TooManyAttempts``, else ``Configuration`` (Auth.js's code for a
missing or spent challenge, an unknown credential or a malformed body). The log says
why; the browser gets no session and never a 5xx.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import router, transaction
from django.http import HttpResponseBase

from django_nextauth.adapters import Adapter
from django_nextauth.conf import nextauth_settings
from django_nextauth.cookies import delete_cookie
from django_nextauth.errors import ErrorCode
from django_nextauth.flow.complete import complete_sign_in
from django_nextauth.flow.context import with_query
from django_nextauth.identity import user_with_email
from django_nextauth.signals import send_sign_in_failed
from django_nextauth.webauthn.ceremony import Refused, verify_authentication, verify_registration
from django_nextauth.webauthn.challenge import Challenge, ChallengeError, open_challenge
from django_nextauth.webauthn.codec import from_base64, to_base64

from .passkey_users import require_adapter, signed_in_user

if TYPE_CHECKING:
    from django_nextauth.flow.context import AuthRequest
    from django_nextauth.providers.webauthn import WebAuthnProvider

__all__ = ["finish"]

logger = logging.getLogger("django_nextauth")


class _Stop(Exception):
    """A refusal: ``code`` for the browser, ``reason`` for the log."""

    def __init__(self, code: ErrorCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code


def finish(ctx: AuthRequest, provider: WebAuthnProvider) -> HttpResponseBase:
    """The callback: a signed-in browser, or the error redirect Auth.js sends."""
    if not ctx.csrf.verified:  # first: a forged POST spends no challenge
        return ctx.missing_csrf("signin")
    adapter = require_adapter(provider)
    try:
        action = ctx.body.get("action")
        data = _data(ctx.body.get("data"))
        if action == "authenticate":
            response = _authenticate(ctx, provider, adapter, data)
        elif action == "register":
            response = _register(ctx, provider, adapter, data)
        else:
            raise _Stop(ErrorCode.CONFIGURATION, "the action is neither register nor authenticate")
    except _Stop as stop:
        response = _refused(ctx, provider, stop)
    # The challenge is spent whatever happened (@auth/core clears it on use).
    secure = ctx.csrf.secure
    delete_cookie(response, ctx.dialect.cookie("webauthn_challenge", secure=secure), secure=secure)
    return response


def _data(raw: object) -> dict[str, Any]:
    """``data``: the JSON of the browser's ``PublicKeyCredential`` (with a string ``id``)."""
    try:
        data = json.loads(raw) if isinstance(raw, str) and len(raw) < 64 * 1024 else None
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        raise _Stop(ErrorCode.CONFIGURATION, "the WebAuthn response is malformed")
    return data


def _challenge(ctx: AuthRequest, provider: WebAuthnProvider) -> Challenge:
    try:
        return open_challenge(
            ctx.request.COOKIES,
            provider_id=provider.id,
            rules=ctx.dialect,
            secret=nextauth_settings.secrets,
            secure=ctx.csrf.secure,
        )
    except ChallengeError as exc:
        raise _Stop(ErrorCode.CONFIGURATION, str(exc)) from exc


def _authenticate(
    ctx: AuthRequest, provider: WebAuthnProvider, adapter: Adapter, data: dict[str, Any]
) -> HttpResponseBase:
    try:
        credential_id = to_base64(from_base64(data["id"]))  # Auth.js: smooth out encodings
    except ValueError as exc:
        raise _Stop(ErrorCode.CONFIGURATION, "the credential id is not base64") from exc
    taken = provider.rate_limit.attempt(ctx.request, credential_id)
    if taken is None:
        raise _Stop(ErrorCode.TOO_MANY_ATTEMPTS, "too many failed passkey attempts")
    authenticator = adapter.get_authenticator(credential_id)
    if authenticator is None:
        raise _Stop(ErrorCode.CONFIGURATION, "unknown credential")
    expected = _challenge(ctx, provider)
    try:
        counter = verify_authentication(
            data,
            challenge=expected.challenge,
            rp=provider.relying_party_for(ctx),
            authenticator=authenticator,
            user_verification=provider.user_verification,
        )
    except Refused as exc:
        raise _Stop(ErrorCode.WEBAUTHN_VERIFICATION_ERROR, str(exc)) from exc
    if adapter.update_authenticator_counter(credential_id, counter) is None:
        raise _Stop(
            ErrorCode.WEBAUTHN_VERIFICATION_ERROR,
            f"the signature counter did not move forwards ({counter}): a replay or a cloned "
            "authenticator",
        )
    user = adapter.get_user_by_account(provider.id, str(authenticator["providerAccountId"]))
    if user is None or str(user.pk) != str(authenticator.get("userId")):
        raise _Stop(ErrorCode.CONFIGURATION, "the credential's account or user is missing")
    current = signed_in_user(ctx.request, adapter)
    if current is not None and current.pk != user.pk:
        raise _Stop(ErrorCode.ACCOUNT_NOT_LINKED, "the passkey belongs to another user")
    taken.succeeded()
    account = _account(provider, credential_id, user)
    return complete_sign_in(ctx, provider=provider, user=user, account=account)


def _register(
    ctx: AuthRequest, provider: WebAuthnProvider, adapter: Adapter, data: dict[str, Any]
) -> HttpResponseBase:
    taken = provider.rate_limit.attempt(ctx.request, None)
    if taken is None:
        raise _Stop(ErrorCode.TOO_MANY_ATTEMPTS, "too many failed passkey attempts")
    expected = _challenge(ctx, provider)
    registering = expected.register_data
    if registering is None:
        raise _Stop(ErrorCode.CONFIGURATION, "the challenge was made for signing in")
    try:
        new = verify_registration(
            data,
            challenge=expected.challenge,
            rp=provider.relying_party_for(ctx),
            user_verification=provider.user_verification,
        )
    except Refused as exc:
        raise _Stop(ErrorCode.WEBAUTHN_VERIFICATION_ERROR, str(exc)) from exc
    user, is_new_user = _registering_user(ctx, provider, adapter, registering)
    if adapter.get_authenticator(new["credentialID"]) is not None:
        raise _Stop(ErrorCode.ACCOUNT_NOT_LINKED, "the passkey is registered already")
    taken.succeeded()
    account = _account(provider, new["credentialID"], user)
    persist = _persist(provider, adapter, user, new, account, is_new_user)
    return complete_sign_in(
        ctx, provider=provider, user=user, account=account, is_new_user=is_new_user, persist=persist
    )


def _registering_user(
    ctx: AuthRequest, provider: WebAuthnProvider, adapter: Adapter, registering: Mapping[str, Any]
) -> tuple[Any, bool]:
    """The user the new passkey belongs to: the one the challenge was made for, still signed
    in; or a new user for an address that still has no account."""
    current = signed_in_user(ctx.request, adapter)
    named = registering.get("id")
    if current is not None or named is not None:
        if current is None or named is None or str(current.pk) != str(named):
            raise _Stop(ErrorCode.ACCOUNT_NOT_LINKED, "the session changed since the challenge")
        return current, False
    email = registering.get("email")
    if not isinstance(email, str) or not email or not provider.allow_sign_up:
        raise _Stop(ErrorCode.CONFIGURATION, "no address to sign up with")
    if user_with_email(adapter, email) is not None:
        # Auth.js: an address is never trusted to join an existing account.
        raise _Stop(ErrorCode.ACCOUNT_NOT_LINKED, "the address has an account already")
    return {"email": email}, True


def _persist(
    provider: WebAuthnProvider,
    adapter: Adapter,
    user: Any,
    new: Mapping[str, Any],
    account: dict[str, Any],
    is_new_user: bool,
) -> Callable[[], tuple[Any, bool] | ErrorCode]:
    def persist() -> tuple[Any, bool] | ErrorCode:
        try:
            with transaction.atomic(using=router.db_for_write(get_user_model())):
                stored = adapter.create_user(user) if is_new_user else user
                account["userId"] = str(stored.pk)
                adapter.link_account(stored, account)
                adapter.create_authenticator({**new, "userId": str(stored.pk)})
        except Exception as exc:  # a concurrent registration of the address or credential
            logger.error("django_nextauth: storing the passkey failed (%s)", type(exc).__name__)
            return ErrorCode.CONFIGURATION
        return stored, is_new_user

    return persist


def _account(provider: WebAuthnProvider, credential_id: str, user: Any) -> dict[str, Any]:
    account = {"providerAccountId": credential_id, "provider": provider.id, "type": "webauthn"}
    if not isinstance(user, Mapping):
        account["userId"] = str(user.pk)
    return account


def _refused(ctx: AuthRequest, provider: WebAuthnProvider, stop: _Stop) -> HttpResponseBase:
    logger.warning("django_nextauth: passkey %r refused: %s", provider.id, stop)
    send_sign_in_failed(ctx.request, provider.id, stop.code.value)
    if stop.code is ErrorCode.ACCOUNT_NOT_LINKED:  # a sign-in error: Auth.js's sign-in page
        return ctx.redirect(with_query(ctx.page("SIGN_IN", "signin"), error=stop.code.value))
    if stop.code is ErrorCode.TOO_MANY_ATTEMPTS:
        response = ctx.error_redirect(stop.code)
        response["Retry-After"] = str(provider.rate_limit.window)
        return response
    return ctx.error_redirect(stop.code)
