"""``GET /webauthn-options/<provider>``: a passkey provider's options (Auth.js v5's route).

The view only routes: a provider that answers this route has an ``options_response``
method (``django_nextauth/providers/webauthn.py``); any other id, and every other
method, gets NextAuth's 400.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseBase

from django_nextauth.flow.context import AuthRequest
from django_nextauth.providers import get_provider

from .base import AuthView

__all__ = ["WebAuthnOptionsView"]


class WebAuthnOptionsView(AuthView):
    """``GET /webauthn-options/<id>?action=...``: ``{"action", "options"}`` and the challenge."""

    def accepts(self, request: HttpRequest, provider_id: str = "", **kwargs: Any) -> bool:
        return callable(getattr(get_provider(provider_id), "options_response", None))

    def handle(self, ctx: AuthRequest, provider_id: str = "", **kwargs: Any) -> HttpResponseBase:
        answer = getattr(get_provider(provider_id), "options_response")  # noqa: B009
        response: HttpResponseBase = answer(ctx)
        return response
