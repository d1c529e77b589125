"""The HTML pages: sign-in form, sign-out confirmation, error page.

They render the overridable templates ``nextauth/signin.html``,
``nextauth/signout.html`` and ``nextauth/error.html`` (all extending
``nextauth/base.html``), or redirect to ``NEXTAUTH["PAGES"]`` when set.
Messages and statuses are NextAuth's (PROTOCOL §8).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.forms.utils import flatatt
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from django_nextauth.conf import nextauth_settings
from django_nextauth.providers import Provider, get_providers

from .base import AuthRequest, auth_view, finish, init

__all__ = ["ERROR_PAGES", "SIGNIN_ERRORS", "error", "render_signin", "signout_page", "with_query"]

_TRY_ANOTHER = "Try signing in with a different account."
#: The sign-in page's error banner, by ``?error=`` code (NextAuth's, plus our own two).
SIGNIN_ERRORS = {
    "default": "Unable to sign in.",
    "Signin": _TRY_ANOTHER,
    "OAuthSignin": _TRY_ANOTHER,
    "OAuthCallback": _TRY_ANOTHER,
    "OAuthCallbackError": _TRY_ANOTHER,
    "OAuthCreateAccount": _TRY_ANOTHER,
    "EmailCreateAccount": _TRY_ANOTHER,
    "Callback": _TRY_ANOTHER,
    "OAuthAccountNotLinked": "To confirm your identity, sign in with the same account you "
    "used originally.",
    "EmailSignin": "The e-mail could not be sent.",
    "CredentialsSignin": "Sign in failed. Check the details you provided are correct.",
    "SessionRequired": "Please sign in to access this page.",
    "TooManyAttempts": "Too many failed sign-in attempts. Please wait a few minutes and try again.",
    "MissingCSRF": "The sign-in form expired. Please try again.",
}
#: v4's /error redirects these codes to the sign-in page, which shows them in its banner.
SIGNIN_PAGE_CODES = frozenset(
    {
        "Signin",
        "OAuthSignin",
        "OAuthCallback",
        "OAuthCreateAccount",
        "EmailCreateAccount",
        "Callback",
        "OAuthAccountNotLinked",
        "EmailSignin",
        "CredentialsSignin",
        "SessionRequired",
        "TooManyAttempts",
    }
)
#: ``(status, heading, paragraphs, sign-in link)`` of the error page by code.
ERROR_PAGES: dict[str, tuple[int, str, tuple[str, ...], bool]] = {
    "Configuration": (
        500,
        "Server error",
        (
            "There is a problem with the server configuration.",
            "Check the server logs for more information.",
        ),
        False,
    ),
    "AccessDenied": (403, "Access Denied", ("You do not have permission to sign in.",), True),
    "Verification": (
        403,
        "Unable to sign in",
        (
            "The sign in link is no longer valid.",
            "It may have been used already or it may have expired.",
        ),
        True,
    ),
}
_ATTRIBUTE = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]{0,63}")
_AUTOCOMPLETE = {"username": "username", "email": "email"}


def with_query(url: str, **params: str) -> str:
    """``url`` with ``params`` appended to its query string."""
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


def _html(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = HttpResponse(render_to_string(template, context, request=request), status=status)
    # The page embeds this browser's CSRF token: no shared caches.
    response["Cache-Control"] = "private, no-cache, no-store"
    return response


def _input_attrs(provider: Provider, name: str, spec: Mapping[str, Any]) -> SafeString:
    """The ``<input>`` attributes for one credential field, escaped."""
    attrs: dict[str, Any] = {}
    for key, value in spec.items():
        # Attributes from settings are trusted, but no event handlers or odd names.
        if key == "label" or not _ATTRIBUTE.fullmatch(key) or key.lower().startswith("on"):
            continue
        if isinstance(value, (str, int, float, bool)):
            attrs[key] = value
    kind = str(attrs.get("type") or "text")
    attrs.update(type=kind, name=name, id=f"input-{name}-for-{provider.id}-provider")
    if "autocomplete" not in attrs:
        attrs["autocomplete"] = (
            "current-password" if kind == "password" else _AUTOCOMPLETE.get(name, "on")
        )
    return flatatt(attrs)


def render_signin(ctx: AuthRequest) -> HttpResponseBase:
    """``GET /signin``: redirect to ``PAGES["SIGN_IN"]`` or render the sign-in form."""
    request = ctx.request
    error = request.GET.get("error") or ""
    if request.GET.get("csrf") == "true" and not error:
        error = "MissingCSRF"
    if nextauth_settings.PAGES.get("SIGN_IN"):
        params = {"callbackUrl": ctx.callback_url, **({"error": error} if error else {})}
        return finish(
            ctx, HttpResponseRedirect(with_query(ctx.page("SIGN_IN", "signin"), **params))
        )
    providers = [
        {
            "id": p.id,
            "name": p.name,
            "action": f"{ctx.auth_url}/callback/{p.id}",
            "fields": [
                {
                    "id": f"input-{key}-for-{p.id}-provider",
                    "label": str(spec.get("label") or key),
                    "attrs": _input_attrs(p, key, spec),
                }
                for key, spec in p.credentials.items()
            ],
        }
        for p in get_providers()
        if p.credentials
    ]
    context = {
        "title": "Sign In",
        "providers": providers,
        "csrf_token": ctx.csrf.token,
        "callback_url": ctx.callback_url,
        "error_code": error,
        "error_message": (SIGNIN_ERRORS.get(error) or SIGNIN_ERRORS["default"]) if error else "",
    }
    return finish(ctx, _html(request, "nextauth/signin.html", context))


def signout_page(ctx: AuthRequest) -> HttpResponseBase:
    """``GET /signout``: redirect to ``PAGES["SIGN_OUT"]`` or render the confirmation form."""
    if nextauth_settings.PAGES.get("SIGN_OUT"):
        return finish(ctx, HttpResponseRedirect(ctx.page("SIGN_OUT", "signout")))
    context = {
        "title": "Sign Out",
        "action": f"{ctx.auth_url}/signout",
        "csrf_token": ctx.csrf.token,
        "callback_url": ctx.callback_url,
    }
    return finish(ctx, _html(ctx.request, "nextauth/signout.html", context))


@auth_view(("GET",), html=True)
def error(request: HttpRequest) -> HttpResponseBase:
    """``GET /error?error=<code>``: NextAuth's error page and its statuses."""
    ctx = init(request)
    code = request.GET.get("error") or ""
    if ctx.version == "v4" and code in SIGNIN_PAGE_CODES:
        return finish(ctx, HttpResponseRedirect(with_query(f"{ctx.auth_url}/signin", error=code)))
    if nextauth_settings.PAGES.get("ERROR"):
        return finish(ctx, HttpResponseRedirect(with_query(ctx.page("ERROR", "error"), error=code)))
    # v4 matches the code case-insensitively, v5 exactly.
    key = (
        next((k for k in ERROR_PAGES if k.lower() == code.lower()), "")
        if ctx.version == "v4"
        else code
    )
    status, heading, paragraphs, signin_link = ERROR_PAGES.get(key, (200, "Error", (), False))
    context = {
        "title": "Error",
        "heading": heading,
        "paragraphs": paragraphs,
        "signin_url": f"{ctx.auth_url}/signin" if signin_link else "",
        "site_url": ctx.origin,
        "site_host": ctx.origin.split("://", 1)[-1],
        "is_default": key not in ERROR_PAGES,
    }
    return finish(ctx, _html(request, "nextauth/error.html", context, status=status))
