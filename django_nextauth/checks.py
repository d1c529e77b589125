"""System checks. Each id has a hint and its own test."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from .conf import settings


@register(Tags.security, deploy=False)
def check_secret(**kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if not settings.secret_is_configured:
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
    if settings.VERSION not in ("v4", "v5"):
        messages.append(
            Error(
                f"NEXTAUTH['VERSION'] must be 'v4' or 'v5', not {settings.VERSION!r}.",
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

    configured = settings.CALLBACKS
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
