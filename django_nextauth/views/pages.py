"""The HTML pages: sign-in form, sign-out confirmation, error page, "check your e-mail".

They render the overridable templates ``nextauth/signin.html``,
``nextauth/signout.html``, ``nextauth/error.html`` and
``nextauth/verify_request.html`` (all extending
``nextauth/base.html``), or redirect to ``NEXTAUTH["PAGES"]`` when set.
Texts and statuses come from :mod:`django_nextauth.errors`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings as django_settings
from django.http import HttpResponseBase, HttpResponseRedirect

from django_nextauth.conf import nextauth_settings
from django_nextauth.email.mail import backend_path
from django_nextauth.errors import DEFAULT_ERROR_PAGE, DEFAULT_SIGNIN_MESSAGE, ErrorCode
from django_nextauth.flow.context import AuthRequest, with_query
from django_nextauth.flow.responses import html_response
from django_nextauth.providers import get_provider, get_providers

from .base import AuthView

__all__ = ["ErrorView", "VerifyRequestView", "render_signin", "signout_page"]

_CONSOLE = "django.core.mail.backends.console.EmailBackend"


def render_signin(ctx: AuthRequest) -> HttpResponseBase:
    """``GET /signin``: redirect to ``PAGES["SIGN_IN"]`` or render the sign-in form."""
    request = ctx.request
    error = request.GET.get("error") or ""
    if request.GET.get("csrf") == "true" and not error:
        error = ErrorCode.MISSING_CSRF.value
    if nextauth_settings.PAGES.get("SIGN_IN"):
        params = {"callbackUrl": ctx.callback_url, **({"error": error} if error else {})}
        return HttpResponseRedirect(with_query(ctx.page("SIGN_IN", "signin"), **params))
    forms = [form for p in get_providers() if (form := p.signin_form(ctx)) is not None]
    member = ErrorCode.lookup(error)
    context = {
        "title": "Sign In",
        "providers": forms,
        "csrf_token": ctx.csrf.token,
        "callback_url": ctx.callback_url,
        "error_code": error,
        "error_message": ""
        if not error
        else member.signin_message
        if member
        else DEFAULT_SIGNIN_MESSAGE,
    }
    return html_response(request, "nextauth/signin.html", context)


def signout_page(ctx: AuthRequest) -> HttpResponseBase:
    """``GET /signout``: redirect to ``PAGES["SIGN_OUT"]`` or render the confirmation form."""
    if nextauth_settings.PAGES.get("SIGN_OUT"):
        return HttpResponseRedirect(ctx.page("SIGN_OUT", "signout"))
    context = {
        "title": "Sign Out",
        "action": ctx.url("signout"),
        "csrf_token": ctx.csrf.token,
        "callback_url": ctx.callback_url,
    }
    return html_response(ctx.request, "nextauth/signout.html", context)


class ErrorView(AuthView):
    """``GET /error?error=<code>``: NextAuth's error page and its statuses."""

    html: ClassVar[bool] = True

    def handle(self, ctx: AuthRequest, **kwargs: Any) -> HttpResponseBase:
        code = ctx.request.GET.get("error") or ""
        exact = ErrorCode.lookup(code)
        if ctx.dialect.errors_via_error_route and exact is not None and exact.shown_on_signin:
            # v4 shows sign-in failures in the sign-in page's banner.
            return HttpResponseRedirect(with_query(ctx.url("signin"), error=code))
        if nextauth_settings.PAGES.get("ERROR"):
            return HttpResponseRedirect(with_query(ctx.page("ERROR", "error"), error=code))
        member = ErrorCode.lookup(code, ignore_case=ctx.dialect.error_codes_ignore_case)
        page = member.page if member is not None else DEFAULT_ERROR_PAGE
        context = {
            "title": "Error",
            "heading": page.heading,
            "paragraphs": page.paragraphs,
            "signin_url": ctx.url("signin") if page.signin_link else "",
            "site_url": ctx.origin,
            "site_host": ctx.origin.split("://", 1)[-1],
            "is_default": member is None or not member.has_own_page,
        }
        return html_response(ctx.request, "nextauth/error.html", context, status=page.status)


class VerifyRequestView(AuthView):
    """``GET /verify-request``: "Check your email", after an e-mail sign-in link was sent."""

    html: ClassVar[bool] = True

    def handle(self, ctx: AuthRequest, **kwargs: Any) -> HttpResponseBase:
        if nextauth_settings.PAGES.get("VERIFY_REQUEST"):
            # As @auth/core: the custom page gets the query (provider, type) too.
            page = ctx.page("VERIFY_REQUEST", "verify-request")
            query = ctx.request.GET.urlencode()
            return HttpResponseRedirect(
                f"{page}{'&' if '?' in page else '?'}{query}" if query else page
            )
        provider = get_provider(ctx.request.GET.get("provider") or "")
        max_age = getattr(provider, "max_age", None)
        context = {
            "title": "Verify Request",
            "site_url": ctx.origin,
            "site_host": ctx.origin.split("://", 1)[-1],
            "signin_url": ctx.url("signin"),
            "max_age_text": lifetime_text(max_age) if isinstance(max_age, int) else "",
            # Development with the console backend: say where the link went.
            "console_mail": django_settings.DEBUG
            and backend_path(getattr(provider, "mailer", "default")) == _CONSOLE,
        }
        return html_response(ctx.request, "nextauth/verify_request.html", context)


def lifetime_text(seconds: int) -> str:
    """``86400`` -> ``"24 hours"``, ``600`` -> ``"10 minutes"`` (the link's lifetime)."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0 and not (unit == "day" and seconds <= 86400):
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"
