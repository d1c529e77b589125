"""The ``NEXTAUTH`` settings dict, read lazily with defaults.

Read settings through ``from django_nextauth.conf import nextauth_settings``.
Values are resolved on first access and cached; Django's ``setting_changed``
signal (fired by ``override_settings``) resets the cache, as DRF does.
"""

from __future__ import annotations

import copy
import hashlib
import os
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings as django_settings
from django.core.signals import setting_changed

from .exceptions import MissingSecret

T = TypeVar("T")

#: Every key of ``NEXTAUTH`` with its default. Nested dicts are merged key by key.
DEFAULTS: dict[str, Any] = {
    # str or list of str (rotation: the first encrypts, all decrypt).
    # Unset: the AUTH_SECRET, then NEXTAUTH_SECRET environment variable.
    "SECRET": None,
    # Token and cookie format: "v4" (next-auth 4.24) or "v5" (@auth/core / Auth.js).
    "VERSION": "v4",
    # Session cookie families accepted on read, e.g. ["v4", "v5"] while migrating.
    "DECODE_VERSIONS": None,
    # Canonical site URL (NEXTAUTH_URL), e.g. "https://example.com". Unset: the request's host.
    "URL": None,
    # Where django_nextauth.urls is mounted.
    "BASE_PATH": "/api/auth",
    # None: secure cookie names and flags when request.is_secure(); True/False forces them.
    "USE_SECURE_COOKIES": None,
    "SESSION": {
        "MAX_AGE": 30 * 24 * 60 * 60,
        "UPDATE_AGE": 24 * 60 * 60,
        # Re-issue the cookie from the middleware once the token is older than UPDATE_AGE.
        "SLIDING": False,
    },
    # Dotted paths or callables; None keeps NextAuth's default behaviour.
    "CALLBACKS": {"jwt": None, "session": None, "sign_in": None, "redirect": None},
    "PROVIDERS": [
        {
            "id": "credentials",
            "name": "Credentials",
            "type": "credentials",
            "credentials": {
                "username": {"label": "Username", "type": "text"},
                "password": {"label": "Password", "type": "password"},
            },
            # None: django.contrib.auth.authenticate(username=..., password=...).
            "authorize": None,
        }
    ],
    # Custom pages (paths or URLs); None serves the built-in templates.
    "PAGES": {"SIGN_IN": None, "SIGN_OUT": None, "ERROR": None},
    # Make request.user the Django user whose pk is the token's "sub".
    "SET_REQUEST_USER": False,
    # Failed credentials sign-ins allowed per window, per username and per client IP.
    "RATE_LIMIT": {"USERNAME": 5, "IP": 20, "WINDOW": 15 * 60, "CACHE": "default"},
    # Reverse proxies in front of Django that append to X-Forwarded-For (0: use REMOTE_ADDR).
    "NUM_PROXIES": 0,
}

_NESTED = frozenset(k for k, v in DEFAULTS.items() if isinstance(v, dict))


class NextAuthSettings:
    """Attribute access to ``settings.NEXTAUTH`` merged over :data:`DEFAULTS`."""

    def __init__(self) -> None:
        self._cache: dict[str, Any] = {}

    @property
    def user_settings(self) -> dict[str, Any]:
        return dict(getattr(django_settings, "NEXTAUTH", None) or {})

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"Invalid NEXTAUTH setting: {name!r}")
        value = copy.deepcopy(DEFAULTS[name])
        user_value = self.user_settings.get(name, value)
        if name in _NESTED and isinstance(user_value, dict):
            value.update(user_value)
        else:
            value = user_value
        self.__dict__[name] = value
        return value

    def cached(self, key: str, factory: Callable[[], T]) -> T:
        """Memoise a value derived from the settings until they change."""
        try:
            return self._cache[key]  # type: ignore[no-any-return]
        except KeyError:
            value = self._cache[key] = factory()
            return value

    @property
    def secret_is_configured(self) -> bool:
        return bool(
            self.SECRET or os.environ.get("AUTH_SECRET") or os.environ.get("NEXTAUTH_SECRET")
        )

    @property
    def secrets(self) -> tuple[str, ...]:
        """The secrets, the first one encrypting.

        Raises :class:`MissingSecret` when none is set outside DEBUG.
        """
        return self.cached("secrets", self._resolve_secrets)

    def _resolve_secrets(self) -> tuple[str, ...]:
        configured = (
            self.SECRET or os.environ.get("AUTH_SECRET") or os.environ.get("NEXTAUTH_SECRET")
        )
        if configured:
            if isinstance(configured, str):
                configured = [configured]
            # Anything but a list or tuple of non-empty strings (say, an int) is refused below.
            secrets = tuple(configured) if isinstance(configured, (list, tuple)) else ()
            if not secrets or not all(isinstance(s, str) and s for s in secrets):
                raise MissingSecret(
                    "NEXTAUTH['SECRET'] must be a non-empty string or list of strings."
                )
            return secrets
        if django_settings.DEBUG and django_settings.SECRET_KEY:
            # Development only (system check W001 says so), as NextAuth derives one in dev.
            derived = hashlib.sha256(b"django-nextauth:" + django_settings.SECRET_KEY.encode())
            return (derived.hexdigest(),)
        raise MissingSecret(
            "No NextAuth secret: set NEXTAUTH['SECRET'] or the AUTH_SECRET environment variable."
        )

    def reload(self) -> None:
        for name in DEFAULTS:
            self.__dict__.pop(name, None)
        self._cache.clear()


nextauth_settings = NextAuthSettings()


def _reload(*, setting: str, **kwargs: Any) -> None:
    if setting in {"NEXTAUTH", "DEBUG", "SECRET_KEY"}:
        nextauth_settings.reload()


setting_changed.connect(_reload)
