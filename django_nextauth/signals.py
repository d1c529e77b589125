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
(``django_nextauth/linking.py``); ``user`` is the Django user. ``credentials`` has
passwords, tokens and the like masked, as Django's ``user_login_failed`` does;
``error`` is the NextAuth error code (``"CredentialsSignin"``,
``"TooManyAttempts"``, ``"AccessDenied"``). As with NextAuth's events, an
exception in a receiver is logged and does not break the request.

A failed credentials sign-in also sends Django's own
:data:`~django.contrib.auth.signals.user_login_failed`, exactly once per attempt
whatever ``authorize`` does: while it runs (:func:`hold_login_failed`), the
signals Django's ``authenticate()`` would send are held back, and the view sends
one for the attempt. Lockout tools such as django-axes count attempts with it.
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
    "hold_login_failed",
    "send_login_failed",
    "send_robust",
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


def send_login_failed(request: Any, credentials: Mapping[str, Any]) -> None:
    """Django's ``user_login_failed``, sent as :func:`django.contrib.auth.authenticate` does."""
    send_robust(
        user_login_failed,
        "django_nextauth",
        credentials=cleanse_credentials(credentials),
        request=request,
    )


# Set (to a list of the held sends) while a sign-in attempt's authorize runs.
_held: ContextVar[list[dict[str, Any]] | None] = ContextVar(
    "django_nextauth_held_login_failed", default=None
)


@contextmanager
def hold_login_failed() -> Iterator[list[dict[str, Any]]]:
    """Hold back ``user_login_failed`` sends in this context (yields what was held)."""
    held: list[dict[str, Any]] = []
    reset = _held.set(held)
    try:
        yield held
    finally:
        _held.reset(reset)


def _install_hold() -> None:
    """Route ``user_login_failed.send`` / ``asend`` through the hold (once).

    Django's ``authenticate()`` sends the signal itself and offers no way to ask
    it not to; wrapping the signal object's own methods is the one place to do it.
    Outside a hold they behave exactly as before (a context variable decides,
    so other threads and tasks are not affected).
    """
    if getattr(user_login_failed, "_nextauth_hold", False):
        return
    send = user_login_failed.send

    def held_send(sender: Any, **named: Any) -> list[tuple[Any, Any]]:
        held = _held.get()
        if held is None:
            return send(sender, **named)
        held.append(named)
        return []

    user_login_failed.send = held_send  # type: ignore[method-assign]
    asend = getattr(user_login_failed, "asend", None)
    if asend is not None:  # pragma: no branch  (Django >= 5.0 has asend)

        async def held_asend(sender: Any, **named: Any) -> list[tuple[Any, Any]]:
            held = _held.get()
            if held is None:
                return await asend(sender, **named)  # type: ignore[no-any-return]
            held.append(named)
            return []

        user_login_failed.asend = held_asend  # type: ignore[method-assign]
    user_login_failed._nextauth_hold = True  # type: ignore[attr-defined]


_install_hold()
