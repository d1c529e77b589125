"""``GET /webauthn-options/<id>?action=register|authenticate[&email=...]``: Auth.js's answer.

The inference rules of @auth/core's ``inferWebAuthnOptions``: ``authenticate`` is always
allowed; ``register`` only for a signed-in user (a passkey added to their account) or for
an address with no account; with no action, a signed-out browser authenticates (with the
named user's passkeys when the address has an account) or registers an unknown address,
and a signed-in one must name the action. The body is ``{"action", "options"}`` and the
challenge goes into ``authjs.challenge``. Anything else is Auth.js's 400
``{"error": "Invalid action"}`` / ``{"error": "Invalid request"}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpResponse, HttpResponseBase

from django_nextauth.conf import nextauth_settings
from django_nextauth.cookies import set_cookie
from django_nextauth.errors import ErrorCode
from django_nextauth.flow.responses import NO_CACHE, json_response
from django_nextauth.webauthn.ceremony import authentication_options, registration_options
from django_nextauth.webauthn.challenge import seal_challenge

from .passkey_users import (
    UserInfo,
    display_names,
    lookup_user,
    register_data,
    require_adapter,
    signed_in_user,
)

if TYPE_CHECKING:
    from django_nextauth.flow.context import AuthRequest
    from django_nextauth.providers.webauthn import WebAuthnProvider

__all__ = ["answer_options", "infer_action"]

_ACTIONS = ("register", "authenticate")


def infer_action(action: str | None, signed_in: bool, info: UserInfo | None) -> str | None:
    """@auth/core's ``inferWebAuthnOptions``: the action to answer, or ``None`` (refused)."""
    if action == "authenticate":
        return "authenticate"
    if action == "register":
        return "register" if info is not None and signed_in == info.exists else None
    if signed_in:
        return None
    return "register" if info is not None and not info.exists else "authenticate"


def _error(message: str, status: int = 400) -> HttpResponse:
    return json_response({"error": message}, status=status, headers=dict(NO_CACHE))


def answer_options(ctx: AuthRequest, provider: WebAuthnProvider) -> HttpResponseBase:
    """The options for the browser's next ceremony, and the challenge cookie."""
    adapter = require_adapter(provider)
    request = ctx.request
    action = request.GET.get("action")
    if action is not None and action not in _ACTIONS:
        return _error("Invalid action")
    current = signed_in_user(request, adapter)
    info: UserInfo | None
    if current is not None:
        info = UserInfo(current, None, exists=True)
    else:
        if request.GET.get("email") and not provider.rate_limit.lookup(request):
            return _error(ErrorCode.TOO_MANY_ATTEMPTS.value, status=429)
        info = lookup_user(adapter, request.GET.get("email"))
    decision = infer_action(action, current is not None, info)
    rp = provider.relying_party_for(ctx)
    timeout, verification = provider.timeout, provider.user_verification
    data: dict[str, Any] | None = None
    if decision == "authenticate":
        known = info is not None and info.exists
        allow = adapter.list_authenticators_by_user_id(str(info.user.pk)) if known else []  # type: ignore[union-attr]
        options = authentication_options(
            rp, allow=allow, user_verification=verification, timeout=timeout
        )
    elif decision == "register" and info is not None and (info.exists or provider.allow_sign_up):
        user_name, display_name = display_names(info.user)
        existing = adapter.list_authenticators_by_user_id(str(info.user.pk)) if info.exists else []
        options = registration_options(
            rp,
            user_name=user_name,
            display_name=display_name,
            exclude=existing,
            user_verification=verification,
            timeout=timeout,
        )
        data = register_data(info.user)
    else:
        return _error("Invalid request")
    sealed = seal_challenge(
        str(options["challenge"]),
        data,
        provider_id=provider.id,
        rules=ctx.dialect,
        secret=nextauth_settings.secrets,
        secure=ctx.csrf.secure,
    )
    response = json_response({"action": decision, "options": options}, headers=dict(NO_CACHE))
    set_cookie(
        response,
        sealed.name,
        sealed.value,
        secure=ctx.csrf.secure,
        max_age=sealed.max_age,
        expires=sealed.expires,
    )
    return response
