"""The answers NextAuth gives that do not depend on the request's state."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from django_nextauth.conf import nextauth_settings

__all__ = ["JSON_CONTENT_TYPE", "NO_CACHE", "bad_request", "config_error", "json_response"]

JSON_CONTENT_TYPE = "application/json"
NO_CACHE = {"Cache-Control": "private, no-cache, no-store", "Pragma": "no-cache", "Expires": "0"}
_CONFIG_MESSAGE = {
    "v4": "There is a problem with the server configuration. "
    "Check the server logs for more information.",
    "v5": "There was a problem with the server configuration. "
    "Check the server logs for more information.",
}


def json_response(
    data: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    """Compact JSON like ``JSON.stringify``, ``Content-Type: application/json``."""
    body = json.dumps(data, separators=(",", ":"), default=str)
    return HttpResponse(body, status=status, content_type=JSON_CONTENT_TYPE, headers=headers)


def bad_request(request: HttpRequest) -> HttpResponse:
    """NextAuth's answer to an unknown action or method (400)."""
    if nextauth_settings.VERSION == "v5":
        return json_response("Bad request.", status=400)
    method = "".join(ch for ch in str(request.method) if ch.isalnum() or ch in "-_")[:20]
    return HttpResponse(
        f"Error: This action with HTTP {method} is not supported by NextAuth.js",
        status=400,
        content_type="text/plain; charset=utf-8",
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
        body = render_to_string("nextauth/error.html", context, request=request)
        return HttpResponse(body, status=500)
    message = _CONFIG_MESSAGE.get(str(nextauth_settings.VERSION), _CONFIG_MESSAGE["v4"])
    return json_response({"message": message}, status=500)
