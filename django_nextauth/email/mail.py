"""The default ``send_verification_request``: Django templates, sent by Django's mail framework.

NextAuth's default mail, sent through the provider's ``mailer``: on Django 6.1+ an
alias of ``settings.MAILERS`` (``"default"`` unless set), on older Django the
``EMAIL_BACKEND`` connection from ``get_connection()``. Three
overridable templates, each given ``url``, ``host``, ``identifier``, ``expires``,
``provider`` and ``request``:

- ``nextauth/email/verification_subject.txt`` (one line: "Sign in to <host>"),
- ``nextauth/email/verification.txt`` (the plain-text part),
- ``nextauth/email/verification.html`` (the HTML part).

A project with its own mail (a provider's API, a queue) sets the provider's
``send`` option to its own function with the same signature.
"""

from __future__ import annotations

from datetime import datetime
from email.errors import HeaderParseError
from email.headerregistry import Address
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives, get_connection
from django.http import HttpRequest
from django.template.loader import render_to_string

if TYPE_CHECKING:
    from django_nextauth.providers.email import EmailProvider

__all__ = ["DEFAULT_MAILER", "check_recipient", "has_mailers", "send_verification_request"]

#: The ``mailer`` an e-mail provider sends through unless it names another.
DEFAULT_MAILER = "default"


def has_mailers() -> bool:
    """Whether this Django sends through ``settings.MAILERS`` aliases (Django 6.1+)."""
    # Feature detection, not a version test: ``mailers`` is the 6.1 API's entry point.
    return hasattr(mail, "mailers")


def backend_path(mailer: str = "default") -> str | None:
    """The dotted path of the mail backend that ``mailer`` sends through: its ``MAILERS``
    entry on Django 6.1+, else ``EMAIL_BACKEND`` (read only where it is the API)."""
    if has_mailers():
        entry = getattr(settings, "MAILERS", {}).get(mailer)
        return entry.get("BACKEND") if isinstance(entry, dict) else None
    return str(settings.EMAIL_BACKEND)


def check_recipient(identifier: str) -> str:
    """``identifier`` if it is one plain mailbox (``local@domain``), else ``ValueError``.

    The normaliser already refused what NextAuth refuses; this also keeps out what
    an address parser could read as more than one recipient or a new header.
    """
    try:
        address = Address(addr_spec=identifier)
    except (HeaderParseError, ValueError, IndexError) as exc:
        raise ValueError("not a single mailbox") from exc
    if address.addr_spec != identifier or any(ch in identifier for ch in "\r\n\0<>,;"):
        raise ValueError("not a single mailbox")
    return identifier


def send_verification_request(
    *,
    identifier: str,
    url: str,
    token: str,
    expires: datetime,
    provider: EmailProvider,
    request: HttpRequest | None,
) -> None:
    """Send the sign-in link ``url`` to ``identifier``; exceptions mean "not sent"."""
    context: dict[str, Any] = {
        "url": url,
        "host": urlsplit(url).netloc,
        "identifier": identifier,
        "expires": expires,
        "provider": provider,
    }
    subject = render_to_string("nextauth/email/verification_subject.txt", context, request)
    text = render_to_string("nextauth/email/verification.txt", context, request)
    html = render_to_string("nextauth/email/verification.html", context, request)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # one line whatever the template's whitespace
        body=text,
        from_email=provider.from_email or settings.DEFAULT_FROM_EMAIL,
        to=[check_recipient(identifier)],
    )
    message.attach_alternative(html, "text/html")
    if has_mailers():
        # Django 6.1+: get_connection() and the connection argument are deprecated there.
        message.send(using=provider.mailer)
    else:
        # The provider refuses any other alias on this Django (providers/email.py).
        get_connection().send_messages([message])
