"""NextAuth's events as Django signals.

==================  ==========================  ==========================================
Signal              NextAuth event              Keyword arguments
==================  ==========================  ==========================================
user_signed_in      ``events.signIn``           ``request, user, account, token``
user_signed_out     ``events.signOut``          ``request, token`` (``None`` if unreadable)
session_updated     ``session`` on update       ``request, token, session, data``
sign_in_failed      (none)                      ``request, provider, error, credentials``
user_created        ``events.createUser``       ``request, user, profile``
account_linked      ``events.linkAccount``      ``request, user, account``
==================  ==========================  ==========================================

The sender is the provider id (a ``str``) for ``user_signed_in``, ``sign_in_failed``,
``user_created`` and ``account_linked``, and ``None`` for the other two.
``user_signed_in`` also has ``is_new_user``. ``user_created`` and ``account_linked``
are sent when an OAuth sign-in creates a Django user or links an account to one
(``django_nextauth/flow/accounts.py``); ``user`` is the Django user. ``credentials`` has
passwords, tokens and the like masked, as Django's ``user_login_failed`` does;
``error`` is the NextAuth error code (``"CredentialsSignin"``,
``"TooManyAttempts"``, ``"AccessDenied"``). As with NextAuth's events, an
exception in a receiver is logged and does not break the request.

A failed credentials sign-in also sends Django's own
:data:`~django.contrib.auth.signals.user_login_failed`, once per attempt: the
default ``authorize`` (and :func:`django_nextauth.authenticate`, for hooks) asks
Django's backends without sending it, and the sign-in view sends one for the
attempt unless the hook's own call of Django's ``authenticate()`` already did
(:func:`login_attempt` counts them). Lockout tools such as django-axes count
attempts with it. Nothing of Django's is patched.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.signals import user_login_failed
from django.dispatch import Signal

__all__ = [
    "account_linked",
    "cleanse_credentials",
    "count_login_failed",
    "login_attempt",
    "send_login_failed",
    "send_robust",
    "send_sign_in_failed",
    "sign_in_failed",
    "session_updated",
    "user_created",
    "user_signed_in",
    "user_signed_out",
]

logger = logging.getLogger("django_nextauth")

user_signed_in = Signal()
user_signed_out = Signal()
session_updated = Signal()
sign_in_failed = Signal()
user_created = Signal()
account_linked = Signal()

# The same pattern django.contrib.auth uses to hide credentials in its signal.
_SENSITIVE = re.compile("api|token|key|secret|password|signature|pass", re.IGNORECASE)
_MASK = "********************"


def cleanse_credentials(credentials: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``credentials`` with sensitive values masked and the CSRF token left out."""
    return {
        key: (_MASK if _SENSITIVE.search(key) else value)
        for key, value in credentials.items()
        if key != "csrfToken"
    }


def send_robust(signal: Signal, sender: Any, **kwargs: Any) -> None:
    """Send ``signal``; a failing receiver is logged (with its traceback) and skipped."""
    for receiver, result in signal.send_robust(sender, **kwargs):
        if isinstance(result, Exception):
            logger.error(
                "django_nextauth: signal receiver %r raised %s",
                receiver,
                type(result).__name__,
                exc_info=result,
            )


def send_sign_in_failed(
    request: Any, provider_id: str, error: str, credentials: Mapping[str, Any] | None = None
) -> None:
    """:data:`sign_in_failed` for one refused attempt of ``provider_id``, credentials masked."""
    send_robust(
        sign_in_failed,
        provider_id,
        request=request,
        provider=provider_id,
        error=error,
        credentials=cleanse_credentials(credentials or {}),
    )


def send_login_failed(request: Any, credentials: Mapping[str, Any]) -> None:
    """Django's ``user_login_failed``, sent as :func:`django.contrib.auth.authenticate` does."""
    send_robust(
        user_login_failed,
        "django_nextauth",
        credentials=cleanse_credentials(credentials),
        request=request,
    )


# Set (to a one-item list counting Django's sends) while a credentials attempt runs.
_attempt: ContextVar[list[int] | None] = ContextVar("django_nextauth_attempt", default=None)


def count_login_failed(sender: Any, **kwargs: Any) -> None:
    """Receiver of ``user_login_failed`` (connected by the app config): counts the sends
    made during a credentials attempt, in this context only."""
    sent = _attempt.get()
    if sent is not None:
        sent[0] += 1


@contextmanager
def login_attempt() -> Iterator[list[int]]:
    """One credentials attempt: yields ``[n]``, how many ``user_login_failed`` were sent
    inside it (by a hook's own call of Django's ``authenticate()``)."""
    sent = [0]
    reset = _attempt.set(sent)
    try:
        yield sent
    finally:
        _attempt.reset(reset)
