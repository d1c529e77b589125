"""System checks. Each id has a hint and its own test; ``docs/settings.md`` lists them.

The settings' own problems come from :func:`django_nextauth.conf.validate`, the rules the
runtime applies too; the checks here add what needs the rest of the project (middleware,
apps, URLconf, provider entries, page URLs). No check raises on a broken value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings as django_settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from .adapters import get_adapter
from .conf import Problem, validate
from .conf.schema import merged
from .conf.validation import user_settings
from .setup_checks import provider_hint  # also registers the set-up checks

_SECURITY = frozenset({"SECRET", "URL"})
_AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"
_NEXTAUTH_MIDDLEWARE = "django_nextauth.middleware.NextAuthMiddleware"
_REQUIRED_APPS = ("django.contrib.auth", "django.contrib.contenttypes")


def _messages(problems: Iterable[Problem]) -> list[CheckMessage]:
    return [
        (Error if problem.is_error else Warning)(problem.message, hint=problem.hint, id=problem.id)
        for problem in problems
    ]


def _section(problem: Problem) -> str:
    return problem.path[0] if problem.path else ""


#: Warnings about production only: reported by ``check --deploy``, not by every ``manage.py
#: test`` (which runs with DEBUG off), as Django's own security warnings.
_DEPLOY_ONLY = frozenset({"django_nextauth.W005"})


@register(Tags.security)
def check_secret(**kwargs: Any) -> list[CheckMessage]:
    """E001, W001, W002: the secret; E006: the site URL."""
    return _messages(p for p in validate() if _section(p) in _SECURITY and p.id not in _DEPLOY_ONLY)


@register(Tags.security, deploy=True)
def check_site_url(**kwargs: Any) -> list[CheckMessage]:
    """W005 (``check --deploy``): DEBUG off and no ``NEXTAUTH["URL"]``."""
    return _messages(p for p in validate() if p.id in _DEPLOY_ONLY)


@register(Tags.compatibility)
def check_callbacks(**kwargs: Any) -> list[CheckMessage]:
    """E003: every ``NEXTAUTH["CALLBACKS"]`` entry imports and is callable."""
    return _messages(p for p in validate() if _section(p) == "CALLBACKS")


@register(Tags.compatibility)
def check_settings(**kwargs: Any) -> list[CheckMessage]:
    """Every other key's problems (E002, E004, E005, E007 to E014), provider entries (E004)
    and custom pages that do not resolve (E007)."""
    problems = validate()
    messages = _messages(p for p in problems if _section(p) not in _SECURITY | {"CALLBACKS"})
    user = user_settings()
    broken = {_section(p) for p in problems if p.is_error}
    if isinstance(user, Mapping):  # else E014 says so
        if "PROVIDERS" not in broken:
            messages += _check_providers(merged("PROVIDERS", user))
        if "PAGES" not in broken:
            messages += _check_pages(merged("PAGES", user))
    return messages


def _load_providers(raw: Any) -> Any:
    """Build the provider registry from ``NEXTAUTH["PROVIDERS"]`` (raises ConfigurationError).

    The one place the checks reach the providers registry (``django_nextauth/providers``).
    """
    from .providers import load_providers

    return load_providers(raw)


def _check_providers(raw: Any) -> list[CheckMessage]:
    from .exceptions import ConfigurationError

    try:
        _load_providers(raw)
    except ConfigurationError as exc:
        return [Error(str(exc), hint=provider_hint(raw), id="django_nextauth.E004")]
    return []


def _check_pages(pages: Mapping[str, Any]) -> list[CheckMessage]:
    """E007: each custom page resolves (a URL, a path or a URL pattern name)."""
    messages: list[CheckMessage] = []
    for key, value in pages.items():
        try:
            if value:
                resolve_url(value)
        except NoReverseMatch:
            messages.append(
                Error(
                    f"NEXTAUTH['PAGES'][{key!r}] = {value!r} does not resolve.",
                    hint="Use None, a path, an absolute URL or the name of a URL pattern.",
                    id="django_nextauth.E007",
                )
            )
    return messages


@register(Tags.compatibility)
def check_middleware(**kwargs: Any) -> list[CheckMessage]:
    """W003: NextAuthMiddleware is installed; E015: after AuthenticationMiddleware when it
    sets request.user."""
    from .middleware import NextAuthMiddleware

    middleware = list(getattr(django_settings, "MIDDLEWARE", None) or ())
    ours = _position(middleware, NextAuthMiddleware)
    if ours is None:
        return [
            Warning(
                f"{_NEXTAUTH_MIDDLEWARE} is not in MIDDLEWARE: request.session_user, "
                "request.session_token and request.nextauth_session will not exist.",
                hint=f"Add '{_NEXTAUTH_MIDDLEWARE}' to MIDDLEWARE, after '{_AUTH_MIDDLEWARE}'. "
                "Silence this warning if you only use get_server_session() or the DRF class.",
                id="django_nextauth.W003",
            )
        ]
    user = user_settings()
    sets_user = isinstance(user, Mapping) and user.get("SET_REQUEST_USER") is True
    if sets_user and apps.is_installed("django.contrib.auth"):
        from django.contrib.auth.middleware import AuthenticationMiddleware

        theirs = _position(middleware, AuthenticationMiddleware)
        if theirs is not None and theirs > ours:
            return [
                Error(
                    f"NEXTAUTH['SET_REQUEST_USER'] is on, but {_NEXTAUTH_MIDDLEWARE} comes "
                    f"before {_AUTH_MIDDLEWARE}, which then replaces request.user.",
                    hint=f"Move '{_NEXTAUTH_MIDDLEWARE}' after '{_AUTH_MIDDLEWARE}' in MIDDLEWARE.",
                    id="django_nextauth.E015",
                )
            ]
    return []


def _position(middleware: list[Any], cls: type) -> int | None:
    """The index of the first entry that is ``cls`` or a subclass (as the admin's checks do)."""
    for index, path in enumerate(middleware):
        try:
            candidate = import_string(path) if isinstance(path, str) else None
        except (ImportError, TypeError, ValueError):  # not found; "." or "..x"
            continue  # Django reports middleware that does not import when it loads it
        if isinstance(candidate, type) and issubclass(candidate, cls):
            return index
    return None


@register(Tags.compatibility)
def check_apps(**kwargs: Any) -> list[CheckMessage]:
    """E016: the apps django-nextauth's users and permissions need are installed."""
    return [
        Error(
            f"'{app}' is not in INSTALLED_APPS.",
            hint=f"Add '{app}' to INSTALLED_APPS: django-nextauth builds Django users and their "
            "permissions from sessions, and these need it.",
            id="django_nextauth.E016",
        )
        for app in _REQUIRED_APPS
        if not apps.is_installed(app)
    ]


@register(Tags.urls)
def check_urls(**kwargs: Any) -> list[CheckMessage]:
    """W004: django_nextauth.urls is mounted; E017: where NEXTAUTH["URL"] / BASE_PATH say."""
    try:
        mounted = reverse("nextauth:index").rstrip("/")
    except NoReverseMatch:
        return [
            Warning(
                "The NextAuth API (django_nextauth.urls) is not in the URLconf: sign-in links "
                "lead to a 404.",
                hint="Add path('api/auth/', include('django_nextauth.urls')) to your urlpatterns "
                "(where NEXTAUTH['BASE_PATH'] says). Silence this warning if your Next.js app "
                "serves the auth routes.",
                id="django_nextauth.W004",
            )
        ]
    expected, source = _expected_base_path()
    if expected is None or mounted == expected:
        return []
    return [
        Error(
            f"django_nextauth.urls is mounted at '{mounted}/', but {source} says '{expected}'.",
            hint="Mount django_nextauth.urls where the Next.js client looks for it (its "
            "basePath), or change the setting to match the URLconf.",
            id="django_nextauth.E017",
        )
    ]


def _expected_base_path() -> tuple[str | None, str]:
    """The API's path per NEXTAUTH["URL"] (when it has one) or BASE_PATH; None when broken."""
    user = user_settings()
    if not isinstance(user, Mapping):
        return None, ""
    url, base_path = merged("URL", user), merged("BASE_PATH", user)
    if isinstance(url, str) and url:
        path = urlsplit(url if "://" in url else f"https://{url}").path.rstrip("/")
        if path:
            return path, "NEXTAUTH['URL']"
    if isinstance(base_path, str) and base_path.startswith("/"):
        return base_path.rstrip("/"), "NEXTAUTH['BASE_PATH']"
    return None, ""


_PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.LocMemCache",)


@register(Tags.caches)
def check_shared_state(**kwargs: Any) -> list[CheckMessage]:
    """E020: database sessions without an adapter; E021: a revocation store without the
    ``django_nextauth.db`` app or without a revocation cache."""
    user = user_settings()
    if not isinstance(user, Mapping):
        return []  # E014 says so
    session = merged("SESSION", user)
    messages: list[CheckMessage] = []
    database = isinstance(session, Mapping) and session.get("STRATEGY") == "database"
    if database and user.get("ADAPTER") is None and get_adapter() is None:
        messages.append(
            Error(
                "NEXTAUTH['SESSION']['STRATEGY'] is 'database' but there is no adapter.",
                hint="Add 'django_nextauth.db' to INSTALLED_APPS (and migrate), or set "
                "NEXTAUTH['ADAPTER'].",
                id="django_nextauth.E020",
            )
        )
    stored = isinstance(session, Mapping) and session.get("REVOCATION_STORE") == "database"
    if stored and not (apps.is_installed("django_nextauth.db") and session.get("REVOCATION_CACHE")):
        messages.append(
            Error(
                "NEXTAUTH['SESSION']['REVOCATION_STORE'] is 'database' but revocations "
                "cannot be stored there.",
                hint="It needs 'django_nextauth.db' in INSTALLED_APPS (and migrated) and "
                "SESSION['REVOCATION_CACHE'], the cache it is read through.",
                id="django_nextauth.E021",
            )
        )
    return messages


@register(Tags.caches, deploy=True)
def check_shared_caches(**kwargs: Any) -> list[CheckMessage]:
    """W006 (``check --deploy``): revocation or the limiter counts in a per-process cache
    (DEBUG off)."""
    user = user_settings()
    if not isinstance(user, Mapping) or django_settings.DEBUG:
        return []  # not a dict: E014 says so
    session, limits = merged("SESSION", user), merged("RATE_LIMIT", user)
    messages: list[CheckMessage] = []
    uses = []
    if isinstance(session, Mapping) and session.get("REVOCATION_CACHE"):
        uses.append(("SESSION", "REVOCATION_CACHE", session["REVOCATION_CACHE"]))
    if isinstance(limits, Mapping) and (limits.get("USERNAME") or limits.get("IP")):
        uses.append(("RATE_LIMIT", "CACHE", limits.get("CACHE", "default")))
    caches = getattr(django_settings, "CACHES", {})
    for section, key, alias in uses:
        backend = caches.get(alias, {}).get("BACKEND") if isinstance(alias, str) else None
        if backend in _PER_PROCESS_CACHES:
            what = "revoked sessions" if section == "SESSION" else "failed sign-ins"
            messages.append(
                Warning(
                    f"NEXTAUTH[{section!r}][{key!r}] = {alias!r} is a LocMemCache: each "
                    f"server process keeps its own {what}.",
                    hint="With several workers or servers, a session signed out on one is "
                    "still valid on the others, and the limit of 5 attempts becomes 5 per "
                    "process. Use a shared cache (Redis, Memcached, database) in production.",
                    id="django_nextauth.W006",
                )
            )
    return messages
