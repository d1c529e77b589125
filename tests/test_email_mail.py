"""The default ``send_verification_request`` and the token helpers.

Once through a real SMTP server (aiosmtpd on 127.0.0.1, started by the test): the
message that leaves Django is parsed as a mail client would, and its link is
followed to a session.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
import socket
from collections.abc import Iterator
from datetime import datetime, timezone
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlencode

import django
import pytest
from aiosmtpd.controller import Controller
from django.core.cache import cache
from django.test import Client, override_settings

from django_nextauth.dialect import V4, V5
from django_nextauth.email.mail import check_recipient, send_verification_request
from django_nextauth.email.tokens import generate_token, hash_token, search_params, token_secrets
from django_nextauth.providers.email import EmailProvider

FORM = "application/x-www-form-urlencoded"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def test_tokens() -> None:
    token = generate_token()
    assert re.fullmatch(r"[0-9a-f]{64}", token) and token != generate_token()
    assert hash_token("abc", "sec") == hashlib.sha256(b"abcsec").hexdigest()


def test_token_secrets(nextauth: Any) -> None:
    nextauth(SECRET=["new-secret-0123456789abcdef012345", "old-secret-0123456789abcdef012345"])
    assert token_secrets(V4) == (
        "new-secret-0123456789abcdef012345",
        "old-secret-0123456789abcdef012345",
    )
    assert token_secrets(V5) == (
        "new-secret-0123456789abcdef012345,old-secret-0123456789abcdef012345",
    )


def test_search_params() -> None:
    assert search_params({"a": "x ~*!@é", "b&": "="}) == "a=x+%7E*%21%40%C3%A9&b%26=%3D"


@pytest.mark.parametrize("address", ["eve@example.com", "e.v+e@sub.example.co.uk", "a@b"])
def test_check_recipient_accepts(address: str) -> None:
    assert check_recipient(address) == address


@pytest.mark.parametrize(
    "address",
    [
        "a,b@example.com",
        "a b@example.com",
        "(x)a@example.com",
        "a@example.com\r\nBcc: x@evil.com",
        "<a@example.com>",
        "a@example..com",
        "ü@example.com",
        "a;b@example.com",
    ],
)
def test_check_recipient_refuses(address: str) -> None:
    with pytest.raises(ValueError, match="single mailbox"):
        check_recipient(address)


def test_default_mail(mailoutbox: Any, settings: Any) -> None:
    settings.DEFAULT_FROM_EMAIL = "Site <site@example.com>"
    provider = EmailProvider(from_email=None)
    url = "https://example.com/api/auth/callback/email?callbackUrl=x&token=t&email=a%40b.c"
    send_verification_request(
        identifier="a@b.c",
        url=url,
        token="t",
        expires=datetime(2030, 1, 1, tzinfo=timezone.utc),
        provider=provider,
        request=None,
    )
    (message,) = mailoutbox
    assert message.subject == "Sign in to example.com"
    assert message.from_email == "Site <site@example.com>"
    assert message.body == f"Sign in to example.com\n{url}\n\n" + (
        "If you did not request this email you can safely ignore it.\n"
    )
    html = message.alternatives[0][0]
    assert f'href="{url.replace("&", "&amp;")}"' in html and "<strong>example.com</strong>" in html


# --- a real SMTP server -----------------------------------------------------------------------


class Mailbox:
    """aiosmtpd handler: keeps every message it receives, as bytes."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    mailbox, port = Mailbox(), _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@pytest.mark.loopback
@pytest.mark.django_db
@pytest.mark.parametrize("version", ["v4", "v5"])
def test_through_a_real_smtp_server(smtp: tuple[Mailbox, int], nextauth: Any, version: str) -> None:
    mailbox, port = smtp
    cache.clear()
    nextauth(
        VERSION=version,
        PROVIDERS=[{"type": "email", "from": "Example <no-reply@example.com>"}],
    )
    client = Client()
    smtp_options = {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 10}
    backend: dict[str, Any] = (
        {"MAILERS": {"default": {"BACKEND": SMTP_BACKEND, "OPTIONS": smtp_options}}}
        if django.VERSION >= (6, 1)  # the EMAIL_* settings are deprecated there
        else {
            "EMAIL_BACKEND": SMTP_BACKEND,
            **{f"EMAIL_{k.upper()}": v for k, v in smtp_options.items()},
        }
    )
    with override_settings(**backend):
        csrf = client.get("/api/auth/csrf").json()["csrfToken"]
        body = urlencode({"csrfToken": csrf, "email": "Eve@Example.com"})
        answer = client.post("/api/auth/signin/email", body, content_type=FORM)
    assert answer.status_code == 302 and "/verify-request?" in answer["Location"]

    ((mail_from, rcpt_tos, raw),) = mailbox.messages
    assert (mail_from, rcpt_tos) == ("no-reply@example.com", ["eve@example.com"])
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert message["To"] == "eve@example.com"
    assert message["Subject"] == "Sign in to testserver"
    assert message["From"] == "Example <no-reply@example.com>"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    (link,) = re.findall(r"http://\S+", text.get_content())
    assert f'href="{link.replace("&", "&amp;")}"' in html.get_content()

    followed = client.get(link)
    assert followed.status_code == 302 and followed["Location"] == "http://testserver"
    assert client.get("/api/auth/session").json()["user"]["email"] == "eve@example.com"
