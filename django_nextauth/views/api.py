"""The JSON routes: ``csrf``, ``providers``, ``session`` (read and update), ``_log``."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from django_nextauth.flow.context import AuthRequest
from django_nextauth.flow.responses import NO_CACHE, bad_request, json_response, session_unavailable
from django_nextauth.providers import get_providers
from django_nextauth.session import login, logout, session_state
from django_nextauth.signals import send_robust, session_updated

from .base import AuthView

__all__ = ["CsrfView", "LogView", "ProvidersView", "SessionView", "not_found"]

logger = logging.getLogger("django_nextauth")


class CsrfView(AuthView):
    """``GET /csrf``: ``{"csrfToken": ...}``, minting the cookie when needed."""

    def handle(self, ctx: AuthRequest, **kwargs: Any) -> HttpResponseBase:
        return json_response({"csrfToken": ctx.csrf.token}, headers=dict(NO_CACHE))


class ProvidersView(AuthView):
    """``GET /providers``: the configured providers and their URLs; sets no cookies."""

    sets_cookies = False

    def handle(self, ctx: AuthRequest, **kwargs: Any) -> HttpResponseBase:
        return json_response({p.id: p.to_json(ctx.auth_url) for p in get_providers()})


def _signed_out(ctx: AuthRequest, *, status: int = 200, cache: bool = True) -> HttpResponse:
    # v4's client wants {} and reads null as an error; v5's reads {} as signed in.
    headers = dict(NO_CACHE) if cache else None
    return json_response(ctx.dialect.signed_out_body, status=status, headers=headers)


class SessionView(AuthView):
    """``GET /session`` (read, re-issue the cookie) and ``POST /session`` (update).

    NextAuth's ``/session`` route reads the cookie only, never an ``Authorization`` header.
    When the revocation records are down it answers 503 (``Retry-After``) and keeps the cookie.
    """

    methods: ClassVar[tuple[str, ...]] = ("GET", "POST")

    def revocation_outage(self, request: HttpRequest, ctx: AuthRequest | None) -> HttpResponseBase:
        # The client polls: a 503 keeps the cookie, where "signed out" would end the session.
        return session_unavailable(request, as_json=True)

    def handle(self, ctx: AuthRequest, **kwargs: Any) -> HttpResponseBase:
        if ctx.request.method == "POST":
            return self.update(ctx)
        request = ctx.request
        state = session_state(request)
        if not state.from_cookie or state.claims is None:
            logout(request)
            return _signed_out(ctx)
        try:
            body, token = state.session, state.token
        except Exception as exc:  # jwt/session callbacks are user code: NextAuth signs out
            logger.error("django_nextauth: session callback raised %s", type(exc).__name__)
            body = token = None
        if body is None or token is None:
            logout(request)
            return _signed_out(ctx)
        login(request, token)
        return json_response(body, headers=dict(NO_CACHE))

    def update(self, ctx: AuthRequest) -> HttpResponseBase:
        request = ctx.request
        if not ctx.csrf.verified:
            return _signed_out(ctx, status=400, cache=False)
        state = session_state(request)
        claims = state.claims if state.from_cookie else None
        if claims is None:
            logout(request)
            return _signed_out(ctx, cache=False)
        data = ctx.body.get("data")
        token: dict[str, Any] | None
        body: dict[str, Any] | None
        try:
            token, body = state.update(claims, data)  # the strategy's update(): see session/
        except Exception as exc:
            logger.error("django_nextauth: jwt/session callback raised %s", type(exc).__name__)
            token = body = None
        if token is None or body is None:
            logout(request)
            return _signed_out(ctx, cache=False)
        login(request, token)
        send_robust(session_updated, None, request=request, token=token, session=body, data=data)
        return json_response(body)


class LogView(AuthView):
    """``POST /_log`` (v4 client logger): 200 with an empty body; v5 has no such route."""

    methods: ClassVar[tuple[str, ...]] = ("POST",)
    sets_cookies = False

    def handle(self, ctx: AuthRequest, **kwargs: Any) -> HttpResponseBase:
        if not ctx.dialect.has_log_route:
            return bad_request(ctx.request)
        code = ctx.body.get("code")
        if isinstance(code, str):
            # Client-supplied: log the code only, shortened and made printable.
            logger.debug("django_nextauth: client log %s", code[:100].encode("unicode_escape"))
        return HttpResponse(status=200)


@csrf_exempt  # answers 400 to anything, like the other routes (and not Django's 403)
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
    """Any other path under the API: 400 as NextAuth answers an unknown action."""
    return bad_request(request)
