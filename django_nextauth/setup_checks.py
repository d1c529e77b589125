"""System checks of a project's set-up beyond the settings dict: the mistakes of a first hour
(an e-mail provider without an adapter, a ``jwt`` callback that never runs, templates without
the context processor) and the per-type hint of a refused provider entry.

Ids from E030 / W030 up; ``docs/settings.md`` lists them. No check raises on a broken value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings as django_settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from .adapters import get_adapter
from .conf.schema import merged
from .conf.validation import user_settings
from .exceptions import ConfigurationError
from .providers.registry import known_types, load_providers

__all__ = [
    "check_context_processor",
    "check_database_callbacks",
    "check_email_adapter",
    "provider_hint",
]


_PROVIDER_HINTS = {
    "credentials": "A credentials provider is a dict with 'id', 'name', 'type': 'credentials', "
    "'credentials' (field -> attributes) and 'authorize' (dotted path, callable or None for "
    "django.contrib.auth.authenticate).",
    "oauth": "A preset is {'provider': 'github', 'client_id': ..., 'client_secret': ...}; any "
    "other OAuth 2.0 server is {'type': 'oauth', 'id': ..., 'authorization': ..., 'token': ..., "
    "'userinfo': ..., 'client_id': ..., 'client_secret': ...}. OAuth needs "
    "pip install 'django-nextauth[oauth]'. See docs/providers.md.",
    "oidc": "An OpenID Connect provider is {'type': 'oidc', 'id': ..., 'issuer': "
    "'https://idp.example.com', 'client_id': ..., 'client_secret': ...}; it needs "
    "pip install 'django-nextauth[oauth]'. See docs/providers.md.",
    "email": "An e-mail provider is {'type': 'email', 'from': 'Example <no-reply@example.com>'} "
    "with optional 'max_age', 'allow_sign_up', 'rate_limit' and hooks. See docs/email.md.",
}


def provider_hint(raw: Any) -> str:
    """The hint for the type of the first entry the providers registry refuses."""
    entry: Any = None
    if isinstance(raw, (list, tuple)):
        for end in range(1, len(raw) + 1):  # the shortest prefix that fails ends with it
            try:
                load_providers(raw[:end])
            except ConfigurationError:
                entry = raw[end - 1]
                break
    kind = None
    if isinstance(entry, Mapping) and "class" not in entry:
        kind = entry.get("type", "oauth" if "provider" in entry else "credentials")
    if isinstance(kind, str) and kind in _PROVIDER_HINTS:
        return _PROVIDER_HINTS[kind]
    types = ", ".join(repr(name) for name in known_types())
    return (
        f"Each provider is a dict whose 'type' is one of {types} (a preset needs only "
        "'provider'), or a dotted path to a Provider subclass. See docs/providers.md."
    )


@register(Tags.compatibility)
def check_email_adapter(**kwargs: Any) -> list[CheckMessage]:
    """E030: an e-mail provider without an adapter to keep its tokens."""
    user = user_settings()
    if not isinstance(user, Mapping) or user.get("ADAPTER") is not None:
        return []  # E014 says so; a broken ADAPTER is E018's
    try:
        providers = load_providers(merged("PROVIDERS", user))
        adapter = get_adapter()
    except ConfigurationError:
        return []  # E004 says so
    if adapter is not None:
        return []
    return [
        Error(
            f"The e-mail provider {provider.id!r} needs an adapter to keep its tokens and "
            "users, and there is none: its sign-in form would fail.",
            hint="Add 'django_nextauth.db' to INSTALLED_APPS (then migrate), or set "
            "NEXTAUTH['ADAPTER']. See docs/email.md.",
            id="django_nextauth.E030",
        )
        for provider in providers
        if provider.type == "email"
    ]


@register(Tags.compatibility)
def check_database_callbacks(**kwargs: Any) -> list[CheckMessage]:
    """W030: a ``jwt`` callback with database sessions, where it never runs."""
    user = user_settings()
    if not isinstance(user, Mapping):
        return []  # E014 says so
    session, callbacks = merged("SESSION", user), merged("CALLBACKS", user)
    if not (isinstance(session, Mapping) and session.get("STRATEGY") == "database"):
        return []
    if not (isinstance(callbacks, Mapping) and callbacks.get("jwt") is not None):
        return []
    return [
        Warning(
            "NEXTAUTH['CALLBACKS']['jwt'] is set, but with SESSION['STRATEGY'] = 'database' "
            "no jwt callback runs (as in NextAuth): what it adds to the token never reaches "
            "the session.",
            hint="Add those fields in the session callback instead, from its user= argument "
            "(the stored Django user); see docs/sessions.md.",
            id="django_nextauth.W030",
        )
    ]


_CONTEXT_PROCESSOR = "django_nextauth.context_processors.session"
_DJANGO_TEMPLATES = "django.template.backends.django.DjangoTemplates"


@register(Tags.templates)
def check_context_processor(**kwargs: Any) -> list[CheckMessage]:
    """W031: Django templates without ``{{ session_user }}`` (the context processor)."""
    engines = [
        engine
        for engine in getattr(django_settings, "TEMPLATES", None) or ()
        if isinstance(engine, Mapping) and engine.get("BACKEND") == _DJANGO_TEMPLATES
    ]
    for engine in engines:
        options = engine.get("OPTIONS")
        processors = options.get("context_processors") if isinstance(options, Mapping) else None
        if isinstance(processors, (list, tuple)) and _CONTEXT_PROCESSOR in processors:
            return []
    if not engines:
        return []
    return [
        Warning(
            f"'{_CONTEXT_PROCESSOR}' is in no DjangoTemplates engine's context_processors: "
            "{{ session_user }} and {{ nextauth_session }} render empty in templates.",
            hint=f"Add '{_CONTEXT_PROCESSOR}' to TEMPLATES[0]['OPTIONS']['context_processors']. "
            "Silence this warning if your templates only use {% load nextauth %}'s tags.",
            id="django_nextauth.W031",
        )
    ]
