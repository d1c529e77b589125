"""System checks. Each id has a hint and its own test."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from .conf import nextauth_settings
from .exceptions import MissingSecret


@register(Tags.security, deploy=False)
def check_secret(**kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if not nextauth_settings.secret_is_configured:
        if not django_settings.DEBUG:
            messages.append(
                Error(
                    "No NextAuth secret is configured, and DEBUG is False.",
                    hint="Set NEXTAUTH['SECRET'] or the AUTH_SECRET environment variable "
                    "(generate one with `manage.py nextauth_secret`).",
                    id="django_nextauth.E001",
                )
            )
        else:
            messages.append(
                Warning(
                    "No NextAuth secret is configured: using one derived from SECRET_KEY.",
                    hint="Fine for development only. Set NEXTAUTH['SECRET'] or AUTH_SECRET, "
                    "and share it with your Next.js app.",
                    id="django_nextauth.W001",
                )
            )
    else:
        try:
            _ = nextauth_settings.secrets  # resolving the secrets validates them
        except MissingSecret as exc:
            messages.append(
                Error(
                    str(exc),
                    hint="Use the string `manage.py nextauth_secret` prints, or a list of "
                    "such strings while rotating (the first one encrypts).",
                    id="django_nextauth.E001",
                )
            )
    if nextauth_settings.VERSION not in ("v4", "v5"):
        messages.append(
            Error(
                f"NEXTAUTH['VERSION'] must be 'v4' or 'v5', not {nextauth_settings.VERSION!r}.",
                hint="Use 'v4' for next-auth 4.x, 'v5' for Auth.js / next-auth 5.",
                id="django_nextauth.E002",
            )
        )
    return messages


@register(Tags.compatibility)
def check_callbacks(**kwargs: Any) -> list[CheckMessage]:
    """E003: every NEXTAUTH["CALLBACKS"] entry imports and is callable."""
    from django.core.exceptions import ImproperlyConfigured

    from .callbacks import CALLBACK_NAMES, resolve_callback

    configured = nextauth_settings.CALLBACKS
    if not isinstance(configured, dict):
        return [
            Error(
                "NEXTAUTH['CALLBACKS'] must be a dict.",
                hint=f"Map some of {', '.join(CALLBACK_NAMES)} to dotted paths or callables.",
                id="django_nextauth.E003",
            )
        ]
    messages: list[CheckMessage] = []
    for key, value in configured.items():
        if key not in CALLBACK_NAMES:
            messages.append(
                Error(
                    f"NEXTAUTH['CALLBACKS'] has an unknown key {key!r}.",
                    hint=f"The callbacks are {', '.join(CALLBACK_NAMES)} (snake_case).",
                    id="django_nextauth.E003",
                )
            )
            continue
        try:
            resolve_callback(key, value)
        except ImproperlyConfigured as exc:
            messages.append(
                Error(
                    str(exc),
                    hint="Use a dotted path to a function (e.g. 'myapp.auth.jwt') or a callable.",
                    id="django_nextauth.E003",
                )
            )
    return messages


@register(Tags.compatibility)
def check_sign_in(**kwargs: Any) -> list[CheckMessage]:
    """E004: NEXTAUTH["PROVIDERS"]; E005: RATE_LIMIT and NUM_PROXIES; E006: URL; E007: PAGES."""
    from .exceptions import ConfigurationError
    from .providers import load_providers
    from .redirects import normalize_origin

    messages: list[CheckMessage] = []
    try:
        load_providers(nextauth_settings.PROVIDERS)
    except ConfigurationError as exc:
        messages.append(
            Error(
                str(exc),
                hint="Each provider is a dict with 'id', 'name', 'type': 'credentials', "
                "'credentials' (field -> attributes) and 'authorize' (dotted path, callable "
                "or None for django.contrib.auth.authenticate).",
                id="django_nextauth.E004",
            )
        )
    limits = nextauth_settings.RATE_LIMIT
    counts_ok = isinstance(limits, dict) and all(
        limits.get(key) is None or (type(limits.get(key)) is int and limits[key] >= 0)
        for key in ("USERNAME", "IP", "WINDOW")
    )
    proxies = nextauth_settings.NUM_PROXIES
    if not counts_ok or type(proxies) is not int or proxies < 0:
        messages.append(
            Error(
                "NEXTAUTH['RATE_LIMIT'] values and NEXTAUTH['NUM_PROXIES'] must be "
                "non-negative integers.",
                hint="RATE_LIMIT = {'USERNAME': 5, 'IP': 20, 'WINDOW': 900, 'CACHE': 'default'}; "
                "NUM_PROXIES = the number of reverse proxies that append to X-Forwarded-For.",
                id="django_nextauth.E005",
            )
        )
    url = nextauth_settings.URL
    if url and (
        not isinstance(url, str)
        or normalize_origin(url if "://" in url else f"https://{url}") is None
    ):
        messages.append(
            Error(
                f"NEXTAUTH['URL'] = {url!r} is not an http(s) URL.",
                hint="Use the site's public origin, e.g. 'https://example.com' "
                "(like NEXTAUTH_URL).",
                id="django_nextauth.E006",
            )
        )
    messages.extend(_check_pages())
    return messages


def _check_pages() -> list[CheckMessage]:
    """E007: NEXTAUTH["PAGES"] values resolve (URL, path or URL pattern name)."""
    from django.shortcuts import resolve_url
    from django.urls import NoReverseMatch

    pages = nextauth_settings.PAGES
    if not isinstance(pages, dict):
        pages = {"PAGES": pages}
    messages: list[CheckMessage] = []
    for key, value in pages.items():
        try:
            ok = not value or (isinstance(value, str) and bool(resolve_url(value)))
        except NoReverseMatch:
            ok = False
        if not ok or key not in ("SIGN_IN", "SIGN_OUT", "ERROR"):
            messages.append(
                Error(
                    f"NEXTAUTH['PAGES'][{key!r}] = {value!r} is not a usable page.",
                    hint="Keys are SIGN_IN, SIGN_OUT and ERROR; values are None, a path, "
                    "an absolute URL or a URL pattern name.",
                    id="django_nextauth.E007",
                )
            )
    return messages
