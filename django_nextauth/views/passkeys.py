"""``GET|POST /passkeys/<provider>``: a signed-in user's passkeys: add, name, remove.

Not a NextAuth route: Auth.js leaves managing passkeys to the app; this is the page a
Django project links to (``{% passkeys_url %}``). The page lists the user's passkeys with
a form each to rename or remove it, and an "Add a passkey" form that registers one
through ``webauthn-options`` and the callback (the static ``nextauth/webauthn.js``).
POSTs need NextAuth's CSRF token and a same-site ``Origin``; a signed-out visitor is
sent to the sign-in page.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect

from django_nextauth.flow.context import AuthRequest, with_query
from django_nextauth.flow.responses import html_response
from django_nextauth.providers import get_provider
from django_nextauth.providers.passkey_users import require_adapter, signed_in_user

from .base import AuthView

__all__ = ["PasskeysView"]


class PasskeysView(AuthView):
    """The passkey management page of one passkey provider."""

    methods: ClassVar[tuple[str, ...]] = ("GET", "POST")
    html: ClassVar[bool] = True

    def accepts(self, request: HttpRequest, provider_id: str = "", **kwargs: Any) -> bool:
        return callable(getattr(get_provider(provider_id), "options_response", None))

    def handle(self, ctx: AuthRequest, provider_id: str = "", **kwargs: Any) -> HttpResponseBase:
        provider: Any = get_provider(provider_id)
        provider.require_v5(ctx)
        adapter = require_adapter(provider)
        page = ctx.url("passkeys", provider_id=provider.id)
        user = signed_in_user(ctx.request, adapter)
        if user is None:
            return HttpResponseRedirect(with_query(ctx.url("signin"), callbackUrl=page))
        if ctx.request.method == "POST":
            if not ctx.csrf.verified:
                return HttpResponseRedirect(with_query(page, error="MissingCSRF"))
            credential = str(ctx.body.get("credential") or "")
            if ctx.body.get("op") == "delete":
                adapter.delete_authenticator(str(user.pk), credential)
            elif ctx.body.get("op") == "rename":
                name = " ".join(str(ctx.body.get("name") or "").split())
                adapter.rename_authenticator(str(user.pk), credential, name)
            return HttpResponseRedirect(page)
        context = {
            "title": "Passkeys",
            "provider": provider,
            "passkeys": adapter.list_authenticators_by_user_id(str(user.pk)),
            "csrf_token": ctx.csrf.token,
            "page_url": page,
            "callback_action": ctx.url("callback", provider_id=provider.id),
            "options_url": ctx.url("webauthn-options", provider_id=provider.id),
            "error": ctx.request.GET.get("error") or "",
            "site_url": ctx.origin,
            "site_host": ctx.origin.split("://", 1)[-1],
        }
        return html_response(ctx.request, "nextauth/passkeys.html", context)
