"""The magic link's confirmation page (``providers/email_confirm.py``) and the POST it leads to.

A GET or HEAD of the link spends nothing and signs nobody in (mail scanners, login
CSRF); the page says whom the link signs in and whom the browser is signed in as;
only its form's POST, CSRF- and Origin-checked, uses the token. Bad links are clean
refusals with the version's code, never a 5xx.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from django.core import mail
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_nextauth.db.models import Session, VerificationToken
from django_nextauth.dialect import dialect
from django_nextauth.email.verification import read_link
from django_nextauth.errors import ErrorCode
from django_nextauth.providers.email_confirm import mask_address
from tests.conftest import CLAIMS
from tests.magic_link import FORM, confirm, follow_link, read_form

pytestmark = pytest.mark.django_db

AUTH = "http://testserver/api/auth"
AFTER = "http://testserver/after"
LINK = re.compile(r"http://testserver/api/auth/callback/email\?\S+")


def ask(client: Client, email: str = "eve@example.com") -> str:
    """Have a link mailed to ``email`` (from a client of its own); the link."""
    sender = Client()
    token = sender.get("/api/auth/csrf").json()["csrfToken"]
    body = {"csrfToken": token, "email": email, "callbackUrl": AFTER}
    sender.post("/api/auth/signin/email", urlencode(body), content_type=FORM)
    match = LINK.search(mail.outbox[-1].body)
    assert match is not None
    return match.group(0)


def session_set(response: Any, version: str) -> list[str]:
    """Session cookies the answer sets or deletes (any chunk)."""
    name = dialect(version).cookie("session_token", secure=False)
    return [key for key in response.cookies if key == name or key.startswith(f"{name}.")]


def missing_csrf(version: str) -> str:
    if dialect(version).errors_via_error_route:
        return f"{AUTH}/signin?csrf=true"
    return f"{AUTH}/signin?error=MissingCSRF"


def test_the_page(client: Client, email_setup: Any, version: str, mailoutbox: Any) -> None:
    link = ask(client, "dave@gmail.com")
    page = client.get(link)
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-cache, no-store"
    assert page["Referrer-Policy"] == "strict-origin" and page["X-Frame-Options"] == "DENY"
    text = page.content.decode()
    assert "<title>Sign In</title>" in text
    assert 'Sign in as <strong class="address">d***@gmail.com</strong>?' in text
    assert "dave@gmail.com" not in text.replace('value="dave@gmail.com"', "")
    assert "data-signed-in-as" not in text
    action, fields = read_form(text)
    query = {key: values[0] for key, values in parse_qs(urlsplit(link).query).items()}
    assert action == f"{AUTH}/callback/email"
    assert fields == {
        "csrfToken": fields["csrfToken"],
        "callbackUrl": AFTER,
        "token": query["token"],
        "email": "dave@gmail.com",
    }
    csrf_cookie = client.cookies[dialect(version).cookie("csrf_token", secure=False)].value
    assert csrf_cookie.startswith(fields["csrfToken"] + "|")
    assert not session_set(page, version)
    assert VerificationToken.objects.count() == 1


def test_no_inline_styles_or_handlers(client: Client, email_setup: Any, mailoutbox: Any) -> None:
    # Another page of ours may carry a nonce'd <style>; this one needs nothing inline.
    page = client.get(ask(client))
    assert page.status_code == 200
    tags = re.findall(r"<[a-z][^>]*>", page.content.decode())
    assert '<button type="submit">' in tags
    assert not [tag for tag in tags if re.search(r"\s(style|on[a-z]+)=", tag)]


def test_get_and_head_never_use_the_token(
    client: Client, email_setup: Any, version: str, mailoutbox: Any
) -> None:
    link = ask(client)
    scanner = Client()  # a mail scanner: no cookies, fetches the link over and over
    for _ in range(3):
        assert scanner.get(link).status_code == 200
        assert scanner.head(link).status_code == 200
    assert client.get(link).status_code == 200
    assert VerificationToken.objects.count() == 1
    signed_in = follow_link(client, link)
    assert signed_in["Location"] == AFTER and session_set(signed_in, version)
    assert not VerificationToken.objects.exists()


def test_head_shows_nothing_more(client: Client, email_setup: Any, mailoutbox: Any) -> None:
    head = client.head(ask(client))
    assert head.status_code == 200 and head["Referrer-Policy"] == "strict-origin"


def test_get_keeps_the_signed_in_session(
    signed_in_client: Client, email_setup: Any, version: str, mailoutbox: Any
) -> None:
    """Login CSRF: the attacker's link, opened in alice's browser, changes nothing."""
    link = ask(signed_in_client, "mallory@example.com")
    page = signed_in_client.get(link)
    assert page.status_code == 200 and not session_set(page, version)
    assert page["Vary"] == "Cookie"
    notice = (
        "You are signed in as <strong>a***@example.com</strong>. Continuing signs you in as "
        "<strong>m***@example.com</strong> instead."
    )
    assert notice in page.content.decode()
    session = signed_in_client.get("/api/auth/session").json()
    assert session["user"]["email"] == "alice@example.com"
    assert VerificationToken.objects.count() == 1


def test_get_leaves_even_a_renewable_session_cookie_alone(
    signed_in_client: Client, email_setup: Any, version: str, mailoutbox: Any
) -> None:
    # The middleware would renew this token on a page that reads the session.
    email_setup(SESSION={"SLIDING": True, "UPDATE_AGE": 0})
    link = ask(signed_in_client, "mallory@example.com")
    assert session_set(signed_in_client.get("/api/auth/session"), version)
    assert not session_set(signed_in_client.get(link), version)


def test_get_leaves_a_bad_session_cookie_alone(
    client: Client, email_setup: Any, version: str, mailoutbox: Any
) -> None:
    client.cookies[dialect(version).cookie("session_token", secure=False)] = "garbage"
    page = client.get(ask(client))
    assert page.status_code == 200 and not session_set(page, version)
    assert "data-signed-in-as" not in page.content.decode()


def test_database_sessions_too(
    client: Client, email_setup: Any, version: str, mailoutbox: Any
) -> None:
    email_setup(SESSION={"STRATEGY": "database", "SLIDING": True, "UPDATE_AGE": 0})
    assert session_set(follow_link(client, ask(client, "eve@example.com")), version)
    (row,) = Session.objects.all()
    page = client.get(ask(client, "mallory@example.com"))
    assert not session_set(page, version)
    assert "You are signed in as <strong>e***@example.com</strong>." in page.content.decode()
    assert list(Session.objects.values_list("pk", "expires")) == [(row.pk, row.expires)]


def test_no_notice_when_already_that_address(
    signed_in_client: Client, email_setup: Any, version: str, mailoutbox: Any
) -> None:
    page = signed_in_client.get(ask(signed_in_client, "alice@example.com"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "a***@example.com" in text and "data-signed-in-as" not in text


@pytest.mark.parametrize(
    ("claims", "shown"),
    [({"name": "Alice <3"}, "Alice &lt;3"), ({"sub": "1"}, "another account")],
)
def test_notice_without_an_address(
    client: Client,
    email_setup: Any,
    version: str,
    make_token: Callable[..., str],
    mailoutbox: Any,
    claims: dict[str, Any],
    shown: str,
) -> None:
    cookie = dialect(version).cookie("session_token", secure=False)
    client.cookies[cookie] = make_token({"sub": "1", **claims}, version=version)
    text = client.get(ask(client)).content.decode()
    assert f"You are signed in as <strong>{shown}</strong>." in text


def test_bearer_header_is_not_the_browser_session(
    client: Client, email_setup: Any, version: str, make_token: Callable[..., str], mailoutbox: Any
) -> None:
    bearer = {"Authorization": f"Bearer {make_token(CLAIMS, version=version)}"}
    page = client.get(ask(client), headers=bearer)
    assert page.status_code == 200 and "data-signed-in-as" not in page.content.decode()


def test_post_signs_in_over_the_current_session(
    signed_in_client: Client, email_setup: Any, version: str, mailoutbox: Any
) -> None:
    link = ask(signed_in_client, "mallory@example.com")
    response = follow_link(signed_in_client, link)
    assert response["Location"] == AFTER and session_set(response, version)
    session = signed_in_client.get("/api/auth/session").json()
    assert session["user"]["email"] == "mallory@example.com"


@pytest.mark.parametrize("csrf", ["", "0" * 64, None])
def test_post_without_the_csrf_token_spends_nothing(
    client: Client, email_setup: Any, version: str, mailoutbox: Any, csrf: str | None
) -> None:
    link = ask(client)
    page = client.get(link)
    action, fields = read_form(page.content.decode())
    if csrf is None:
        del fields["csrfToken"]
    else:
        fields["csrfToken"] = csrf
    response = client.post(action, urlencode(fields), content_type=FORM)
    assert response.status_code == 302 and response["Location"] == missing_csrf(version)
    assert not session_set(response, version)
    assert VerificationToken.objects.count() == 1
    assert session_set(confirm(client, page), version)  # the real form still works


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/page"},
    ],
)
def test_post_from_another_origin_spends_nothing(
    client: Client, email_setup: Any, version: str, mailoutbox: Any, headers: dict[str, str]
) -> None:
    page = client.get(ask(client))
    action, fields = read_form(page.content.decode())
    response = client.post(action, urlencode(fields), content_type=FORM, headers=headers)
    assert response["Location"] == missing_csrf(version) and not session_set(response, version)
    assert VerificationToken.objects.count() == 1


def test_json_post_is_checked_the_same(
    client: Client, email_setup: Any, version: str, mailoutbox: Any
) -> None:
    page = client.get(ask(client))
    action, fields = read_form(page.content.decode())
    answer = client.post(action, json.dumps(fields), content_type="application/json")
    assert answer["Location"] == AFTER and session_set(answer, version)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"token": ["a", "b"]}, "Verification"),
        ({"email": {"a": 1}}, "Verification"),
        ({"token": "\ud800" * 64}, "Verification"),
        ({"email": "eve@example.com\x00"}, "Verification"),
        ({"token": ""}, "Configuration"),
    ],
)
def test_bad_json_fields(
    client: Client,
    email_setup: Any,
    version: str,
    mailoutbox: Any,
    change: dict[str, Any],
    code: str,
) -> None:
    page = client.get(ask(client))
    action, fields = read_form(page.content.decode())
    body = json.dumps({**fields, **change})
    answer = client.post(action, body, content_type="application/json")
    assert answer.status_code == 302 and answer["Location"] == f"{AUTH}/error?error={code}"
    assert VerificationToken.objects.count() == 1


def _with(link: str, **params: str) -> str:
    query = {key: values[0] for key, values in parse_qs(urlsplit(link).query).items()}
    query.update(params)
    return f"{AUTH}/callback/email?" + "&".join(
        f"{key}={quote(value, safe='')}" for key, value in query.items() if value != "-"
    )


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"token": "-"}, "Configuration"),
        ({"token": ""}, "Configuration"),
        ({"email": "-"}, "Verification"),
        ({"email": ""}, "Verification"),
        ({"token": "ab\x00cd"}, "Verification"),
        ({"email": "eve@example.com\x00"}, "Verification"),
        ({"email": "eve\r\n@example.com"}, "Verification"),
        ({"token": "a" * 513}, "Verification"),
        ({"email": "e" * 310 + "@example.com"}, "Verification"),
    ],
)
@pytest.mark.parametrize("method", ["get", "head"])
def test_malformed_links_are_refused(
    client: Client,
    email_setup: Any,
    version: str,
    mailoutbox: Any,
    params: dict[str, str],
    code: str,
    method: str,
) -> None:
    response = getattr(client, method)(_with(ask(client), **params))
    assert response.status_code == 302
    assert response["Location"] == f"{AUTH}/error?error={code}"
    assert response["Referrer-Policy"] == "strict-origin"
    assert response["Cache-Control"] == "private, no-cache, no-store"
    assert not session_set(response, version)
    assert VerificationToken.objects.count() == 1


@pytest.mark.parametrize(
    ("identifier", "masked"),
    [
        ("dave@gmail.com", "d***@gmail.com"),
        ("d@gmail.com", "d***@gmail.com"),
        ("\u00e9ve@exa.mple", "\u00e9***@exa.mple"),
        ("a@b@example.com", "a***@example.com"),
        ("+15551234", "+***"),
    ],
)
def test_mask_address(identifier: str, masked: str) -> None:
    assert mask_address(identifier) == masked


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    token=st.none() | st.integers() | st.text(max_size=600),
    email=st.none() | st.lists(st.text(max_size=3)) | st.text(max_size=400),
)
def test_read_link_never_raises(token: object, email: object) -> None:
    result = read_link({"token": token, "email": email})
    if isinstance(result, ErrorCode):
        assert result in (ErrorCode.CONFIGURATION, ErrorCode.VERIFICATION)
    else:
        assert result == (token, email)
        assert "\x00" not in f"{token}{email}" and len(str(token)) <= 512
