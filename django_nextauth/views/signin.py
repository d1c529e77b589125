"""Sign-in: ``GET /signin``, ``POST /signin/<provider>``, ``GET|POST /callback/<provider>``.

The views only route: the provider (``django_nextauth/providers/``) decides what
beginning and finishing a sign-in mean, and which methods its callback takes.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpRequest, HttpResponseBase

from django_nextauth.flow.context import AuthRequest
from django_nextauth.providers import get_provider

from .base import AuthView
from .pages import render_signin

__all__ = ["CallbackView", "SigninView"]


class SigninView(AuthView):
    """``GET /signin[/<id>]``: the page; ``POST /signin/<id>``: the provider's first step."""

    methods: ClassVar[tuple[str, ...]] = ("GET", "POST")
    html: ClassVar[bool] = True

    def handle(
        self, ctx: AuthRequest, provider_id: str | None = None, **kwargs: Any
    ) -> HttpResponseBase:
        if ctx.request.method == "GET":
            return render_signin(ctx)
        provider = get_provider(provider_id) if provider_id else None
        if not ctx.csrf.verified or (provider is None and ctx.dialect.errors_via_error_route):
            return ctx.missing_csrf("signin")
        if provider is None:  # v5 without a provider: back to the page
            return ctx.redirect(ctx.url("signin"))
        return provider.begin(ctx)


class CallbackView(AuthView):
    """``GET|POST /callback/<id>``: the provider finishes the sign-in (``HEAD`` where the
    provider takes it: the e-mail link's confirmation page)."""

    methods: ClassVar[tuple[str, ...]] = ("GET", "HEAD", "POST")

    def accepts(self, request: HttpRequest, provider_id: str = "", **kwargs: Any) -> bool:
        provider = get_provider(provider_id)
        return provider is not None and request.method in provider.callback_methods

    def handle(self, ctx: AuthRequest, provider_id: str = "", **kwargs: Any) -> HttpResponseBase:
        provider = get_provider(provider_id)
        assert provider is not None  # checked by accepts()
        # Checked here, first, for every provider that asks: a forged or cross-site POST
        # reaches no provider code (and spends no e-mail token).
        if ctx.request.method == "POST" and provider.csrf_on_callback and not ctx.csrf.verified:
            return ctx.missing_csrf("signin")
        return provider.callback(ctx)
