"""Chromium on the built-in sign-in page: "Sign in with Corp SSO" against the real IdP.

Django (``tests.settings``, served from a thread: pytest-django's ``live_server`` would
set up a database after the package's Playwright loop started) lists an OIDC provider
(discovery, pkce + state + nonce) served by npm's oidc-provider
(``tests/interop/idp/``). The browser clicks the provider's button, signs in on the
IdP's login form and comes back signed in, for v4 and v5.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core.wsgi import get_wsgi_application
from django.test import override_settings
from playwright.sync_api import Browser, expect

from tests.interop.idp.harness import CLIENTS, IdP, start_idp

# NextAuth without an adapter (nothing stored: sub is the provider's id).
pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("no_adapter")]

SECRET = "e2e-oauth-secret-0123456789abcdefghij"


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """Django's WSGI application on a free loopback port (no database needed)."""
    server = make_server("127.0.0.1", 0, get_wsgi_application(), _Server, _Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def idp(site: str) -> Iterator[IdP]:
    with start_idp([f"{site}/api/auth/callback/corp"]) as server:
        yield server


@pytest.mark.parametrize("version", ["v4", "v5"])
def test_sign_in_page_oauth_button(site: str, idp: IdP, browser: Browser, version: str) -> None:
    client_id, secret, _ = CLIENTS["basic"]
    corp = {
        "id": "corp", "name": "Corp SSO", "type": "oidc", "issuer": idp.issuer,
        "client_id": client_id, "client_secret": secret, "checks": ["pkce", "state", "nonce"],
    }  # fmt: skip
    family = "next-auth" if version == "v4" else "authjs"
    nextauth = {"SECRET": SECRET, "VERSION": version, "PROVIDERS": [corp]}
    context = browser.new_context(base_url=site)
    try:
        with override_settings(NEXTAUTH=nextauth, DEBUG=True):  # an http://127.0.0.1 IdP
            page = context.new_page()
            page.goto("/api/auth/signin?callbackUrl=/session/")
            button = page.get_by_role("button", name="Sign in with Corp SSO")
            expect(button).to_be_visible()
            button.click()
            page.wait_for_url(f"{idp.issuer}/interaction/**")
            checks = {c["name"] for c in context.cookies() if c["name"].startswith(family)}
            assert {f"{family}.state", f"{family}.pkce.code_verifier", f"{family}.nonce"} <= checks
            page.fill("input[name=login]", "alice")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{site}/session/")
            session = json.loads(page.locator("body").inner_text())["session"]
            assert session["user"]["name"] == "Alice Liddell"
            assert session["user"]["email"] == "alice@example.com"
            names = {c["name"] for c in context.cookies()}
            assert f"{family}.session-token" in names
            assert not names & {f"{family}.state", f"{family}.pkce.code_verifier"}
            assert urlsplit(page.url).path == "/session/"
    finally:
        context.close()
