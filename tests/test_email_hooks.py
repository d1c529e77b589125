"""The e-mail provider's options and hooks, and what happens when they fail.

Settings validation; the ``send``, ``generate_token`` and ``normalize_identifier``
hooks (sync and async); the ``sign_in`` callback's three answers; a missing
adapter and an adapter that fails; the verify-request page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from django_nextauth import adapters
from django_nextauth.conf import nextauth_settings
from django_nextauth.db.adapter import DjangoAdapter
from django_nextauth.db.models import VerificationToken
from django_nextauth.dialect import dialect
from django_nextauth.email.limits import SendLimits
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.providers import get_provider
from django_nextauth.providers.email import EmailProvider
from tests.magic_link import follow_link

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
AUTH = "http://testserver/api/auth"
sent: list[dict[str, Any]] = []


def send_hook(**kwargs: Any) -> None:
    sent.append(kwargs)


async def async_send_hook(**kwargs: Any) -> None:
    sent.append(kwargs)


def failing_send(**kwargs: Any) -> None:
    raise ConnectionRefusedError("smtp down")


def fixed_token() -> str:
    return "fixed-token"


def no_token() -> str:
    return ""


def keep_case(identifier: str) -> str:
    return identifier.strip()


def empty_identifier(identifier: str) -> str:
    return ""


def deny(**kwargs: Any) -> bool:
    return False


def elsewhere(**kwargs: Any) -> str:
    return "/elsewhere"


def explode(**kwargs: Any) -> bool:
    raise RuntimeError("callback bug")


async def async_allow(**kwargs: Any) -> bool:
    return True


@pytest.fixture(autouse=True)
def _reset() -> None:
    sent.clear()
    cache.clear()


def ask(client: Client, email: str = "Eve@Example.com") -> Any:
    token = client.get("/api/auth/csrf").json()["csrfToken"]
    body = urlencode({"csrfToken": token, "email": email})
    return client.post("/api/auth/signin/email", body, content_type=FORM)


def email_error(version: str, v4_code: str) -> str:
    code = v4_code if dialect(version).step_error_codes else "Configuration"
    return f"{AUTH}/error?error={code}"


# --- settings ---------------------------------------------------------------------------------


def test_defaults() -> None:
    provider = EmailProvider.from_settings({"type": "email"}, "X")
    assert isinstance(provider, EmailProvider)
    assert (provider.id, provider.name, provider.type) == ("email", "Email", "email")
    assert provider.max_age == 86400 and provider.allow_sign_up is True
    assert provider.rate_limit == SendLimits(email=5, ip=20, window=3600)
    assert provider.send is None and provider.from_email is None


def test_nodemailer_id(nextauth: Any) -> None:
    nextauth(PROVIDERS=[{"type": "email", "id": "nodemailer", "name": "Email"}])
    provider = get_provider("nodemailer")
    assert isinstance(provider, EmailProvider) and provider.type == "email"


@pytest.mark.parametrize(
    ("option", "value", "where"),
    [
        ("from", "", "['from']"),
        ("from", 3, "['from']"),
        ("max_age", 0, "['max_age']"),
        ("max_age", True, "['max_age']"),
        ("max_age", "1", "['max_age']"),
        ("allow_sign_up", "no", "['allow_sign_up']"),
        ("send", "no.such.module", "['send']"),
        ("send", 3, "['send']"),
        ("generate_token", "nope.nope", "['generate_token']"),
        ("normalize_identifier", 1, "['normalize_identifier']"),
        ("rate_limit", [], "['rate_limit']"),
        ("rate_limit", {"EMAILS": 1}, "['rate_limit']"),
        ("rate_limit", {"EMAIL": -1}, "['rate_limit']['EMAIL']"),
        ("rate_limit", {"IP": 1.5}, "['rate_limit']['IP']"),
        ("rate_limit", {"IP": True}, "['rate_limit']['IP']"),
        ("rate_limit", {"WINDOW": 0}, "['rate_limit']['WINDOW']"),
        ("rate_limit", {"WINDOW": None}, "['rate_limit']['WINDOW']"),
    ],
)
def test_bad_options(option: str, value: Any, where: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        EmailProvider.from_settings({"type": "email", option: value}, "HERE")
    assert str(info.value).startswith(f"HERE{where}")


def test_rate_limit_option() -> None:
    raw = {"EMAIL": None, "IP": 0, "WINDOW": 10}
    assert SendLimits.from_setting(raw, "x") == SendLimits(email=None, ip=0, window=10)


def test_signin_page_has_the_email_form(client: Client, email_setup: Any) -> None:
    page = client.get("/api/auth/signin").content.decode()
    assert f'action="{AUTH}/signin/email"' in page
    assert (
        '<input autocomplete="email" id="input-email-for-email-provider" name="email" '
        'placeholder="email@example.com" type="email" required>'
    ) in page
    assert "Sign in with Email" in page


# --- hooks ------------------------------------------------------------------------------------


@pytest.mark.parametrize("hook", ["send_hook", "async_send_hook"])
def test_send_hook(client: Client, email_setup: Any, hook: str, mailoutbox: Any) -> None:
    email_setup({"send": f"{__name__}.{hook}", "generate_token": f"{__name__}.fixed_token"})
    assert ask(client)["Location"] == f"{AUTH}/verify-request?provider=email&type=email"
    (call,) = sent
    assert set(call) == {"identifier", "url", "token", "expires", "provider", "request"}
    assert call["identifier"] == "eve@example.com" and call["token"] == "fixed-token"
    assert call["url"] == (
        f"{AUTH}/callback/email?callbackUrl=http%3A%2F%2Ftestserver"
        "&token=fixed-token&email=eve%40example.com"
    )
    assert isinstance(call["provider"], EmailProvider) and call["request"].method == "POST"
    assert not mailoutbox


def test_failed_send(client: Client, email_setup: Any, version: str) -> None:
    email_setup({"send": f"{__name__}.failing_send"})
    assert ask(client)["Location"] == email_error(version, "EmailSignin")
    assert not VerificationToken.objects.exists()  # the unsent link cannot be used


def test_empty_generated_token(
    client: Client, email_setup: Any, version: str, mailoutbox: Any
) -> None:
    email_setup({"generate_token": f"{__name__}.no_token"})
    assert ask(client)["Location"] == email_error(version, "EmailSignin")
    assert not mailoutbox


def test_normalize_identifier_hook(client: Client, email_setup: Any, mailoutbox: Any) -> None:
    email_setup({"normalize_identifier": f"{__name__}.keep_case"})
    ask(client, "  Eve@Example.com ")
    assert mailoutbox[0].to == ["Eve@Example.com"]


@pytest.mark.parametrize(("hook", "email"), [("keep_case", ""), ("empty_identifier", "a@b.c")])
def test_normalize_identifier_hook_refusals(
    client: Client, email_setup: Any, version: str, hook: str, email: str, mailoutbox: Any
) -> None:
    email_setup({"normalize_identifier": f"{__name__}.{hook}"})
    assert ask(client, email)["Location"] == email_error(version, "EmailSignin")
    assert not mailoutbox


@pytest.mark.parametrize("callback", ["deny", "explode"])
def test_sign_in_denies(
    client: Client, email_setup: Any, version: str, callback: str, mailoutbox: Any
) -> None:
    email_setup(CALLBACKS={"sign_in": f"{__name__}.{callback}"})
    assert ask(client)["Location"] == f"{AUTH}/error?error=AccessDenied"
    assert not mailoutbox and not VerificationToken.objects.exists()


def test_sign_in_redirects_through_the_redirect_callback(
    client: Client, email_setup: Any, mailoutbox: Any
) -> None:
    email_setup(CALLBACKS={"sign_in": f"{__name__}.elsewhere"})
    assert ask(client)["Location"] == "http://testserver/elsewhere"
    assert not mailoutbox


def test_async_sign_in(client: Client, email_setup: Any, mailoutbox: Any) -> None:
    email_setup(CALLBACKS={"sign_in": f"{__name__}.async_allow"})
    ask(client)
    assert len(mailoutbox) == 1


# --- adapter ----------------------------------------------------------------------------------


def test_needs_an_adapter(
    client: Client, email_setup: Any, monkeypatch: Any, mailoutbox: Any
) -> None:
    monkeypatch.setattr(adapters, "get_adapter", lambda: None)
    response = ask(client)
    assert response.status_code == 500 and not mailoutbox
    assert client.get("/api/auth/callback/email?token=x&email=a%40b.c").status_code == 500


def test_storing_fails(client: Client, email_setup: Any, version: str, monkeypatch: Any) -> None:
    def broken(*args: Any) -> None:
        raise RuntimeError("db down")

    monkeypatch.setattr(DjangoAdapter, "create_verification_token", broken)
    assert ask(client)["Location"] == email_error(version, "EmailSignin")


def _link(client: Client, mailoutbox: Any) -> str:
    ask(client)
    (line,) = [x for x in mailoutbox[-1].body.split() if x.startswith("http")]
    return str(line)


def test_creating_the_user_fails(
    client: Client, email_setup: Any, version: str, monkeypatch: Any, mailoutbox: Any
) -> None:
    link = _link(client, mailoutbox)

    def broken(*args: Any) -> None:
        raise RuntimeError("constraint")

    monkeypatch.setattr(DjangoAdapter, "create_user", broken)
    assert follow_link(client, link)["Location"] == email_error(version, "EmailCreateAccount")


def test_marking_fails(
    client: Client, email_setup: Any, version: str, monkeypatch: Any, mailoutbox: Any
) -> None:
    link = _link(client, mailoutbox)

    def broken(*args: Any) -> None:
        raise RuntimeError("constraint")

    monkeypatch.setattr(DjangoAdapter, "mark_email_verified", broken)
    assert follow_link(client, link)["Location"] == email_error(version, "Callback")
    assert not get_user_model().objects.exists()  # rolled back with it


def test_rotated_secret_keeps_links_working(
    client: Client, email_setup: Any, version: str, mailoutbox: Any
) -> None:
    link = _link(client, mailoutbox)
    email_setup(SECRET=["a-new-secret-0123456789abcdef0123", nextauth_settings.secrets[0]])
    response = follow_link(client, link)
    # v4 hashed with the one secret it had; v5 hashes with the whole list joined.
    rotates = not dialect(version).csrf_joins_secrets
    assert ("error=Verification" not in response["Location"]) is rotates


# --- verify-request page ----------------------------------------------------------------------


def test_verify_request_page(client: Client, email_setup: Any) -> None:
    page = client.get("/api/auth/verify-request?provider=email&type=email")
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-cache, no-store"
    text = page.content.decode()
    assert "<title>Verify Request</title>" in text
    assert "<h1>Check your email</h1>" in text
    assert "A sign in link has been sent to your email address." in text
    assert '<a class="site" href="http://testserver">testserver</a>' in text


@pytest.mark.parametrize(
    ("page", "query", "expected"),
    [
        ("/check", "?provider=email&type=email", "/check?provider=email&type=email"),
        ("/check?a=1", "?provider=email", "/check?a=1&provider=email"),
        ("/check", "", "/check"),
    ],
)
def test_verify_request_custom_page(
    client: Client, email_setup: Any, monkeypatch: Any, page: str, query: str, expected: str
) -> None:
    # No settings key yet (the conf schema owns PAGES): stand one in.
    pages = {**nextauth_settings.PAGES, "VERIFY_REQUEST": page}
    monkeypatch.setattr(nextauth_settings, "PAGES", pages)
    response = client.get(f"/api/auth/verify-request{query}")
    assert response.status_code == 302
    assert response["Location"] == f"http://testserver{expected}"
