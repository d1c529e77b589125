"""NextAuth's ``init``: what every auth route knows about its request (:class:`AuthRequest`).

The body is a form or a JSON object (anything else is an empty body); the CSRF
state comes from the double-submit cookie plus an ``Origin`` / ``Referer`` check
on POSTs; the ``callbackUrl`` comes from the body, then the query, then the
cookie, through the ``redirect`` callback.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.views.decorators.debug import sensitive_variables

from django_nextauth.callbacks import is_default, run_redirect
from django_nextauth.conf import nextauth_settings
from django_nextauth.cookies import read_cookie
from django_nextauth.csrf import CsrfState, get_csrf_state, origin_verified
from django_nextauth.dialect import Dialect
from django_nextauth.errors import ErrorCode
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.links import site_origin
from django_nextauth.redirects import normalize_origin

from .responses import JSON_CONTENT_TYPE, json_response

__all__ = [
    "AuthRequest",
    "auth_path",
    "build_context",
    "parse_body",
    "query_value",
    "safe_redirect",
    "with_query",
]

logger = logging.getLogger("django_nextauth")

#: Statuses a client in header (v5) JSON mode still sees; every other answer is a 200.
_KEPT_IN_HEADER_MODE = frozenset({429, 503})


@dataclass
class AuthRequest:
    """One API request after NextAuth's ``init``."""

    request: HttpRequest
    dialect: Dialect
    origin: str
    #: The parsed body: it may hold a password, so it stays out of ``repr()``.
    body: dict[str, Any] = field(repr=False)
    csrf: CsrfState
    callback_url: str = ""
    #: ``"body"``: v4's ``json=true`` (real statuses); ``"header"``: v5's
    #: ``X-Auth-Return-Redirect`` (200). Either is honoured whatever the version.
    json_mode: Literal["body", "header"] | None = None
    callback_cookie: tuple[str, str] | None = field(default=None, repr=False)

    @property
    def auth_url(self) -> str:
        """``origin`` + the path the API is mounted at, e.g. ``https://example.com/api/auth``.

        Worked out when asked, not in :func:`build_context`: the polled ``GET /session``
        never asks, and the URLconf lookup behind it costs ~6 us a request."""
        return self.origin + auth_path(self.request)

    def url(self, name: str, **kwargs: str) -> str:
        """The absolute URL of the API route ``name`` (``"signin"``, ``"callback"``, ...)."""
        match = self.request.resolver_match
        namespace = match.namespace if match and match.namespace else "nextauth"
        try:
            return self.origin + reverse(f"{namespace}:{name}", kwargs=kwargs or None)
        except NoReverseMatch:  # mounted without the namespace: relative to auth_url
            return self.auth_url + reverse(
                name, urlconf="django_nextauth.urls", kwargs=kwargs or None
            )

    def page(self, key: str, name: str) -> str:
        """Absolute URL of ``NEXTAUTH["PAGES"][key]`` or of the built-in route ``name``."""
        custom = nextauth_settings.PAGES.get(key)
        if not custom:
            return self.url(name)
        try:
            resolved = str(resolve_url(custom))
        except NoReverseMatch as exc:
            raise ConfigurationError(f"NEXTAUTH['PAGES'][{key!r}] does not resolve.") from exc
        return self.origin + resolved if resolved.startswith("/") else resolved

    def redirect(self, url: str, *, status: int = 200) -> HttpResponse:
        """A redirect, or ``{"url": url}`` for a client that asked for JSON.

        ``status`` is what a body-mode (v4) client sees (401 for a failed credentials
        sign-in); a header-mode (v5) client gets 200 like ``@auth/core``, except
        for 429 and 503, which tell it to come back later.
        """
        if self.json_mode == "body":
            return json_response({"url": url}, status=status)
        if self.json_mode == "header":
            return json_response(
                {"url": url}, status=status if status in _KEPT_IN_HEADER_MODE else 200
            )
        return HttpResponseRedirect(url)

    def error_redirect(
        self, code: ErrorCode, *, provider_id: str | None = None, status: int | None = None
    ) -> HttpResponse:
        """Send the browser to where this version shows ``code``.

        v4 sends every code to ``{auth_url}/error`` (a sign-in failure of
        ``provider_id`` adds ``&provider=<id>``); v5 sends sign-in failures to the
        sign-in page (with ``&code=credentials``) and the rest to the error page.
        """
        if self.dialect.errors_via_error_route:
            extra = {"provider": provider_id} if provider_id else {}
            url = with_query(self.url("error"), error=code.value, **extra)
        elif provider_id is not None:
            url = with_query(self.page("SIGN_IN", "signin"), error=code.value, code="credentials")
        else:
            url = with_query(self.page("ERROR", "error"), error=code.value)
        return self.redirect(url, status=code.status if status is None else status)

    def missing_csrf(self, action: str) -> HttpResponse:
        """NextAuth's answer to a POST whose CSRF token (or origin) does not verify."""
        if self.dialect.errors_via_error_route:
            return self.redirect(with_query(self.url(action), csrf="true"))
        return self.redirect(
            with_query(self.page("SIGN_IN", "signin"), error=ErrorCode.MISSING_CSRF.value)
        )


