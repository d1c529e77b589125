"""Sign-out: ``GET /signout`` (confirmation page) and ``POST /signout``."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpResponseBase

from django_nextauth.session import logout, session_state
from django_nextauth.signals import send_robust, user_signed_out

from .base import AuthView
from .context import AuthRequest
from .pages import signout_page

__all__ = ["SignoutView"]


class SignoutView(AuthView):
    """``POST /signout`` with a verified CSRF token deletes every session cookie chunk,
    sends ``user_signed_out`` and redirects to the callback URL."""

    methods: ClassVar[tuple[str, ...]] = ("GET", "POST")
    html: ClassVar[bool] = True

    def handle(self, ctx: AuthRequest, **kwargs: Any) -> HttpResponseBase:
        if ctx.request.method == "GET":
            return signout_page(ctx)
        if not ctx.csrf.verified:
            return ctx.missing_csrf("signout")
        state = session_state(ctx.request)
        if state.from_cookie:
            # NextAuth fires signOut with whatever the cookie decodes to (null if it does not).
            send_robust(user_signed_out, None, request=ctx.request, token=state.claims)
            logout(ctx.request)
        return ctx.redirect(ctx.callback_url)
