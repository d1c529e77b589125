"""The demo's sign-in hooks: ``authorize`` and the limiter's ``rate_limit_key``.

The sign-in form has one identifier field, ``username``, that takes a username *or* an e-mail
address. Both hooks map it to the account through :func:`account_username`, so the brute-force
limiter counts ``alice``, ``Alice`` and ``alice@example.com`` as one account, the one
``authorize`` actually checks.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from django_nextauth import authenticate
from django_nextauth.identity import email_key
from django_nextauth.storable import storable


def account_username(login: str) -> str:
    """The username that ``login`` names: an e-mail address is looked up (case-insensitively).

    ``""`` for a value no user can have (NUL, a lone surrogate): the database would refuse to
    look it up.
    """
    login = login.strip()
    if not storable(login):
        return ""
    if "@" in login:
        # The query only narrows; the address is compared in Python (never by a collation).
        for match in get_user_model().objects.filter(email__iexact=login).order_by("pk"):
            if email_key(match.email) == email_key(login):
                return match.get_username()
    return login


def authorize(credentials: dict[str, Any], request: HttpRequest | None) -> AbstractBaseUser | None:
    """Check a username *or e-mail address* and password; ``None`` means "wrong credentials".

    The default ``authorize`` only takes a username; this one shows where custom rules go.
    """
    login = account_username(str(credentials.get("username") or ""))
    password = str(credentials.get("password") or "")
    if not login or not password:
        return None
    user = authenticate(request, username=login, password=password)
    return user if user is not None and user.is_active else None


def rate_limit_key(credentials: dict[str, Any], request: HttpRequest | None) -> str:
    """The brute-force limiter's account key: the username ``authorize`` would check, lowercased.

    Without it, guesses spread over ``alice`` and ``alice@example.com`` would be counted as two
    accounts, each with its own allowance.
    """
    return account_username(str(credentials.get("username") or "")).lower()
