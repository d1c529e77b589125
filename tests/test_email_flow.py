"""E-mail sign-in end to end through the routes, v4 and v5, with Django's locmem mail.

A link is asked for (``POST /signin/email``), read from the outbox, and followed
as a browser does (``GET /callback/email``, the confirmation page, then its form's
``POST``): new and known addresses, the JSON answers of both clients, and every
refusal (reused, expired, tampered, another address's, missing token or address)
with the version's error code, no session and never a 5xx. The page itself is
tested in ``test_email_confirm.py``.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from django_nextauth.db.models import Account, VerificationToken
from django_nextauth.dialect import dialect
from tests.conftest import SECRET
from tests.magic_link import follow_link

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
AUTH = "http://testserver/api/auth"
AFTER = "http://testserver/after"
LINK = re.compile(r"http://testserver/api/auth/callback/email\?\S+")

calls: list[dict[str, Any]] = []


def recording_sign_in(**kwargs: Any) -> bool | str:
    calls.append(kwargs)
    return True


def jwt_recorder(**kwargs: Any) -> dict[str, Any]:
    calls.append({"jwt": True, **kwargs})
    return dict(kwargs["token"])


@pytest.fixture(autouse=True)
def _reset() -> None:
    calls.clear()
    cache.clear()


def ask(client: Client, email: Any, *, headers: dict[str, str] | None = None, **extra: Any) -> Any:
    """``POST /signin/email`` with a valid CSRF token, as the sign-in page's form does."""
    token = client.get("/api/auth/csrf").json()["csrfToken"]
    data = {"csrfToken": token, "email": email, "callbackUrl": AFTER, **extra}
    return client.post(
        "/api/auth/signin/email", urlencode(data), content_type=FORM, headers=headers or {}
    )


def link_of(message: Any) -> str:
    match = LINK.search(message.body)
    assert match is not None
    return match.group(0)


def session_cookies(response: Any, version: str) -> list[str]:
    name = dialect(version).cookie("session_token", secure=False)
    return [key for key, morsel in response.cookies.items() if key == name and morsel.value]


def error_url(version: str, code: str) -> str:
    return f"{AUTH}/error?error={code}"


def test_new_address_signs_up(
    client: Client, email_setup: Any, version: str, mailoutbox: Any
) -> None:
    email_setup(CALLBACKS={"jwt": f"{__name__}.jwt_recorder"})
    response = ask(client, "  Eve@Example.COM ")
    assert response.status_code == 302
    assert response["Location"] == f"{AUTH}/verify-request?provider=email&type=email"
    (message,) = mailoutbox
    assert message.to == ["eve@example.com"]
    assert message.subject == "Sign in to testserver"
    assert message.from_email == "webmaster@localhost"
    link = link_of(message)
    html, mime = message.alternatives[0]
    assert mime == "text/html" and link.replace("&", "&amp;") in html
    query = parse_qs(urlsplit(link).query)
    token = query["token"][0]
    assert re.fullmatch(r"[0-9a-f]{64}", token)
    assert query["email"] == ["eve@example.com"] and query["callbackUrl"] == [AFTER]
    # Only the hash is stored, made as NextAuth's hashToken makes it.
    (row,) = VerificationToken.objects.all()
    assert row.token == hashlib.sha256(f"{token}{SECRET}".encode()).hexdigest()
    assert row.identifier == "eve@example.com"
    assert timedelta(hours=23, minutes=59) < row.expires - timezone.now() <= timedelta(hours=24)

    followed = follow_link(client, link)
    assert followed.status_code == 302 and followed["Location"] == AFTER
    assert session_cookies(followed, version)
    user = get_user_model().objects.get(email="eve@example.com")
    assert Account.objects.filter(user=user, type="email", provider="email").exists()
    (jwt_call,) = [c for c in calls if c.get("jwt")]
    assert jwt_call["trigger"] == "signUp" and jwt_call["is_new_user"] is True
    assert jwt_call["token"]["sub"] == str(user.pk)
    assert jwt_call["account"]["type"] == "email"
    session = client.get("/api/auth/session").json()
    assert session["user"]["email"] == "eve@example.com"
    assert not VerificationToken.objects.exists()


