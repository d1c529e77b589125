"""The passkey pieces of the Django pages: the sign-in form (static script, no inline
script), the management page (list, rename, remove, CSRF) and ``{% passkeys_url %}``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest

pytest.importorskip("webauthn", reason="the passkeys extra (py_webauthn) is not installed")
from django.core.cache import cache
from django.template import Context, Template
from django.test import Client

from django_nextauth.db.models import Account, Authenticator
from tests.authenticator import SoftAuthenticator
from tests.webauthn_flow import FORM, register

pytestmark = pytest.mark.django_db
PAGE = "/api/auth/passkeys/passkey"


@pytest.fixture(autouse=True)
def _site(nextauth: Callable[..., None]) -> None:
    cache.clear()
    nextauth(VERSION="v5", PROVIDERS=[{"type": "webauthn"}, {"type": "email"}])


def test_signin_page_offers_passkeys(client: Client) -> None:
    html = client.get("/api/auth/signin").content.decode()
    assert 'id="passkey-form"' in html and "data-nextauth-webauthn" in html
    assert 'data-options-url="http://testserver/api/auth/webauthn-options/passkey"' in html
    assert 'autocomplete="username webauthn"' in html and 'data-conditional-ui="true"' in html
    assert html.count('<script src="/static/nextauth/webauthn.js" defer></script>') == 1
    assert "<script>" not in html and " onclick" not in html and " onsubmit" not in html


def test_signed_out_visitor_goes_to_signin(client: Client) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("http://testserver/api/auth/signin?callbackUrl=")


@pytest.fixture
def owner(client: Client) -> SoftAuthenticator:
    key = SoftAuthenticator()
    register(client, key, "owner@example.com")
    return key


def _post(client: Client, **body: str) -> Any:
    token = client.get("/api/auth/csrf").json()["csrfToken"]
    return client.post(PAGE, urlencode({"csrfToken": token, **body}), content_type=FORM)


def test_list_rename_remove(client: Client, owner: SoftAuthenticator) -> None:
    row = Authenticator.objects.get()
    html = client.get(PAGE).content.decode()
    assert f'data-credential="{row.credential_id}"' in html and 'id="add-passkey"' in html
    assert (
        _post(client, op="rename", credential=row.credential_id, name=" My  phone ").status_code
        == 302
    )
    assert Authenticator.objects.get().name == "My phone"
    assert _post(client, op="delete", credential=row.credential_id).status_code == 302
    assert (
        not Authenticator.objects.exists() and not Account.objects.filter(type="webauthn").exists()
    )


def test_changes_need_the_csrf_token(client: Client, owner: SoftAuthenticator) -> None:
    row = Authenticator.objects.get()
    response = client.post(
        PAGE, urlencode({"op": "delete", "credential": row.credential_id}), content_type=FORM
    )
    assert response["Location"].endswith("?error=MissingCSRF")
    assert Authenticator.objects.exists()


def test_nobody_removes_another_users_passkey(client: Client, owner: SoftAuthenticator) -> None:
    row = Authenticator.objects.get()
    other = Client()
    register(other, SoftAuthenticator(), "other@example.com")
    _post(other, op="delete", credential=row.credential_id)
    assert Authenticator.objects.filter(pk=row.pk).exists()


def test_passkeys_url_tag() -> None:
    rendered = Template("{% load nextauth %}{% passkeys_url %}").render(Context())
    assert rendered == "/api/auth/passkeys/passkey"
