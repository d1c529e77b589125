"""The JSON routes: ``csrf``, ``providers``, ``session`` (read and update), ``_log``."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from django_nextauth.callbacks import run_jwt
from django_nextauth.conf import nextauth_settings
from django_nextauth.providers import providers_json
from django_nextauth.session import (
    build_session,
    clear_session,
    get_server_session,
    issue_session,
    request_session,
)
from django_nextauth.signals import send_robust, session_updated

from .base import AuthRequest, auth_view, finish, init
from .responses import NO_CACHE, bad_request, json_response

__all__ = ["csrf", "log", "not_found", "providers", "session"]

logger = logging.getLogger("django_nextauth")


@auth_view(("GET",))
def csrf(request: HttpRequest) -> HttpResponseBase:
    """``GET /csrf``: ``{"csrfToken": ...}``, minting the cookie when needed."""
    ctx = init(request)
    return finish(ctx, json_response({"csrfToken": ctx.csrf.token}, headers=dict(NO_CACHE)))


@auth_view(("GET",))
def providers(request: HttpRequest) -> HttpResponseBase:
    """``GET /providers``: the configured providers and their URLs; sets no cookies."""
    ctx = init(request, cookies=False)
    return json_response(providers_json(ctx.auth_url))


def _signed_out(ctx: AuthRequest, *, status: int = 200, cache: bool = True) -> HttpResponse:
    # v4's client wants {} and reads null as an error; v5's reads {} as signed in.
    body: Any = None if ctx.version == "v5" else {}
    return json_response(body, status=status, headers=dict(NO_CACHE) if cache else None)


def _cookie_claims(request: HttpRequest) -> dict[str, Any] | None:
    """The session cookie's claims. Unlike ``get_token`` no ``Authorization`` header:
    NextAuth's ``/session`` route reads the cookie only."""
    state = request_session(request)
    return state.claims if state.from_cookie else None


@auth_view(("GET", "POST"))
def session(request: HttpRequest) -> HttpResponseBase:
    """``GET /session`` (read, re-issue the cookie) and ``POST /session`` (update)."""
    ctx = init(request)
    if request.method == "POST":
        return _update(ctx)
    if _cookie_claims(request) is None:
        response = _signed_out(ctx)
        clear_session(response, request)
        return finish(ctx, response)
    try:
        body = get_server_session(request)
        token = request_session(request).token
        response = (
            _signed_out(ctx)
            if body is None or token is None
            else json_response(body, headers=dict(NO_CACHE))
        )
    except Exception as exc:  # jwt/session callbacks are user code: NextAuth logs and signs out
        logger.error("django_nextauth: session callback raised %s", type(exc).__name__)
        body = token = None
        response = _signed_out(ctx)
    if body is None or token is None:
        clear_session(response, request)
    else:
        issue_session(response, request, token)
    return finish(ctx, response)


def _update(ctx: AuthRequest) -> HttpResponseBase:
    request = ctx.request
    if not ctx.csrf.verified:
        return finish(ctx, _signed_out(ctx, status=400, cache=False))
    claims = _cookie_claims(request)
    if claims is None:
        response = _signed_out(ctx, cache=False)
        clear_session(response, request)
        return finish(ctx, response)
    data = ctx.body.get("data")
    try:
        token = run_jwt(token=claims, trigger="update", session=data, request=request)
        body = None if token is None else build_session(token, request=request)
    except Exception as exc:
        logger.error("django_nextauth: jwt/session callback raised %s", type(exc).__name__)
        token = body = None
    if token is None or body is None:
        response = _signed_out(ctx, cache=False)
        clear_session(response, request)
        return finish(ctx, response)
    response = json_response(body)
    issue_session(response, request, token)
    send_robust(session_updated, None, request=request, token=token, session=body, data=data)
    return finish(ctx, response)


@auth_view(("POST",))
def log(request: HttpRequest) -> HttpResponseBase:
    """``POST /_log`` (v4 client logger): 200 with an empty body; v5 has no such route."""
    if nextauth_settings.VERSION == "v5":
        return bad_request(request)
    ctx = init(request, cookies=False)
    code = ctx.body.get("code")
    if isinstance(code, str):
        # Client-supplied: log the code only, shortened and made printable.
        logger.debug("django_nextauth: client log %s", code[:100].encode("unicode_escape"))
    return HttpResponse(status=200)


@csrf_exempt  # answers 400 to anything, like the other routes (and not Django's 403)
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
    """Any other path under the API: 400 as NextAuth answers an unknown action."""
    return bad_request(request)