def test_known_address_signs_in(
    client: Client, email_setup: Any, version: str, alice: Any, mailoutbox: Any
) -> None:
    email_setup(CALLBACKS={"jwt": f"{__name__}.jwt_recorder"})
    ask(client, "ALICE@example.com")
    followed = follow_link(client, link_of(mailoutbox[0]))
    assert followed["Location"] == AFTER and session_cookies(followed, version)
    assert get_user_model().objects.count() == 1
    assert Account.objects.get(provider="email").user == alice
    (jwt_call,) = [c for c in calls if c.get("jwt")]
    assert jwt_call["trigger"] == "signIn" and jwt_call["token"]["sub"] == str(alice.pk)


def test_json_answers(client: Client, email_setup: Any, version: str, mailoutbox: Any) -> None:
    verify = f"{AUTH}/verify-request?provider=email&type=email"
    v4 = ask(client, "eve@example.com", json="true")
    assert (v4.status_code, v4.json()) == (200, {"url": verify})
    v5 = ask(client, "eve@example.com", headers={"X-Auth-Return-Redirect": "1"})
    assert (v5.status_code, v5.json()) == (200, {"url": verify})
    assert len(mailoutbox) == 2


def test_sign_in_callback_sees_the_verification_request(
    client: Client, email_setup: Any, version: str, mailoutbox: Any
) -> None:
    email_setup(CALLBACKS={"sign_in": f"{__name__}.recording_sign_in"})
    ask(client, "eve@example.com")
    (call,) = calls
    assert call["email"] == {"verificationRequest": True}
    user, account = call["user"], call["account"]
    assert user["email"] == "eve@example.com" and user["emailVerified"] is None
    placeholder = dialect(version).email_placeholder_id
    if placeholder == "email":
        assert user["id"] == account["userId"] == "eve@example.com"
    else:
        assert re.fullmatch(r"[0-9a-f-]{36}", user["id"]) and account["userId"] == user["id"]
    assert account["providerAccountId"] == "eve@example.com"
    assert (account["type"], account["provider"]) == ("email", "email")
    follow_link(client, link_of(mailoutbox[0]))
    assert "email" not in calls[1] and calls[1]["account"]["type"] == "email"


def test_reused_link(client: Client, email_setup: Any, version: str, mailoutbox: Any) -> None:
    ask(client, "eve@example.com")
    link = link_of(mailoutbox[0])
    assert session_cookies(follow_link(client, link), version)
    client.cookies.clear()
    again = follow_link(client, link)
    assert again.status_code == 302
    assert again["Location"] == error_url(version, "Verification")
    assert not session_cookies(again, version)


def _refused(
    client: Client, version: str, link: str, code: str = "Verification", *, page: bool = True
) -> None:
    """The link is refused with ``code``: by its form's POST, or (``page=False``: a link that
    cannot be one) by the GET already."""
    response = follow_link(client, link) if page else client.get(link)
    assert response.status_code == 302
    assert response["Location"] == error_url(version, code)
    assert not session_cookies(response, version)


def test_expired_link(client: Client, email_setup: Any, version: str, mailoutbox: Any) -> None:
    ask(client, "eve@example.com")
    VerificationToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    _refused(client, version, link_of(mailoutbox[0]))
    assert not VerificationToken.objects.exists()  # used up all the same


def test_tampered_token(client: Client, email_setup: Any, version: str, mailoutbox: Any) -> None:
    ask(client, "eve@example.com")
    link = link_of(mailoutbox[0])
    token = parse_qs(urlsplit(link).query)["token"][0]
    flipped = token[:-1] + ("0" if token[-1] != "0" else "1")
    _refused(client, version, link.replace(token, flipped))
    assert VerificationToken.objects.count() == 1  # the real link still works
    assert session_cookies(follow_link(client, link), version)


def test_another_addresses_token(
    client: Client, email_setup: Any, version: str, mailoutbox: Any
) -> None:
    ask(client, "eve@example.com")
    ask(client, "mallory@example.com")
    eve_link, mallory_link = link_of(mailoutbox[0]), link_of(mailoutbox[1])
    mallory_token = parse_qs(urlsplit(mallory_link).query)["token"][0]
    eve_token = parse_qs(urlsplit(eve_link).query)["token"][0]
    _refused(client, version, eve_link.replace(eve_token, mallory_token))
    assert not get_user_model().objects.exists()


