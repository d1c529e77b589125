"""``NEXTAUTH["COOKIES"]``: NextAuth's ``cookies`` option, for the cookie names only.

``{"sessionToken": {"name": "site-a.session-token"}, ...}`` renames the cookies of the
kinds given. As in NextAuth, a name is used as given, on http and https alike: no
``__Secure-`` / ``__Host-`` prefix is added (write it into the name to have it). The rule
here answers the problems (``django_nextauth.E050``, ``W050``); :func:`cookie_names` is
what :attr:`nextauth_settings.dialect <django_nextauth.conf.NextAuthSettings.dialect>`
applies to every dialect it hands out, so no other module computes a name.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from typing import Any

from django_nextauth.dialect import VERSIONS, CookieKind, dialect

from .problem import Problem
from .schema import merged

__all__ = ["COOKIE_KINDS", "cookie_names", "cookies_rule"]

#: NextAuth's name of each cookie kind (the keys of its ``cookies`` option) -> ours.
COOKIE_KINDS: dict[str, CookieKind] = {
    "sessionToken": "session_token",
    "callbackUrl": "callback_url",
    "csrfToken": "csrf_token",
    "pkceCodeVerifier": "pkce_code_verifier",
    "state": "state",
    "nonce": "nonce",
    "webauthnChallenge": "webauthn_challenge",
}
# An RFC 6265 cookie-name token that Python's Morsel also accepts as a key: a name with a
# space, ";", "=" or "," would not come back as written.
_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,200}")
_PREFIXES = ("__Secure-", "__Host-")
_ERROR, _WARNING = "django_nextauth.E050", "django_nextauth.W050"
_HINT = (
    "E.g. 'COOKIES': {'sessionToken': {'name': 'site-a.session-token'}}, the same names as "
    "the Next.js app's `cookies` option; the keys are " + ", ".join(map(repr, COOKIE_KINDS))
)


def cookie_names(value: Mapping[str, Any]) -> dict[CookieKind, str]:
    """The overridden names by kind, from a ``COOKIES`` value the rule accepted."""
    return {COOKIE_KINDS[key]: option["name"] for key, option in value.items()}


def cookies_rule(value: Any, user: Mapping[str, Any]) -> Iterator[Problem]:
    """The problems of ``NEXTAUTH["COOKIES"]``."""
    if not isinstance(value, Mapping):
        yield _problem((), f"must be a dict, not {value!r}.", _HINT)
        return
    valid = True
    for key, option in value.items():
        problem = _option_problem(key, option)
        if problem is not None:
            valid = False
            yield problem
    if valid:
        yield from _clashes(cookie_names(value), user)


def _option_problem(key: Any, option: Any) -> Problem | None:
    if key not in COOKIE_KINDS:
        close = difflib.get_close_matches(str(key), COOKIE_KINDS, n=1)
        hint = f"Did you mean {close[0]!r}? " if close else ""
        message = f"NEXTAUTH['COOKIES'] has an unknown cookie {key!r}."
        return Problem(("COOKIES", str(key)), message, hint + _HINT, _ERROR)
    if not isinstance(option, Mapping) or set(option) != {"name"}:
        message = f"must be {{'name': '...'}}, not {option!r}."
        extra = "Only the name can be set here: django-nextauth writes NextAuth's attributes "
        extra += "(HttpOnly, SameSite=Lax, Path=/, Secure on https) for every cookie. "
        return _problem((key,), message, extra + _HINT)
    name = option["name"]
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        message = f"{{'name': {name!r}}} is not a cookie name."
        hint = "Use letters, digits and - . _ (no space, ';', '=' or ','), e.g. "
        hint += "'site-a.session-token'."
        return _problem((key, "name"), message, hint)
    return None


def _clashes(names: Mapping[CookieKind, str], user: Mapping[str, Any]) -> Iterator[Problem]:
    version = merged("VERSION", user)
    if version not in VERSIONS:
        return  # VERSION's own rule reports it
    renamed = dialect(version).with_cookie_names(names)
    seen: dict[str, str] = {}
    for kind, spec in renamed.cookies.items():
        for secure in (False, True):
            full = spec.full_name(secure)
            other = seen.setdefault(full, kind)
            if other != kind:
                key = _camel(kind) if kind in names else _camel(other)
                message = f"names the {_camel(kind)!r} and {_camel(other)!r} cookies alike "
                message += f"({full!r}): one would overwrite the other."
                yield _problem((key, "name"), message, "Give every cookie its own name.")
                return
    secure_setting = merged("USE_SECURE_COOKIES", user)
    for kind, name in names.items():
        if name.startswith(_PREFIXES) and secure_setting is not True:
            message = f"NEXTAUTH['COOKIES'][{_camel(kind)!r}]['name'] = {name!r} has a "
            message += f"{name.split('-')[0]}- prefix, but USE_SECURE_COOKIES is not True."
            hint = "Browsers drop such a cookie without Secure (plain http): set "
            hint += "NEXTAUTH['USE_SECURE_COOKIES'] = True, or leave the prefix out."
            yield Problem(("COOKIES", _camel(kind), "name"), message, hint, _WARNING, fatal=False)


def _camel(kind: str) -> str:
    return next(key for key, value in COOKIE_KINDS.items() if value == kind)


def _problem(path: tuple[str, ...], message: str, hint: str) -> Problem:
    where = "NEXTAUTH['COOKIES']" + "".join(f"[{key!r}]" for key in path)
    return Problem(("COOKIES", *map(str, path)), f"{where} {message}", hint, _ERROR)
