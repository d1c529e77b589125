"""What every route of the API shares: request parsing, NextAuth's ``init``, redirects.

:func:`auth_view` wraps each route like NextAuth's handler does: it parses the
body (form or JSON; anything else is an empty body), computes the CSRF state
and the ``callbackUrl`` (body, then query, then cookie, through the
``redirect`` callback), and sets the CSRF and callback-url cookies on the
answer when they changed. Configuration problems give NextAuth's 500 answer;
malformed requests give 400, never a 500.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Literal

from django.core.exceptions import ImproperlyConfigured, RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, reverse
from django.views.decorators.csrf import csrf_exempt

from django_nextauth.callbacks import run_redirect
from django_nextauth.conf import nextauth_settings
from django_nextauth.cookies import cookie_name, read_cookie, set_cookie
from django_nextauth.csrf import CsrfState, apply_csrf_cookie, get_csrf_state
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.redirects import normalize_origin, site_origin

from .responses import JSON_CONTENT_TYPE, bad_request, config_error, json_response

__all__ = ["AuthRequest", "auth_view", "finish", "init", "redirect", "safe_redirect"]

logger = logging.getLogger("django_nextauth")


@dataclass
class AuthRequest:
    """One API request after NextAuth's ``init``: settings, body, CSRF and callback URL."""

    request: HttpRequest
    version: str
    origin: str
    #: ``origin`` + the path the API is mounted at, e.g. ``https://example.com/api/auth``.
    auth_url: str
    body: dict[str, Any]
    csrf: CsrfState
    callback_url: str = ""
    #: ``"v4"``: body ``json=true`` (real statuses); ``"v5"``: ``X-Auth-Return-Redirect`` (200).
    json_mode: Literal["v4", "v5"] | None = None
    callback_cookie: tuple[str, str] | None = field(default=None, repr=False)

    def page(self, key: str, action: str) -> str:
        """Absolute URL of ``NEXTAUTH["PAGES"][key]`` or of the built-in ``action`` page."""
        custom = nextauth_settings.PAGES.get(key)
        if not custom:
            return f"{self.auth_url}/{action}"
        try:
            resolved = str(resolve_url(custom))
        except NoReverseMatch as exc:
            raise ConfigurationError(f"NEXTAUTH['PAGES'][{key!r}] does not resolve.") from exc
        return self.origin + resolved if resolved.startswith("/") else resolved


def auth_path(request: HttpRequest) -> str:
    """The path the API is mounted at (``/api/auth``), from the URLconf."""
    match = request.resolver_match
    try:
        return reverse("nextauth:index", current_app=match.namespace if match else None).rstrip("/")
    except NoReverseMatch:
        return str(nextauth_settings.BASE_PATH).rstrip("/")


def parse_body(request: HttpRequest) -> dict[str, Any]:
    """The POST body as a dict: form fields (last value wins) or a JSON object, else ``{}``.

    Raises :exc:`RequestDataTooBig` / :exc:`TooManyFieldsSent` past Django's upload limits.
    """
    if request.method != "POST":
        return {}
    if request.content_type == JSON_CONTENT_TYPE:
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError):
            return {}
        return data if isinstance(data, dict) else {}
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            return {key: request.POST[key] for key in request.POST}
        except MultiPartParserError:
            return {}
    return {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def safe_redirect(request: HttpRequest, url: str, origin: str) -> str:
    """Run the ``redirect`` callback on ``url``; always an absolute http(s) URL."""
    try:
        result = run_redirect(url=url, base_url=origin, request=request)
    except Exception as exc:  # a user callback: never let it turn into a 500
        logger.error("django_nextauth: redirect callback raised %s", type(exc).__name__)
        return origin
    if not isinstance(result, str) or normalize_origin(result) is None:
        # A custom callback answered something that is not an absolute http(s) URL.
        if isinstance(result, str) and result.startswith("/") and result[:2] not in ("//", "/\\"):
            return origin + result
        return origin
    return result


def init(request: HttpRequest, *, cookies: bool = True) -> AuthRequest:
    """NextAuth's ``init``: everything a route needs to know about the request."""
    version = str(nextauth_settings.VERSION)
    origin = site_origin(request)
    body = parse_body(request)
    csrf = get_csrf_state(request, body_token=body.get("csrfToken"))
    if "HTTP_X_AUTH_RETURN_REDIRECT" in request.META:
        json_mode: Literal["v4", "v5"] | None = "v5"
    elif body.get("json") in ("true", True):
        json_mode = "v4"
    else:
        json_mode = None
    ctx = AuthRequest(
        request=request,
        version=version,
        origin=origin,
        auth_url=origin + auth_path(request),
        body=body,
        csrf=csrf,
        json_mode=json_mode,
    )
    ctx.callback_url = origin
    if not cookies:
        return ctx
    name = cookie_name("callback_url", version=version, secure=csrf.secure)
    stored = read_cookie(request, name)
    requested = _text(body.get("callbackUrl")) or _text(request.GET.get("callbackUrl")) or stored
    if requested:
        ctx.callback_url = safe_redirect(request, requested, origin)
    if ctx.callback_url != stored:
        ctx.callback_cookie = (name, ctx.callback_url)
    return ctx


def finish(ctx: AuthRequest, response: HttpResponseBase) -> HttpResponseBase:
    """Put the CSRF and callback-url cookies first on ``response``, as NextAuth orders them."""
    written = list(response.cookies.items())
    response.cookies.clear()
    apply_csrf_cookie(response, ctx.csrf)
    if ctx.callback_cookie is not None:
        name, value = ctx.callback_cookie
        set_cookie(response, name, value, secure=ctx.csrf.secure)
    for name, morsel in written:
        response.cookies.pop(name, None)
        response.cookies[name] = morsel
    return response


def redirect(ctx: AuthRequest, url: str, *, status: int = 200) -> HttpResponse:
    """A redirect, or ``{"url": url}`` for a client that asked for JSON.

    ``status`` is what the v4 client sees in JSON mode (401 for a failed
    credentials sign-in); the v5 client always gets 200, like ``@auth/core``.
    """
    if ctx.json_mode == "v4":
        return json_response({"url": url}, status=status)
    if ctx.json_mode == "v5":
        return json_response({"url": url}, status=429 if status == 429 else 200)
    return HttpResponseRedirect(url)


View = Callable[..., HttpResponseBase]


def auth_view(methods: tuple[str, ...], *, html: bool = False) -> Callable[[View], View]:
    """Decorate a route: allowed methods, 400 on oversized input, config errors, CSRF-exempt.

    ``html``: the route's GET is a page, so a configuration error shows the error page.

    The route carries its own double-submit CSRF check, so Django's
    ``CsrfViewMiddleware`` is skipped for it (and only for it).
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method not in methods:
                return bad_request(request)
            try:
                return view(request, *args, **kwargs)
            except (RequestDataTooBig, TooManyFieldsSent):
                return bad_request(request)
            except (ConfigurationError, ImproperlyConfigured) as exc:
                logger.error("django_nextauth: configuration error: %s", exc)
                return config_error(request, html=html)

        return csrf_exempt(wrapper)

    return decorate