def test_missing_token_or_address(
    client: Client, email_setup: Any, version: str, mailoutbox: Any
) -> None:
    ask(client, "eve@example.com")
    link = link_of(mailoutbox[0])
    without_token = re.sub(r"&token=[0-9a-f]+", "", link)
    _refused(client, version, without_token, "Configuration", page=False)
    without_email = re.sub(r"&email=[^&]+", "", link)
    _refused(client, version, without_email, page=False)
    assert session_cookies(follow_link(client, link), version)


@pytest.mark.parametrize("address", ["", "no-at-sign", "a@b@example.com", '"a"@example.com'])
def test_refused_addresses(
    client: Client, email_setup: Any, version: str, mailoutbox: Any, address: str
) -> None:
    response = ask(client, address)
    code = "EmailSignin" if dialect(version).step_error_codes else "Configuration"
    assert response.status_code == 302 and response["Location"] == error_url(version, code)
    assert not mailoutbox and not VerificationToken.objects.exists()


def test_domain_without_a_dot(
    client: Client, email_setup: Any, version: str, mailoutbox: Any
) -> None:
    ask(client, "root@localhost")
    assert len(mailoutbox) == (0 if dialect(version).email_domain_needs_dot else 1)


def test_csrf_is_required(client: Client, email_setup: Any, version: str, mailoutbox: Any) -> None:
    client.get("/api/auth/csrf")
    response = client.post("/api/auth/signin/email", "email=eve%40example.com", content_type=FORM)
    assert response.status_code == 302
    assert "csrf=true" in response["Location"] or "error=MissingCSRF" in response["Location"]
    forged = client.post(
        "/api/auth/signin/email", f"email=eve%40example.com&csrfToken={'0' * 64}", content_type=FORM
    )
    assert forged.status_code == 302 and not mailoutbox


def test_same_answer_for_known_and_unknown_addresses(
    client: Client, email_setup: Any, version: str, alice: Any, mailoutbox: Any
) -> None:
    known, unknown = ask(client, "alice@example.com"), ask(client, "nobody@example.com")
    assert (known.status_code, known["Location"], known.content) == (
        unknown.status_code,
        unknown["Location"],
        unknown.content,
    )
    assert len(mailoutbox) == 2


def test_no_sign_up(
    client: Client, email_setup: Any, version: str, alice: Any, mailoutbox: Any
) -> None:
    email_setup({"allow_sign_up": False})
    known, unknown = ask(client, "alice@example.com"), ask(client, "nobody@example.com")
    assert known["Location"] == unknown["Location"] and known.content == unknown.content
    (message,) = mailoutbox
    assert message.to == ["alice@example.com"]
    alice.delete()  # the account went away before its link was used
    _refused(client, version, link_of(message), "AccessDenied")
    assert not get_user_model().objects.exists()


def test_send_limit_per_address(
    client: Client, email_setup: Any, version: str, mailoutbox: Any
) -> None:
    email_setup({"rate_limit": {"EMAIL": 2, "IP": None}})
    assert [ask(client, "eve@example.com").status_code for _ in range(2)] == [302, 302]
    refused = ask(client, "EVE@example.com")
    assert refused["Location"] == error_url(version, "TooManyAttempts")
    assert refused["Retry-After"] == "3600"
    json_refused = ask(client, "eve@example.com", json="true")
    assert json_refused.status_code == 429
    assert ask(client, "someone@example.com").status_code == 302
    assert len(mailoutbox) == 3


def test_send_limit_per_ip(client: Client, email_setup: Any, version: str, mailoutbox: Any) -> None:
    email_setup({"rate_limit": {"EMAIL": 0, "IP": 2, "WINDOW": 60}})
    ask(client, "a@example.com")
    ask(client, "b@example.com")
    refused = ask(client, "c@example.com")
    assert refused["Location"] == error_url(version, "TooManyAttempts")
    assert refused["Retry-After"] == "60"
    assert len(mailoutbox) == 2
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert ask(other, "c@example.com")["Location"].startswith(f"{AUTH}/verify-request")


def test_a_refused_client_does_not_use_up_the_address(
    client: Client, email_setup: Any, version: str, mailoutbox: Any
) -> None:
    email_setup({"rate_limit": {"EMAIL": 2, "IP": 1}})
    ask(client, "eve@example.com")
    for _ in range(3):  # over the IP limit: refused before the address is counted
        assert "TooManyAttempts" in ask(client, "eve@example.com")["Location"]
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert ask(other, "eve@example.com")["Location"].startswith(f"{AUTH}/verify-request")
    assert len(mailoutbox) == 2
