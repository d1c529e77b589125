"""The built-in pages under a strict Content Security Policy (``flow/responses.py``).

Every ``<style>`` and ``<script>`` of every page carries the nonce of the policy the CSP
middleware sent (Django 6's own, or one that sets ``request.csp_nonce``), and no element
has a ``style=`` attribute (a nonce does not cover those). Without a CSP middleware the
pages carry no nonce at all. ``tests/e2e/test_csp.py`` shows it in Chromium.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from django_nextauth.flow.responses import csp_nonce
from tests.testapp.csp import (
    DJANGO_MIDDLEWARE,
    HAS_DJANGO_CSP,
    NONCE_MIDDLEWARE,
    SECURE_CSP,
    policy_nonce,
)

GITHUB = {"provider": "github", "client_id": "x", "client_secret": "y"}
STYLED = {
    "id": "acme", "name": "Acme", "type": "oauth", "client_id": "x", "client_secret": "y",
    "authorization": "https://idp.example/authorize", "token": "https://idp.example/token",
    "userinfo": "https://idp.example/me", "style": {"bg": "rgb(1, 2, 3)", "text": "#abc"},
}  # fmt: skip
CREDENTIALS = {
    "type": "credentials",
    "credentials": {"username": {"label": "Username"}, "password": {"type": "password"}},
}
PAGES = [
    "/api/auth/signin",
    "/api/auth/signin?error=CredentialsSignin",
    "/api/auth/signout",
    "/api/auth/error?error=Verification",
    "/api/auth/error?error=nope",
    "/api/auth/verify-request",
]
MIDDLEWARE = [
    NONCE_MIDDLEWARE,
    pytest.param(
        DJANGO_MIDDLEWARE,
        marks=pytest.mark.skipif(not HAS_DJANGO_CSP, reason="Django's CSP middleware is 6.0+"),
    ),
]


class Tags(HTMLParser):
    """Every start tag of a page, with its attributes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def configure(settings: Any, nextauth: Any, middleware: str | None) -> None:
    # ``settings`` first: its overrides must be undone after ``nextauth``'s, not before.
    if middleware:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, middleware]
        settings.SECURE_CSP = SECURE_CSP
    nextauth(PROVIDERS=[GITHUB, STYLED, CREDENTIALS, {"type": "email"}])


@pytest.mark.django_db
@pytest.mark.parametrize("middleware", MIDDLEWARE)
@pytest.mark.parametrize("url", PAGES)
def test_every_style_has_the_policy_nonce(
    settings: Any, nextauth: Any, middleware: str, url: str
) -> None:
    configure(settings, nextauth, middleware)
    response = Client().get(url)
    assert response.status_code in (200, 403)
    nonce = policy_nonce(response["Content-Security-Policy"])
    assert nonce
    tags = Tags(response.content.decode()).tags
    assert [attrs.get("nonce") for tag, attrs in tags if tag in ("style", "script")] == [nonce]
    assert not [tag for tag, attrs in tags if "style" in attrs]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_no_nonce_without_a_csp_middleware(settings: Any, nextauth: Any, url: str) -> None:
    configure(settings, nextauth, None)
    response = Client().get(url)
    tags = Tags(response.content.decode()).tags
    assert [attrs for tag, attrs in tags if tag == "style"] == [{}]
    assert not [tag for tag, attrs in tags if "style" in attrs or "nonce" in attrs]


@pytest.mark.parametrize("middleware", MIDDLEWARE)
def test_the_configuration_error_page_has_the_nonce(
    settings: Any, nextauth: Any, middleware: str, caplog: Any
) -> None:
    configure(settings, nextauth, middleware)
    nextauth(PROVIDERS=[{"type": "nope"}])
    response = Client().get("/api/auth/signin")
    assert response.status_code == 500 and b"Server error" in response.content
    nonce = policy_nonce(response["Content-Security-Policy"])
    assert nonce and f'<style nonce="{nonce}">' in response.content.decode()


def test_provider_colours_are_rules_of_the_stylesheet(settings: Any, nextauth: Any) -> None:
    configure(settings, nextauth, None)
    page = Client().get("/api/auth/signin").content.decode()
    assert ".signin .provider-github { --provider-bg: #24292f; --provider-text: #fff; }" in page
    assert ".signin .provider-acme { --provider-bg: rgb(1, 2, 3); --provider-text: #abc; }" in page
    assert 'class="provider provider-github" id="provider-github"' in page
    assert 'class="provider provider-acme" id="provider-acme"' in page


def test_csp_nonce_without_middleware(rf: Any) -> None:
    assert csp_nonce(rf.get("/")) == ""
