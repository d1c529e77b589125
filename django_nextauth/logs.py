"""Log lines about problems only the site's operator can fix, never shown to visitors.

- :func:`log_server_fault`: a server-side fault (the database, the mail server) during a
  sign-in. Its type and message are logged, and with ``DEBUG`` on its traceback too, so a
  forgotten ``migrate`` reads as "no such table" rather than as wrong credentials. Only the
  exception types in :data:`SERVER_FAULTS` qualify: their messages come from the database
  driver or the network stack, not from code that had a password or a token in hand.
- :func:`log_undecryptable_cookie`: a session cookie this site's secret cannot decrypt
  (another site on the same host, a rotated secret). One line per cookie name per
  :data:`UNDECRYPTABLE_INTERVAL` seconds and process, so a flood of bad cookies is not a
  flood of log lines; the cookie's value is never logged.
"""

from __future__ import annotations

import logging
import smtplib
import socket
import threading
import time

from django.conf import settings as django_settings
from django.db import DatabaseError

__all__ = [
    "SERVER_FAULTS",
    "UNDECRYPTABLE_INTERVAL",
    "is_server_fault",
    "log_server_fault",
    "log_undecryptable_cookie",
]

logger = logging.getLogger("django_nextauth")

#: Faults of the server's own services. Deliberately not ``OSError`` as a whole: HTTP
#: client libraries raise subclasses of it whose messages quote the URL they called.
SERVER_FAULTS: tuple[type[BaseException], ...] = (
    DatabaseError,
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
    socket.gaierror,
)
#: Seconds between two "cannot decrypt" lines about the same cookie name.
UNDECRYPTABLE_INTERVAL = 60.0
_MAX_MESSAGE = 300

_last_logged: dict[str, float] = {}
_lock = threading.Lock()


def is_server_fault(exc: BaseException) -> bool:
    """Whether ``exc`` is a fault of the server's database or mail / network services."""
    return isinstance(exc, SERVER_FAULTS)


def log_server_fault(what: str, exc: BaseException) -> None:
    """Log ``what`` failed because of the server fault ``exc`` (traceback with ``DEBUG`` on)."""
    # One line: a database message spans several (PostgreSQL's "LINE 1: ..." detail).
    message = " ".join(str(exc).split())[:_MAX_MESSAGE]
    logger.error(
        "django_nextauth: %s: %s: %s",
        what,
        type(exc).__name__,
        message or "(no message)",
        exc_info=exc if django_settings.DEBUG else None,
    )


def log_undecryptable_cookie(name: str) -> None:
    """Say (at most once a minute per name) that the session cookie ``name`` did not decrypt."""
    now = time.monotonic()
    with _lock:
        last = _last_logged.get(name)
        if last is not None and now - last < UNDECRYPTABLE_INTERVAL:
            return
        _last_logged[name] = now
    logger.warning(
        "django_nextauth: the session cookie %r cannot be decrypted with this site's secret "
        "(signed by another site on the same host, or before a secret change?): the visitor "
        "is signed out. Cookies ignore the port: two sites on one host share them; give "
        "each its own host name (docs/settings.md, 'Two sites on one host').",
        name,
    )
