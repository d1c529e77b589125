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

import pytest
from aiosmtpd.controller import Controller
from django.core.cache import cache
from django.test import Client, override_settings

from django_nextauth.dialect import V4, V5
from django_nextauth.email.mail import check_recipient, has_mailers, send_verification_request
from django_nextauth.email.verification import (
    generate_token,
    hash_verification_token,
    search_params,
    token_secrets,
)
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.providers.email import EmailProvider
from tests.conftest import system_checks
from tests.magic_link import follow_link

FORM = "application/x-www-form-urlencoded"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"
needs_mailers = pytest.mark.skipif(not has_mailers(), reason="MAILERS is Django 6.1+")
before_mailers = pytest.mark.skipif(has_mailers(), reason="Django 6.1+ has MAILERS")


def test_tokens() -> None:
    token = generate_token()
    assert re.fullmatch(r"[0-9a-f]{64}", token) and token != generate_token()
    assert hash_verification_token("abc", "sec") == hashlib.sha256(b"abcsec").hexdigest()


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


def smtp_settings(port: int) -> dict[str, Any]:
    """The settings that send mail to the test's SMTP server: on Django 6.1+ through the
    provider's own ``MAILERS`` alias ("links", beside a locmem "default"), else EMAIL_*."""
    if has_mailers():
        options = {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 10}
        return {
            "MAILERS": {
                "default": {"BACKEND": LOCMEM},
                "links": {"BACKEND": SMTP, "OPTIONS": options},
            }
        }
    return {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": port,
        "EMAIL_USE_TLS": False,
        "EMAIL_TIMEOUT": 10,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["v4", "v5"])
@pytest.mark.loopback  # a real SMTP server (aiosmtpd) in this process
def test_through_a_real_smtp_server(
    smtp: tuple[Mailbox, int], nextauth: Any, version: str, mailoutbox: Any
) -> None:
    mailbox, port = smtp
    cache.clear()
    provider = {"type": "email", "from": "Example <no-reply@example.com>"}
    if has_mailers():
        provider["mailer"] = "links"
    nextauth(VERSION=version, PROVIDERS=[provider])
    client = Client()
    with override_settings(**smtp_settings(port)):
        csrf = client.get("/api/auth/csrf").json()["csrfToken"]
        body = urlencode({"csrfToken": csrf, "email": "Eve@Example.com"})
        answer = client.post("/api/auth/signin/email", body, content_type=FORM)
    assert not mailoutbox  # not through the default mailer
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

    followed = follow_link(client, link)
    assert followed.status_code == 302 and followed["Location"] == "http://testserver"
    assert client.get("/api/auth/session").json()["user"]["email"] == "eve@example.com"


# --- the mailer option ------------------------------------------------------------------------


def test_mailer_defaults_to_default() -> None:
    provider = EmailProvider.from_settings({"type": "email"}, "X")
    assert isinstance(provider, EmailProvider) and provider.mailer == "default"


@pytest.mark.parametrize("alias", ["", 3, None])
def test_mailer_must_be_an_alias(alias: Any) -> None:
    with pytest.raises(ConfigurationError, match=r"^X\['mailer'\] must be a MAILERS alias"):
        EmailProvider.from_settings({"type": "email", "mailer": alias}, "X")


@needs_mailers
def test_mailer_is_a_mailers_alias(settings: Any) -> None:
    settings.MAILERS = {"default": {"BACKEND": LOCMEM}, "links": {"BACKEND": LOCMEM}}
    provider = EmailProvider.from_settings({"type": "email", "mailer": "links"}, "X")
    assert isinstance(provider, EmailProvider) and provider.mailer == "links"
    with pytest.raises(ConfigurationError, match=r"'nope' is not in settings.MAILERS.*'links'"):
        EmailProvider.from_settings({"type": "email", "mailer": "nope"}, "X")


@needs_mailers
def test_unknown_mailer_fails_check_e004(nextauth: Any) -> None:
    nextauth(PROVIDERS=[{"type": "email", "mailer": "nope"}])
    (error,) = [m for m in system_checks() if m.id == "django_nextauth.E004"]
    assert "'nope' is not in settings.MAILERS" in error.msg


@needs_mailers
def test_default_mailer_without_mailers_setting(settings: Any) -> None:
    # A 6.1 project still on EMAIL_* settings: Django builds "default" from them.
    del settings.MAILERS
    provider = EmailProvider.from_settings({"type": "email"}, "X")
    assert isinstance(provider, EmailProvider) and provider.mailer == "default"
    with pytest.raises(ConfigurationError, match="aliases: 'default'"):
        EmailProvider.from_settings({"type": "email", "mailer": "links"}, "X")


@needs_mailers
def test_sends_through_the_named_mailer(settings: Any, mailoutbox: Any) -> None:
    dummy = "django.core.mail.backends.dummy.EmailBackend"  # drops what it is given
    settings.MAILERS = {"default": {"BACKEND": dummy}, "links": {"BACKEND": LOCMEM}}
    provider = EmailProvider.from_settings({"type": "email", "mailer": "links"}, "X")
    assert isinstance(provider, EmailProvider)
    send_verification_request(
        identifier="a@b.c",
        url="https://example.com/x",
        token="t",
        expires=datetime(2030, 1, 1, tzinfo=timezone.utc),
        provider=provider,
        request=None,
    )
    ((message,),) = [mailoutbox]
    assert message.to == ["a@b.c"]


@before_mailers
def test_other_mailer_needs_django_6_1() -> None:
    with pytest.raises(ConfigurationError, match=r"'links' needs Django 6.1\+"):
        EmailProvider.from_settings({"type": "email", "mailer": "links"}, "X")
    assert EmailProvider.from_settings({"type": "email", "mailer": "default"}, "X")
