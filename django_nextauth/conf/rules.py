"""The rule of each ``NEXTAUTH`` key: a function answering the key's problems, never raising."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from django.conf import settings as django_settings
from django.utils.module_loading import import_string

from django_nextauth.dialect import VERSIONS
from django_nextauth.redirects import normalize_origin

from .cookies import cookies_rule
from .problem import Problem, setting_problem, unknown_key
from .schema import NESTED, SESSION_STRATEGIES, merged

__all__ = ["ENV_SECRETS", "MIN_SECRET_LENGTH", "RULES", "Rule", "url_origin"]

ENV_SECRETS = ("AUTH_SECRET", "NEXTAUTH_SECRET")
MIN_SECRET_LENGTH = 32


def _is_count(value: Any, minimum: int = 0) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


Rule = Callable[[Any, Mapping[str, Any]], Iterator[Problem]]


def _is_strategy(value: Any) -> bool:
    """A built-in strategy's name, or the import string of a ``SessionStrategy`` subclass
    (recognised by its bases' names: the session layer is above this one)."""
    if not isinstance(value, str):
        return False
    if value in SESSION_STRATEGIES:
        return True
    try:
        found = import_string(value)
    except (ImportError, ValueError, TypeError):
        return False
    names = {f"{base.__module__}.{base.__qualname__}" for base in getattr(found, "__mro__", ())}
    return isinstance(found, type) and _STRATEGY_BASE in names


_STRATEGY_BASE = "django_nextauth.session.base.SessionStrategy"


def _secret(value: Any, user: Mapping[str, Any]) -> Iterator[Problem]:
    path, source = ("SECRET",), "NEXTAUTH['SECRET']"
    if not value:
        env = next((name for name in ENV_SECRETS if os.environ.get(name)), None)
        value, source = (os.environ[env], f"The {env} environment variable") if env else (None, "")
    if not value:
        if django_settings.DEBUG and django_settings.SECRET_KEY:
            message = "No NextAuth secret is configured: using one derived from SECRET_KEY."
            hint = "Fine for development only. Set NEXTAUTH['SECRET'] or AUTH_SECRET, and share "
            hint += "it with your Next.js app."
            yield Problem(path, message, hint, "django_nextauth.W001", fatal=False)
        else:
            message = "No NextAuth secret is configured, and DEBUG is False."
            hint = "Set NEXTAUTH['SECRET'] or the AUTH_SECRET environment variable (generate "
            hint += "one with `manage.py nextauth_secret`)."
            yield setting_problem(path, message, hint, fatal=False)
        return
    secrets = [value] if isinstance(value, str) else value
    if not isinstance(secrets, (list, tuple)) or not all(isinstance(s, str) and s for s in secrets):
        message = "NEXTAUTH['SECRET'] must be a non-empty string or list of strings."
        hint = "Use the string `manage.py nextauth_secret` prints, or a list of such strings "
        hint += "while rotating (the first one encrypts)."
        yield setting_problem(path, message, hint, fatal=False)
    elif any(len(secret) < MIN_SECRET_LENGTH for secret in secrets):
        message = f"{source} holds a secret shorter than {MIN_SECRET_LENGTH} characters."
        hint = "Short secrets can be guessed offline from any session cookie: use "
        hint += "`manage.py nextauth_secret` (32 random bytes), in Next.js too."
        yield Problem(path, message, hint, "django_nextauth.W002", fatal=False)


def _version(value: Any, user: Mapping[str, Any]) -> Iterator[Problem]:
    if value not in VERSIONS:
        message = f"NEXTAUTH['VERSION'] must be {_one_of()}, not {value!r}."
        hint = "Use 'v4' for next-auth 4.x, 'v5' for Auth.js / next-auth 5."
        yield setting_problem(("VERSION",), message, hint)


def _decode_versions(value: Any, user: Mapping[str, Any]) -> Iterator[Problem]:
    path = ("DECODE_VERSIONS",)
    version = merged("VERSION", user)
    if value is None:
        return
    if not isinstance(value, (list, tuple)) or not all(v in VERSIONS for v in value):
        message = f"NEXTAUTH['DECODE_VERSIONS'] must be a list of {' / '.join(map(repr, VERSIONS))}"
        message += f", not {value!r}."
        hint = "E.g. ['v4', 'v5'] while migrating, or None to read VERSION's cookies only."
        yield setting_problem(path, message, hint)
    elif value and version in VERSIONS and version not in value:
        message = f"NEXTAUTH['DECODE_VERSIONS'] = {value!r} leaves out VERSION {version!r}: "
        message += "the session cookies this site writes would not be read back."
        yield setting_problem(path, message, f"Add {version!r} to NEXTAUTH['DECODE_VERSIONS'].")


def _url(value: Any, user: Mapping[str, Any]) -> Iterator[Problem]:
    if not value:
        if not django_settings.DEBUG:
            message = "NEXTAUTH['URL'] is not set, and DEBUG is False."
            hint = "Set it to the site's public origin (like NEXTAUTH_URL): without it, absolute "
            hint += "URLs come from the Host header, whose port ALLOWED_HOSTS does not check."
            yield Problem(("URL",), message, hint, "django_nextauth.W005", fatal=False)
    elif not isinstance(value, str) or url_origin(value) is None:
        message = f"NEXTAUTH['URL'] = {value!r} is not an http(s) URL."
        hint = "Use the site's public origin, e.g. 'https://example.com' (like NEXTAUTH_URL)."
        # Not fatal: the runtime then uses the request's origin (django_nextauth/redirects.py).
        yield setting_problem(("URL",), message, hint, fatal=False)


def url_origin(url: str) -> str | None:
    """The origin of a ``NEXTAUTH["URL"]`` value (``https://`` assumed without a scheme), as
    NextAuth reads ``NEXTAUTH_URL``; ``None`` when it has no http(s) origin. The check and the
    runtime (``nextauth_settings.url_origin``) both go through here."""
    return normalize_origin(url if "://" in url else f"https://{url}")


def _one_of() -> str:
    *rest, last = map(repr, VERSIONS)
    return f"{', '.join(rest)} or {last}"


def _typed(name: str, accepts: Callable[[Any], bool], expected: str, hint: str) -> Rule:
    def rule(value: Any, user: Mapping[str, Any]) -> Iterator[Problem]:
        if not accepts(value):
            message = f"NEXTAUTH[{name!r}] must be {expected}, not {value!r}."
            yield setting_problem((name,), message, hint)

    return rule


_FIELDS: dict[str, dict[str, tuple[Callable[[Any], bool], str]]] = {
    "SESSION": {
        "MAX_AGE": (lambda v: _is_count(v, 1), "a positive number of seconds"),
        "UPDATE_AGE": (_is_count, "a number of seconds (0 or more)"),
        "SLIDING": (lambda v: isinstance(v, bool), "True or False"),
        "ABSOLUTE_MAX_AGE": (
            lambda v: v is None or _is_count(v, 1),
            "None or a positive number of seconds",
        ),
        "STRATEGY": (
            _is_strategy,
            "'jwt', 'database' or the dotted path of a SessionStrategy subclass",
        ),
        "REVOCATION_CACHE": (
            lambda v: v is None or (isinstance(v, str) and v in django_settings.CACHES),
            "None or the alias of a cache in settings.CACHES",
        ),
        "REVOCATION_CHECK_INTERVAL": (_is_count, "a number of seconds (0 or more)"),
        "REVOCATION_STORE": (lambda v: v in (None, "database"), "None or 'database'"),
    },
    "RATE_LIMIT": {
        **dict.fromkeys(
            ("USERNAME", "IP", "WINDOW"),
            (lambda v: v is None or _is_count(v), "None or a whole number (0 or more)"),
        ),
        "CACHE": (
            lambda v: isinstance(v, str) and v in django_settings.CACHES,
            "the alias of a cache in settings.CACHES",
        ),
    },
    "PAGES": dict.fromkeys(
        NESTED["PAGES"],
        (
            lambda v: v is None or isinstance(v, str),
            "None, a path, an absolute URL or a URL pattern name",
        ),
    ),
    "CALLBACKS": {},  # see _callback()
}
_NESTED_HINTS = {
    "SESSION": "E.g. 'SESSION': {'MAX_AGE': 30 * 24 * 3600, 'UPDATE_AGE': 24 * 3600, "
    "'SLIDING': False, 'ABSOLUTE_MAX_AGE': None, 'STRATEGY': 'jwt', "
    "'REVOCATION_CACHE': None, 'REVOCATION_CHECK_INTERVAL': 0, 'REVOCATION_STORE': None} "
    "(seconds).",
    "RATE_LIMIT": "E.g. 'RATE_LIMIT': {'USERNAME': 5, 'IP': 20, 'WINDOW': 900, "
    "'CACHE': 'default'}; 0 or None switches a counter off.",
    "PAGES": "Keys are SIGN_IN, SIGN_OUT and ERROR; values are None, a path, an absolute URL "
    "or a URL pattern name.",
    "CALLBACKS": "Map some of jwt, session, sign_in, redirect to dotted paths (e.g. "
    "'myapp.auth.jwt') or callables.",
}


def _nested(name: str) -> Rule:
    def rule(value: Any, user: Mapping[str, Any]) -> Iterator[Problem]:
        hint = _NESTED_HINTS[name]
        if not isinstance(value, Mapping):
            message = f"NEXTAUTH[{name!r}] must be a dict, not {value!r}."
            yield setting_problem((name,), message, hint)
            return
        for key, item in value.items():
            if key not in NESTED[name]:
                yield unknown_key((name,), key)
            elif name == "CALLBACKS":
                yield from _callback(key, item)
            elif not _FIELDS[name][key][0](item):
                message = f"NEXTAUTH[{name!r}][{key!r}] must be {_FIELDS[name][key][1]}, "
                yield setting_problem((name, key), f"{message}not {item!r}.", hint)

    return rule


def _callback(key: str, value: Any) -> Iterator[Problem]:
    where, hint = f"NEXTAUTH['CALLBACKS'][{key!r}]", _NESTED_HINTS["CALLBACKS"]
    if isinstance(value, str):
        try:
            value = import_string(value)
        except (ImportError, ValueError, TypeError) as exc:  # not found; "." or "..x"
            message = f"{where} = {value!r} cannot be imported: {exc}."
            yield setting_problem(("CALLBACKS", key), message, hint)
            return
    if value is not None and not callable(value):
        yield setting_problem(("CALLBACKS", key), f"{where} is not callable.", hint)


def _importable(name: str, hint: str) -> Rule:
    """None, a callable / class, or an import string naming one.

    What else the value must be is the business of the module that uses it: it adds a rule
    with :func:`~django_nextauth.conf.validation.add_rule` (``ADAPTER``: an Adapter subclass).
    """

    def rule(value: Any, user: Mapping[str, Any]) -> Iterator[Problem]:
        if value is None:
            return
        where = f"NEXTAUTH[{name!r}]"
        if isinstance(value, str):
            try:
                value = import_string(value)
            except (ImportError, ValueError, TypeError) as exc:
                yield setting_problem(
                    (name,), f"{where} = {value!r} cannot be imported: {exc}.", hint
                )
                return
        if not callable(value):
            yield setting_problem((name,), f"{where} is not callable.", hint)

    return rule


RULES: dict[str, Rule] = {
    "SECRET": _secret,
    "VERSION": _version,
    "DECODE_VERSIONS": _decode_versions,
    "URL": _url,
    "BASE_PATH": _typed(
        "BASE_PATH",
        lambda v: isinstance(v, str) and v.startswith("/"),
        "a path starting with '/'",
        "Where you include('django_nextauth.urls'), e.g. '/api/auth' (NextAuth's basePath).",
    ),
    "USE_SECURE_COOKIES": _typed(
        "USE_SECURE_COOKIES",
        lambda v: v is None or isinstance(v, bool),
        "True, False or None",
        "None (the default) follows request.is_secure(); a string such as 'no' would be true.",
    ),
    "COOKIES": cookies_rule,
    "SESSION": _nested("SESSION"),
    "CALLBACKS": _nested("CALLBACKS"),
    "PROVIDERS": _typed(
        "PROVIDERS",
        lambda v: isinstance(v, (list, tuple)),
        "a list of providers",
        "E.g. [{'id': 'credentials', 'name': 'Credentials', 'type': 'credentials', ...}].",
    ),
    "PAGES": _nested("PAGES"),
    "SET_REQUEST_USER": _typed(
        "SET_REQUEST_USER",
        lambda v: isinstance(v, bool),
        "True or False",
        "True makes request.user the Django user of the session (see docs/settings.md).",
    ),
    "RATE_LIMIT": _nested("RATE_LIMIT"),
    "NUM_PROXIES": _typed(
        "NUM_PROXIES",
        _is_count,
        "a whole number (0 or more)",
        "The number of reverse proxies in front of Django that append to X-Forwarded-For.",
    ),
    "ADAPTER": _importable(
        "ADAPTER",
        "None (the ORM adapter when 'django_nextauth.db' is installed) or a dotted path to an "
        "Adapter subclass, e.g. 'myapp.adapters.MyAdapter'.",
    ),
    "USERNAME_FROM_PROFILE": _importable(
        "USERNAME_FROM_PROFILE",
        "None (the e-mail's local part) or a dotted path to a function (profile) -> str.",
    ),
}
