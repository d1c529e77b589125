"""Sign-out: ``GET /signout`` (confirmation page) and ``POST /signout``."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from django.http import HttpResponseBase

from django_nextauth.errors import ErrorCode
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.flow.context import AuthRequest
from django_nextauth.revocation import sign_out_everywhere
from django_nextauth.session import logout, session_state
from django_nextauth.signals import send_robust, user_signed_out

from .base import AuthView
from .pages import signout_page

__all__ = ["SignoutView"]

logger = logging.getLogger("django_nextauth")


class SignoutView(AuthView):
    """``POST /signout`` with a verified CSRF token ends the session (a database row is
    deleted, a JWT's ``sid`` revoked when revocation is on), deletes every session cookie
    chunk, sends ``user_signed_out`` and redirects to the callback URL.

    With ``everywhere=true`` in the body it ends every session of the signed-in user
    (:func:`~django_nextauth.revocation.sign_out_everywhere`); where that cannot be done
    (JWT sessions without ``SESSION["REVOCATION_CACHE"]``) this session still ends and the
    browser lands on the Configuration error. When the revocation could not be recorded
    (the cache is down) nothing changes: the answer is a 503 and the cookie is kept, so that
    signing out again can end the session for real."""

    methods: ClassVar[tuple[str, ...]] = ("GET", "POST")
    html: ClassVar[bool] = True
    outage_action: ClassVar[str] = "Signing out"

    def handle(self, ctx: AuthRequest, **kwargs: Any) -> HttpResponseBase:
        if ctx.request.method == "GET":
            return signout_page(ctx)
        if not ctx.csrf.verified:
            return ctx.missing_csrf("signout")
        state = session_state(ctx.request)
        failed = False
        if state.from_cookie:
            claims = state.claims  # raises RevocationUnavailable while the cache is down
            if claims is not None and str(ctx.body.get("everywhere", "")).lower() == "true":
                failed = not _end_everywhere(claims)
            logout(ctx.request)  # raises RevocationUnavailable when the sid was not recorded
            # NextAuth fires signOut with whatever the cookie decodes to (null if it does not).
            send_robust(user_signed_out, None, request=ctx.request, token=claims)
        if failed:
            return ctx.error_redirect(ErrorCode.CONFIGURATION)
        return ctx.redirect(ctx.callback_url)


def _end_everywhere(claims: dict[str, Any]) -> bool:
    """End every session of the token's user; whether that could be done."""
    sub = claims.get("sub")
    if sub is None:
        return False
    try:
        sign_out_everywhere(str(sub))
    except ConfigurationError as exc:
        logger.error("django_nextauth: %s", exc)
        return False
    return True
