"""The ``NEXTAUTH`` settings dict, read lazily with defaults and validated.

Read settings through ``from django_nextauth.conf import nextauth_settings``, as DRF's
``api_settings``: each key is resolved on first access (merged over :data:`DEFAULTS`,
checked by the same rules as the system checks, import strings imported) and cached;
Django's ``setting_changed`` signal (fired by ``override_settings``) resets the cache.
A broken value raises :class:`~django_nextauth.exceptions.ConfigurationError` naming the
setting, even when the system checks were skipped.
"""

from __future__ import annotations

import difflib
import hashlib
import os
from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar

from django.conf import settings as django_settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from django_nextauth.dialect import Dialect, dialect
from django_nextauth.exceptions import ConfigurationError, MissingSecret

from .cookies import cookie_names
from .problem import Problem
from .rules import ENV_SECRETS, url_origin
from .schema import DEFAULTS, IMPORT_STRINGS, SESSION_STRATEGIES, merged
from .validation import add_rule, user_settings, validate, validate_setting

__all__ = [
    "DEFAULTS",
    "IMPORT_STRINGS",
    "NextAuthSettings",
    "Problem",
    "SESSION_STRATEGIES",
    "add_rule",
    "nextauth_settings",
    "validate",
]

T = TypeVar("T")


class NextAuthSettings:
    """Attribute access to ``settings.NEXTAUTH`` merged over :data:`DEFAULTS`."""

    def __init__(self) -> None:
        self._cache: dict[str, Any] = {}

    @property
    def user_settings(self) -> Any:
        """``settings.NEXTAUTH`` as written (``{}`` when unset)."""
        return user_settings()

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            close = difflib.get_close_matches(name, DEFAULTS, n=1)
            suggestion = f" (did you mean {close[0]!r}?)" if close else ""
            raise AttributeError(f"Invalid NEXTAUTH setting: {name!r}{suggestion}")
        user = self.user_settings
        for problem in validate_setting(name, user):
            if problem.fatal and problem.is_error:
                raise ConfigurationError(f"{problem.message} {problem.hint}")
        value = merged(name, user)
        for key in IMPORT_STRINGS.get(name, ()):
            if isinstance(value.get(key), str):
                value[key] = import_string(value[key])  # validated above: it imports
        self.__dict__[name] = value
        return value

    def cached(self, key: str, factory: Callable[[], T]) -> T:
        """Memoise a value derived from the settings until they change."""
        try:
            return self._cache[key]  # type: ignore[no-any-return]
        except KeyError:
            value = self._cache[key] = factory()
            return value

    # The values below are read several times on every request: each is a cached_property,
    # kept in the instance's __dict__ after its first read (a plain attribute lookup, where a
    # property calling cached() took ~15 bytecodes), and dropped by reload() like the settings.

    @cached_property
    def dialect(self) -> Dialect:
        """The :class:`~django_nextauth.dialect.Dialect` of ``VERSION`` (what this site writes)."""
        return self.dialect_for(self.VERSION)

    def dialect_for(self, version: str) -> Dialect:
        """The dialect of ``version`` with this site's cookie names (``COOKIES``): the one
        place where a setting changes a cookie name."""
        return self.cached(f"dialect:{version}", lambda: self._named_dialect(version))

    def _named_dialect(self, version: str) -> Dialect:
        return dialect(version).with_cookie_names(cookie_names(self.COOKIES))

    @cached_property
    def decode_dialects(self) -> tuple[Dialect, ...]:
        """The dialects of the session cookies read: ``DECODE_VERSIONS``, else ``VERSION``."""
        versions = self.DECODE_VERSIONS or [self.VERSION]
        return tuple(self.dialect_for(version) for version in dict.fromkeys(versions))

    @cached_property
    def url_origin(self) -> str | None:
        """The origin of ``URL`` (``https://`` assumed without a scheme), or ``None`` when it
        is unset or has none (the system checks report that; the request's origin is used)."""
        configured = self.URL
        return url_origin(str(configured)) if configured else None

    @property
    def secret_is_configured(self) -> bool:
        """Whether a secret is set (the setting or the environment), usable or not."""
        return bool(self.SECRET or any(os.environ.get(name) for name in ENV_SECRETS))

    @cached_property
    def secrets(self) -> tuple[str, ...]:
        """The secrets, the first one encrypting.

        Raises :class:`MissingSecret` when none is usable, or none is set outside DEBUG (not
        kept: the next read checks again).
        """
        for problem in validate_setting("SECRET", self.user_settings):
            if problem.is_error:
                raise MissingSecret(f"{problem.message} {problem.hint}")
        configured = self.SECRET or next(
            (os.environ[name] for name in ENV_SECRETS if os.environ.get(name)), None
        )
        if configured:
            return (configured,) if isinstance(configured, str) else tuple(configured)
        # Development only (system check W001 says so), as NextAuth derives one in dev.
        derived = hashlib.sha256(b"django-nextauth:" + django_settings.SECRET_KEY.encode())
        return (derived.hexdigest(),)

    def reload(self) -> None:
        """Forget every value read, so the next access reads the settings again."""
        for name in (*DEFAULTS, *_DERIVED):
            self.__dict__.pop(name, None)
        self._cache.clear()


#: The cached properties of NextAuthSettings, forgotten with the settings by reload().
_DERIVED = tuple(
    name for name, value in vars(NextAuthSettings).items() if isinstance(value, cached_property)
)

nextauth_settings = NextAuthSettings()


def _reload(*, setting: str, **kwargs: Any) -> None:
    # INSTALLED_APPS: whether django_nextauth.db is there decides the default adapter.
    # SECURE_PROXY_SSL_HEADER: read once for the request path (cookies.py use_secure_cookies).
    if setting in {
        "NEXTAUTH",
        "DEBUG",
        "SECRET_KEY",
        "CACHES",
        "INSTALLED_APPS",
        "SECURE_PROXY_SSL_HEADER",
        "ROOT_URLCONF",  # flow/context.py auth_path's memo
    }:
        nextauth_settings.reload()


setting_changed.connect(_reload)
