"""``{% load nextauth %}``: the session user and sign-in/sign-out links in templates.

Tags (each is a thin wrapper over a plain function of the same name below):

* ``{% session_user as user %}``: the signed-in ``SessionUser`` (NextAuth's
  ``session.user``), or an anonymous one whose fields render as ``""``.
* ``{% signin_url %}`` / ``{% signin_url "/next" %}`` / ``{% signin_url as url %}``:
  the sign-in page with ``?callbackUrl=`` (default: the current page, like
  ``signIn()``), HTML-escaped for an ``href``.
* ``{% signout_url %}`` / ``{% signout_url "/" %}`` / ``{% signout_url as url %}``:
  the sign-out page, likewise; on a page behind ``login_required_session`` the default
  ``callbackUrl`` is the site's root, since the page itself needs a session.
* ``{% passkeys_url %}`` / ``{% passkeys_url "other-id" %}``: the signed-in user's passkey
  page (add, name, remove; ``django_nextauth/views/passkeys.py``).
* ``{% ifsignedin %}...{% else %}...{% endifsignedin %}``: renders the first
  part for a signed-in user (``useSession().status === "authenticated"``),
  the optional ``{% else %}`` part otherwise. Inside the first part
  ``{{ session_user }}`` is set even without the context processor.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import Parser, Token
from django.template.context import Context
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from django_nextauth import links
from django_nextauth.conf import nextauth_settings
from django_nextauth.decorators import is_protected
from django_nextauth.session import get_session_user
from django_nextauth.users import ANONYMOUS

register = template.Library()


def context_session_user(context: Context) -> Any:
    """The session user of the template's request (context processor value first)."""
    user = context.get("session_user")
    if user is not None:
        return user
    request = context.get("request")
    return ANONYMOUS if request is None else get_session_user(request)


def _current_path(context: Context) -> str | None:
    request = context.get("request")
    return None if request is None else str(request.get_full_path())


@register.simple_tag(takes_context=True, name="session_user")
def session_user(context: Context) -> Any:
    """``{% session_user as user %}``: the session user (see :func:`context_session_user`)."""
    return context_session_user(context)


@register.simple_tag(takes_context=True, name="signin_url")
def signin_url(context: Context, callback_url: str | None = None) -> SafeString:
    """``{% signin_url [callback_url] [as var] %}``: escaped sign-in page URL."""
    url = links.signin_url(callback_url if callback_url is not None else _current_path(context))
    return format_html("{}", url)


def _after_signout(context: Context) -> str | None:
    """The current page, or the site's root when the page is for signed-in users only
    (coming back to it would only show the sign-in page's "Please sign in" banner)."""
    request = context.get("request")
    if request is not None and is_protected(request):
        return get_script_prefix()
    return _current_path(context)


@register.simple_tag(takes_context=True, name="signout_url")
def signout_url(context: Context, callback_url: str | None = None) -> SafeString:
    """``{% signout_url [callback_url] [as var] %}``: escaped sign-out page URL."""
    url = links.signout_url(callback_url if callback_url is not None else _after_signout(context))
    return format_html("{}", url)


@register.simple_tag(name="passkeys_url")
def passkeys_url(provider_id: str = "passkey") -> SafeString:
    """``{% passkeys_url [provider_id] [as var] %}``: escaped passkey page URL."""
    try:
        url = reverse("nextauth:passkeys", kwargs={"provider_id": provider_id})
    except NoReverseMatch:  # the routes mounted without their namespace
        url = f"{str(nextauth_settings.BASE_PATH).rstrip('/')}/passkeys/{provider_id}"
    return format_html("{}", url)


class IfSignedInNode(template.Node):
    def __init__(self, signed_in: template.NodeList, signed_out: template.NodeList) -> None:
        self.signed_in = signed_in
        self.signed_out = signed_out

    def render(self, context: Context) -> str:
        user = context_session_user(context)
        if not user.is_authenticated:
            return self.signed_out.render(context)
        if context.get("session_user") is not None:
            return self.signed_in.render(context)
        # No context processor: {{ session_user }} inside the block still works.
        with context.push(session_user=user):
            return self.signed_in.render(context)


@register.tag("ifsignedin")
def ifsignedin(parser: Parser, token: Token) -> IfSignedInNode:
    """``{% ifsignedin %}...{% else %}...{% endifsignedin %}``."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("'ifsignedin' takes no arguments.")
    signed_in = parser.parse(("else", "endifsignedin"))
    if parser.next_token().contents == "else":
        signed_out = parser.parse(("endifsignedin",))
        parser.delete_first_token()
    else:
        signed_out = template.NodeList()
    return IfSignedInNode(signed_in, signed_out)