def with_query(url: str, **params: str) -> str:
    """``url`` with ``params`` appended to its query string."""
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


#: Past this many (URLconf, namespace, script prefix) keys the memo starts over.
_AUTH_PATHS_MAX = 64


def auth_path(request: HttpRequest) -> str:
    """The path the API is mounted at (``/api/auth``), from the URLconf.

    Memoised per URLconf, namespace and script prefix (what ``reverse`` depends on):
    ``reverse`` walks the resolver on every call and every auth view asks this.
    ``setting_changed`` (``ROOT_URLCONF``, ``NEXTAUTH``) starts the memo over."""
    match = request.resolver_match
    namespace = match.namespace if match else None
    key = (get_urlconf(), namespace, get_script_prefix())
    paths: dict[tuple[Any, ...], str] = nextauth_settings.cached("auth_paths", dict)
    found = paths.get(key)
    if found is None:
        try:
            found = reverse("nextauth:index", current_app=namespace).rstrip("/")
        except NoReverseMatch:
            found = str(nextauth_settings.BASE_PATH).rstrip("/")
        if len(paths) >= _AUTH_PATHS_MAX:
            paths.clear()
        paths[key] = found
    return found


@sensitive_variables()
def parse_body(request: HttpRequest) -> dict[str, Any]:
    """The POST body as a dict: form fields (last value wins) or a JSON object, else ``{}``.

    Raises :exc:`RequestDataTooBig` / :exc:`TooManyFieldsSent` past Django's limits.
    Multipart bodies are refused before this runs (``views/base.py``, the auth views).
    """
    if request.method != "POST":
        return {}
    if request.content_type == JSON_CONTENT_TYPE:
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError):
            return {}
        return data if isinstance(data, dict) else {}
    if request.content_type == "application/x-www-form-urlencoded":
        return {key: request.POST[key] for key in request.POST}
    return {}


def safe_redirect(request: HttpRequest, url: str, origin: str) -> str:
    """Run the ``redirect`` callback on ``url``; always an absolute http(s) URL."""
    if url == origin and is_default("redirect"):
        # Speed trick: the callback-url cookie a browser sends back holds the origin itself,
        # and NextAuth's default callback answers the (normalised) origin with itself; calling
        # it costs ~11 us a polled GET /session. A custom callback is always called.
        # tests/test_session_route_path.py: default_redirect(origin, origin) == origin (Hypothesis).
        return origin
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


def query_value(request: HttpRequest, name: str) -> str | None:
    """``request.GET.get(name)``.

    Speed trick: with no query string (the polled ``GET /session``) there is nothing to find,
    and building ``request.GET`` (a ``QueryDict`` from an empty string) costs a few us; a
    ``GET`` already built or set on the request is always asked.
    tests/test_session_route_path.py: the same answers as ``request.GET.get``."""
    if "GET" not in request.__dict__ and not request.META.get("QUERY_STRING"):
        return None
    value: str | None = request.GET.get(name)
    return value


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


@sensitive_variables()
def build_context(request: HttpRequest, *, cookies: bool = True) -> AuthRequest:
    """NextAuth's ``init``: everything a route needs to know about the request."""
    site_dialect = nextauth_settings.dialect  # with the site's cookie names
    origin = site_origin(request)
    body = parse_body(request)
    csrf = get_csrf_state(request, body_token=body.get("csrfToken"))
    if csrf.verified and not origin_verified(request, origin):
        # A forged double-submit pair from a sibling site: treat it as no token at all.
        logger.warning("django_nextauth: refused a POST from another origin")
        csrf = dataclasses.replace(csrf, verified=False)
    if "HTTP_X_AUTH_RETURN_REDIRECT" in request.META:
        json_mode: Literal["body", "header"] | None = "header"
    elif body.get("json") in ("true", True):
        json_mode = "body"
    else:
        json_mode = None
    ctx = AuthRequest(
        request=request,
        dialect=site_dialect,
        origin=origin,
        body=body,
        csrf=csrf,
        json_mode=json_mode,
        callback_url=origin,
    )
    if not cookies:
        return ctx
    name = site_dialect.cookie("callback_url", secure=csrf.secure)
    stored = read_cookie(request, name)
    asked = _text(body.get("callbackUrl")) or _text(query_value(request, "callbackUrl"))
    requested = asked or stored
    if requested:
        ctx.callback_url = safe_redirect(request, requested, origin)
    if ctx.callback_url != stored:
        ctx.callback_cookie = (name, ctx.callback_url)
    return ctx
