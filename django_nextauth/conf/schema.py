"""What ``NEXTAUTH`` may hold: every key with its default, and the names around them.

:data:`DEFAULTS` is the whole schema's data (as DRF's ``DEFAULTS``);
:mod:`django_nextauth.conf.validation` holds the rules of each key, and
``docs/settings.md`` documents both.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

__all__ = [
    "CHECK_IDS",
    "DEFAULTS",
    "IMPORT_STRINGS",
    "NESTED",
    "NEXTAUTH_SPELLINGS",
    "SESSION_STRATEGIES",
    "merged",
]

#: ``SESSION["STRATEGY"]``'s names for the built-in session strategies -> their dotted paths.
SESSION_STRATEGIES = {
    "jwt": "django_nextauth.session.jwt.JwtStrategy",
    "database": "django_nextauth.session.database.DatabaseStrategy",
}

#: Every key of ``NEXTAUTH`` with its default. Nested dicts are merged key by key.
DEFAULTS: dict[str, Any] = {
    # str or list of str (rotation: the first encrypts, all decrypt).
    # Unset: the AUTH_SECRET, then NEXTAUTH_SECRET environment variable.
    "SECRET": None,
    # Token and cookie format: "v4" (next-auth 4.24) or "v5" (@auth/core / Auth.js).
    "VERSION": "v4",
    # The versions whose session cookies are read, e.g. ["v4", "v5"] while migrating.
    "DECODE_VERSIONS": None,
    # Canonical site URL (NEXTAUTH_URL), e.g. "https://example.com". Unset: the request's host.
    "URL": None,
    # Where django_nextauth.urls is mounted.
    "BASE_PATH": "/api/auth",
    # None: secure cookie names and flags when request.is_secure(); True/False forces them.
    "USE_SECURE_COOKIES": None,
    # Cookie names as NextAuth's `cookies` option sets them, e.g.
    # {"sessionToken": {"name": "site-a.session-token"}}; used as given (no prefix added).
    "COOKIES": {},
    "SESSION": {
        "MAX_AGE": 30 * 24 * 60 * 60,
        "UPDATE_AGE": 24 * 60 * 60,
        # Re-issue the cookie from the middleware once the token is older than UPDATE_AGE.
        "SLIDING": False,
        # Seconds after sign-in when a session can no longer be renewed (None: never).
        "ABSOLUTE_MAX_AGE": None,
        # "jwt": the session lives in the cookie; "database": a row, the cookie holds its key;
        # or the dotted path of a django_nextauth.session.base.SessionStrategy subclass.
        "STRATEGY": "jwt",
        # A cache alias (settings.CACHES) turns on revocation of JWT sessions (sign-out).
        "REVOCATION_CACHE": None,
        # Re-check a given token against the revocation cache at most every N seconds.
        "REVOCATION_CHECK_INTERVAL": 0,
        # "database": revocations also go to the django_nextauth.db table, read through the
        # cache, so that a cache that loses keys (restart, FLUSHALL, eviction) loses none.
        "REVOCATION_STORE": None,
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
    # Custom pages (paths, URLs or URL pattern names); None serves the built-in templates.
    "PAGES": {"SIGN_IN": None, "SIGN_OUT": None, "ERROR": None},
    # Make request.user the Django user whose pk is the token's "sub".
    "SET_REQUEST_USER": False,
    # Failed credentials sign-ins allowed per window, per username and per client IP.
    "RATE_LIMIT": {"USERNAME": 5, "IP": 20, "WINDOW": 15 * 60, "CACHE": "default"},
    # Reverse proxies in front of Django that append to X-Forwarded-For (0: use REMOTE_ADDR).
    "NUM_PROXIES": 0,
    # Where users, accounts and sessions are stored: an import string naming an
    # django_nextauth.adapters.Adapter subclass. None: the Django ORM adapter when
    # "django_nextauth.db" is installed, else no adapter.
    "ADAPTER": None,
    # The Django username of a user created at an OAuth sign-in: an import string or callable
    # (profile dict) -> str. None: the e-mail's local part, else the name.
    "USERNAME_FROM_PROFILE": None,
}

#: The keys whose value is a dict merged key by key over the default, and their keys.
NESTED: dict[str, tuple[str, ...]] = {
    name: tuple(value) for name, value in DEFAULTS.items() if isinstance(value, dict)
}

#: Values given as dotted import paths, resolved when the setting is read (as DRF's
#: ``IMPORT_STRINGS``): ``{setting: nested keys}``. Provider entries are the provider
#: registry's business (``django_nextauth/providers``).
IMPORT_STRINGS: dict[str, tuple[str, ...]] = {"CALLBACKS": NESTED["CALLBACKS"]}

#: NextAuth's names of our keys, per dict ("" is ``NEXTAUTH`` itself), for the hints.
NEXTAUTH_SPELLINGS: dict[str, dict[str, str]] = {
    "": {
        "secret": "SECRET",
        "AUTH_SECRET": "SECRET",
        "NEXTAUTH_SECRET": "SECRET",
        "url": "URL",
        "AUTH_URL": "URL",
        "NEXTAUTH_URL": "URL",
        "basePath": "BASE_PATH",
        "useSecureCookies": "USE_SECURE_COOKIES",
        "cookies": "COOKIES",
        "session": "SESSION",
        "callbacks": "CALLBACKS",
        "providers": "PROVIDERS",
        "pages": "PAGES",
        "adapter": "ADAPTER",
    },
    "SESSION": {"maxAge": "MAX_AGE", "updateAge": "UPDATE_AGE", "strategy": "STRATEGY"},
    "CALLBACKS": {"signIn": "sign_in"},
    "PAGES": {"signIn": "SIGN_IN", "signOut": "SIGN_OUT", "error": "ERROR"},
}

#: The system check id of each setting's problems ("" is ``NEXTAUTH`` itself).
CHECK_IDS: dict[str, str] = {
    "SECRET": "django_nextauth.E001",
    "VERSION": "django_nextauth.E002",
    "CALLBACKS": "django_nextauth.E003",
    "PROVIDERS": "django_nextauth.E004",
    "RATE_LIMIT": "django_nextauth.E005",
    "NUM_PROXIES": "django_nextauth.E005",
    "URL": "django_nextauth.E006",
    "PAGES": "django_nextauth.E007",
    "DECODE_VERSIONS": "django_nextauth.E008",
    "USE_SECURE_COOKIES": "django_nextauth.E009",
    "SESSION": "django_nextauth.E010",
    "BASE_PATH": "django_nextauth.E011",
    "SET_REQUEST_USER": "django_nextauth.E012",
    "ADAPTER": "django_nextauth.E018",
    "USERNAME_FROM_PROFILE": "django_nextauth.E019",
    "COOKIES": "django_nextauth.E050",
    "": "django_nextauth.E013",
}


def merged(name: str, user: Mapping[str, Any]) -> Any:
    """The value of ``name``: the project's, merged key by key over a nested default."""
    value = copy.deepcopy(DEFAULTS[name])
    given = user.get(name, value)
    if name in NESTED and isinstance(given, Mapping):
        value.update(given)
        return value
    return given
