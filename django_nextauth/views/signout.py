"""Sign-out: ``GET /signout`` (confirmation page) and ``POST /signout``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase

from django_nextauth.session import clear_session, request_session
from django_nextauth.signals import send_robust, user_signed_out

from .base import auth_view, finish, init, redirect
from .pages import signout_page
from .signin import missing_csrf

__all__ = ["signout"]


@auth_view(("GET", "POST"), html=True)
def signout(request: HttpRequest) -> HttpResponseBase:
    """``POST /signout`` with a verified CSRF token deletes every session cookie chunk,
    sends ``user_signed_out`` and redirects to the callback URL."""
    ctx = init(request)
    if request.method == "GET":
        return signout_page(ctx)
    if not ctx.csrf.verified:
        return finish(ctx, missing_csrf(ctx, "signout"))
    response = redirect(ctx, ctx.callback_url)
    state = request_session(request)
    if state.from_cookie:
        # NextAuth fires signOut with whatever the cookie decodes to (null if it does not).
        send_robust(user_signed_out, None, request=request, token=state.claims)
        clear_session(response, request)
    return finish(ctx, response)
