"""``GET|HEAD /callback/<id>?callbackUrl&token&email``: the confirmation page of a magic link.

NextAuth uses the token on this GET. Mail scanners (Safe Links, Mimecast, Proofpoint, ...)
fetch every link in a mail and so spend it; and a link to the attacker's account opened
in a victim's browser silently replaces the victim's session (login CSRF). So the GET
only shows "Sign in as d***@example.com" and a form that posts the same fields, with
the CSRF token, to ``POST /callback/<id>`` (``providers/email_link.py``), which uses the token.

The page looks nothing up, spends nothing and writes no session cookie: it only reads
which account the browser is signed in to, to say whom it will become. The token is in
its URL and form, so it is never cached, framed or sent on in a ``Referer``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponseBase

from django_nextauth.email.verification import read_link
from django_nextauth.errors import ErrorCode
from django_nextauth.flow.responses import NO_CACHE, html_response
from django_nextauth.session.request_state import mark_read, new_session_state

from .email_link import link_failed, require_adapter

if TYPE_CHECKING:
    from django_nextauth.flow.context import AuthRequest

    from .email import EmailProvider

__all__ = ["PAGE_HEADERS", "confirm_link", "mask_address"]

#: Set on every answer to the link. ``strict-origin``: the token never leaves in a
#: ``Referer`` (only the site's origin does), while the form's POST keeps its ``Origin``
#: header, which ``no-referrer`` would turn into ``null`` (and the origin check refuses).
PAGE_HEADERS = {
    **NO_CACHE,
    "Referrer-Policy": "strict-origin",
    "X-Frame-Options": "DENY",  # a framed page could be clicked through (clickjacking)
}


def mask_address(identifier: str) -> str:
    """``dave@gmail.com`` -> ``d***@gmail.com``: enough to recognise an address, not to read it."""
    local, at, domain = identifier.rpartition("@")
    if not at:
        return f"{identifier[:1]}***"
    return f"{local[:1]}***@{domain}"


def confirm_link(ctx: AuthRequest, provider: EmailProvider) -> HttpResponseBase:
    """The page: whom the link signs in, whom the browser is signed in as, and the form."""
    fields = read_link(ctx.request.GET)
    if isinstance(fields, ErrorCode):
        response = link_failed(ctx, provider, fields)
    else:
        require_adapter(provider)  # no adapter: the configuration error now, not after the click
        token, identifier = fields
        context = {
            "title": "Sign In",
            "action": ctx.url("callback", provider_id=provider.id),
            "csrf_token": ctx.csrf.token,
            "callback_url": ctx.callback_url,
            "token": token,
            "email": identifier,
            "masked_email": mask_address(identifier),
            "signed_in_as": _other_account(ctx.request, identifier),
            "site_url": ctx.origin,
            "site_host": ctx.origin.split("://", 1)[-1],
        }
        response = html_response(ctx.request, "nextauth/confirm_email.html", context)
    for header, value in PAGE_HEADERS.items():
        response[header] = value
    return response


def _other_account(request: HttpRequest, identifier: str) -> str:
    """How to name the account the browser's session cookie is for, when it is not
    ``identifier``'s; ``""`` when signed out or already signed in as that address.

    A state of its own, not the request's: the middleware then neither renews nor deletes
    the session cookie on the way out, so this GET leaves it exactly as it came.
    """
    state = new_session_state(request)
    mark_read(request)  # the page depends on the cookie: Vary: Cookie
    claims: dict[str, Any] | None = state.claims if state.from_cookie else None
    if claims is None:
        return ""
    email = claims.get("email")
    if isinstance(email, str) and email:
        return "" if email.casefold() == identifier.casefold() else mask_address(email)
    name = claims.get("name")
    return name if isinstance(name, str) and name else "another account"
