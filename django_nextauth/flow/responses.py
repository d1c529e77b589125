"""The answers NextAuth gives that do not depend on the request's state."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

try:  # Django 6.0+: the nonce of django.middleware.csp.ContentSecurityPolicyMiddleware
    from django.middleware.csp import get_nonce as _django_nonce
except ImportError:  # Django 5.2
    _django_nonce = None  # type: ignore[assignment]

from django_nextauth.conf import nextauth_settings
from django_nextauth.dialect import VERSIONS, Dialect, dialect

__all__ = [
    "JSON_CONTENT_TYPE",
    "NO_CACHE",
    "bad_request",
    "config_error",
    "csp_nonce",
    "html_response",
    "json_response",
    "render_page",
    "service_unavailable",
    "session_unavailable",
    "unsupported_media_type",
]

JSON_CONTENT_TYPE = "application/json"
NO_CACHE = {"Cache-Control": "private, no-cache, no-store", "Pragma": "no-cache", "Expires": "0"}
#: Seconds a client is asked to wait when the rate limiter's cache is down.
RETRY_AFTER_OUTAGE = 30
# Speed trick: json.dumps() with any option builds a new JSONEncoder per call; this is the one
# it would build for json_response, made once (an encoder keeps no state between calls).
# tests/test_session_route_path.py: the same text as json.dumps with these options.
_COMPACT = json.JSONEncoder(separators=(",", ":"), default=str)


def json_response(
    data: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    """Compact JSON like ``JSON.stringify``, ``Content-Type: application/json``."""
    body = _COMPACT.encode(data)
    return HttpResponse(body, status=status, content_type=JSON_CONTENT_TYPE, headers=headers)


def csp_nonce(request: HttpRequest) -> str:
    """This request's Content Security Policy nonce, or ``""`` when no CSP middleware gave one.

    Django's own middleware (6.0+) first, else a ``request.csp_nonce`` as django-csp sets it.
    Both nonces are lazy and only reach the header once read: reading it here is what makes
    the page's ``<style nonce>`` and the policy agree.
    """
    nonce = _django_nonce(request) if _django_nonce is not None else None
    if nonce is None:
        nonce = getattr(request, "csp_nonce", None)
    return "" if nonce is None else str(nonce)


def render_page(request: HttpRequest, template: str, context: dict[str, Any]) -> str:
    """A ``nextauth/`` page with ``csp_nonce`` in its context (``nextauth/base.html`` puts it
    on its one ``<style>``), so the pages keep their look under a strict ``style-src``."""
    return render_to_string(template, {**context, "csp_nonce": csp_nonce(request)}, request)


def html_response(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """A rendered page; it may embed this browser's CSRF token, so no shared caches."""
    response = HttpResponse(render_page(request, template, context), status=status)
    response["Cache-Control"] = "private, no-cache, no-store"
    return response


def _dialect_or_v4() -> Dialect:
    # These answers may be needed while the settings are invalid: fall back to v4's.
    version = str(nextauth_settings.VERSION)
    return dialect(version if version in VERSIONS else "v4")


def bad_request(request: HttpRequest) -> HttpResponse:
    """NextAuth's answer to an unknown action or method (400)."""
    if not _dialect_or_v4().has_log_route:  # v5: @auth/core's JSON string
        return json_response("Bad request.", status=400)
    method = "".join(ch for ch in str(request.method) if ch.isalnum() or ch in "-_")[:20]
    return HttpResponse(
        f"Error: This action with HTTP {method} is not supported by NextAuth.js",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


def unsupported_media_type() -> HttpResponse:
    """415: no NextAuth client sends ``multipart/form-data``, so it is never parsed."""
    return HttpResponse(
        "Unsupported Media Type.", status=415, content_type="text/plain; charset=utf-8"
    )


def config_error(request: HttpRequest, *, html: bool = False) -> HttpResponse:
    """NextAuth's 500 answer to a configuration problem (details go to the log only):
    the error page for the HTML pages, JSON for the API."""
    if html and request.method == "GET":
        context = {
            "title": "Error",
            "heading": "Server error",
            "paragraphs": (
                "There is a problem with the server configuration.",
                "Check the server logs for more information.",
            ),
        }
        return HttpResponse(render_page(request, "nextauth/error.html", context), status=500)
    return json_response({"message": _dialect_or_v4().config_message}, status=500)


def service_unavailable(request: HttpRequest, *, action: str = "Signing in") -> HttpResponse:
    """503 with ``Retry-After`` when a service ``action`` depends on (a cache) is down."""
    context = {
        "title": "Error",
        "heading": "Service unavailable",
        "paragraphs": (f"{action} is not possible right now.", "Please try again in a moment."),
    }
    response = html_response(request, "nextauth/error.html", context, status=503)
    response["Retry-After"] = str(RETRY_AFTER_OUTAGE)
    return response


def session_unavailable(request: HttpRequest, *, as_json: bool) -> HttpResponse:
    """503 with ``Retry-After`` when whether the session was ended cannot be known (the
    revocation cache is down). Nothing is said about the session, and its cookie is kept."""
    if not as_json:
        return service_unavailable(request, action="Checking your session")
    body = {"message": "The session cannot be checked right now."}
    headers = {**NO_CACHE, "Retry-After": str(RETRY_AFTER_OUTAGE)}
    return json_response(body, status=503, headers=headers)
