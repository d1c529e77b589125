"""URLs of the site: its origin, and the sign-in and sign-out pages as NextAuth's client
builds them.

:func:`site_origin` is the ``baseUrl`` NextAuth derives from ``NEXTAUTH_URL`` or the request.

``signin_url("/dashboard")`` is what ``signIn()`` and ``useSession({required: true})``
navigate to: the sign-in page (``NEXTAUTH["PAGES"]["SIGN_IN"]`` when set, else the
built-in ``nextauth:signin`` route) with ``callbackUrl`` in the query string.
The decorator, the template tags and user code share these functions.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, reverse

from .conf import nextauth_settings
from .redirects import normalize_origin

__all__ = ["add_query", "page_url", "signin_url", "signout_url", "site_origin"]


def site_origin(request: HttpRequest) -> str:
    """The site's origin (``scheme://host[:port]``), the ``baseUrl`` of the redirect callback.

    ``NEXTAUTH["URL"]``'s origin when set (like ``NEXTAUTH_URL``; a value without a
    scheme gets ``https://``), otherwise the request's scheme and its host as
    validated against ``ALLOWED_HOSTS`` by :meth:`~django.http.HttpRequest.get_host`
    (a host not allowed, or with a bad port, raises
    :exc:`~django.core.exceptions.DisallowedHost`, which Django answers with 400).
    """
    configured = nextauth_settings.url_origin
    if configured is not None:
        return configured
    host = request.get_host()  # ALLOWED_HOSTS checked on every request
    origin = _request_origin(request.scheme, host)
    if origin is None:
        # get_host() checks the name against ALLOWED_HOSTS, not the port.
        raise DisallowedHost(f"Invalid HTTP_HOST header: {host!r}.")
    return origin


def page_url(page: str) -> str:
    """The URL of a NextAuth page: ``"SIGN_IN"``, ``"SIGN_OUT"`` or ``"ERROR"``.

    A custom page from ``NEXTAUTH["PAGES"]`` wins (a path, an absolute URL or a URL
    pattern name); otherwise the route of ``django_nextauth.urls``, and when those
    routes are not mounted, ``NEXTAUTH["BASE_PATH"]`` + ``/signin`` (etc.).
    """
    custom = nextauth_settings.PAGES.get(page)
    if custom:
        return resolve_url(custom)
    action = page.lower().replace("_", "")
    try:
        return reverse(f"nextauth:{action}")
    except NoReverseMatch:
        return f"{str(nextauth_settings.BASE_PATH).rstrip('/')}/{action}"


def signin_url(callback_url: str | None = None, *, error: str | None = None) -> str:
    """The sign-in page URL with ``?callbackUrl=...`` (and ``&error=...``) appended.

    Parameters already in a custom page's query string are kept unless replaced.
    """
    return add_query(page_url("SIGN_IN"), callbackUrl=callback_url, error=error)


def signout_url(callback_url: str | None = None) -> str:
    """The sign-out page URL, with ``?callbackUrl=...`` when given."""
    return add_query(page_url("SIGN_OUT"), callbackUrl=callback_url)


def add_query(url: str, **params: str | None) -> str:
    """``url`` with ``params`` (``None`` values skipped) set in its query string."""
    added = [(key, value) for key, value in params.items() if value is not None]
    if not added:
        return url
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return urlunsplit(parts._replace(query=urlencode([*kept, *added])))


@lru_cache(maxsize=64)
def _request_origin(scheme: str | None, host: str) -> str | None:
    # Speed trick: normalize_origin of the same allowed host on every request (urlsplit, the
    # port parsed) costs ~3 us; it is a pure function of its text, so the answers for the few
    # hosts a site answers to are kept (64 at most: a wildcard ALLOWED_HOSTS lets many
    # through). tests/test_session_route_path.py: normalize_origin's answer, cached or not.
    return normalize_origin(f"{scheme}://{host}")
