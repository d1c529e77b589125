"""The Demo IdP's own pages: its sign-in page and the users' pictures (the ``picture`` claim)."""

from __future__ import annotations

import hashlib

from django.contrib.auth import get_user_model
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.html import escape
from django.views.decorators.cache import cache_control

AVATAR_COLOURS = ("#4f46e5", "#0e7490", "#b45309", "#be185d", "#15803d", "#7c3aed")


class IdpLoginView(LoginView):
    """Django's LoginView in the demo's look; ``?next=`` is the pending authorization request."""

    template_name = "idp/login.html"
    next_page = "home"  # opened directly, without a pending authorization request


@cache_control(max_age=3600, public=True)
def avatar(request: HttpRequest, username: str) -> HttpResponse:
    """A round SVG picture with the user's initial, so ``picture`` needs no outside service."""
    if not get_user_model().objects.filter(username=username).exists():
        raise Http404("No such user")
    colour = AVATAR_COLOURS[hashlib.sha256(username.encode()).digest()[0] % len(AVATAR_COLOURS)]
    initial = escape(username[:1].upper())
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">'
        f'<circle cx="48" cy="48" r="48" fill="{colour}"/>'
        '<text x="48" y="48" dy=".35em" text-anchor="middle" fill="#fff" '
        'font-family="system-ui, sans-serif" font-size="44" font-weight="700">'
        f"{initial}</text></svg>"
    )
    return HttpResponse(svg, content_type="image/svg+xml")
