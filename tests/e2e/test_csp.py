"""Chromium on the built-in pages under a strict Content Security Policy.

The same pages are served twice by Django (``tests.settings``, from threads as in
``test_oauth.py``): once plainly, once behind a CSP middleware sending
``default-src 'self'; style-src 'self' 'nonce-...'; script-src 'self' 'nonce-...'``
(Django 6's own middleware where it exists, and on every Django one that sets
``request.csp_nonce`` as django-csp does). Under the policy the browser reports no
violation, and every page looks as it does without it: the same computed styles, and
styled at all (the provider colours, the page's font and background).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import override_settings
from playwright.sync_api import Browser, ConsoleMessage

from tests.settings import MIDDLEWARE, NEXTAUTH_TEST_SECRET
from tests.testapp.csp import (
    DJANGO_MIDDLEWARE,
    HAS_DJANGO_CSP,
    NONCE_MIDDLEWARE,
    SECURE_CSP,
    policy_nonce,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("no_adapter")]

GITHUB = {"provider": "github", "client_id": "x", "client_secret": "y"}
ACME = {
    "id": "acme", "name": "Acme", "type": "oauth", "client_id": "x", "client_secret": "y",
    "authorization": "https://idp.example/authorize", "token": "https://idp.example/token",
    "userinfo": "https://idp.example/me", "style": {"bg": "#0a7d3b", "text": "#fff"},
}  # fmt: skip
CREDENTIALS = {
    "type": "credentials",
    "credentials": {"username": {"label": "Username"}, "password": {"type": "password"}},
}
NEXTAUTH = {"SECRET": NEXTAUTH_TEST_SECRET, "PROVIDERS": [GITHUB, ACME, CREDENTIALS]}
PAGES = [
    "/api/auth/signin",
    "/api/auth/signin?error=CredentialsSignin",
    "/api/auth/signout",
    "/api/auth/error?error=Verification",
    "/api/auth/verify-request",
]
#: Records what the policy blocked; added through the DevTools protocol, so the page's
#: own policy does not apply to it.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
"""
#: The computed styles that show the stylesheet and the provider colours applied.
COMPUTED = """() => {
  const pick = (selector, ...names) => {
    const element = document.querySelector(selector);
    if (!element) return null;
    const style = getComputedStyle(element);
    return Object.fromEntries(names.map((name) => [name, style.getPropertyValue(name)]));
  };
  return {
    body: pick("body", "background-color", "color", "font-family", "display"),
    card: pick(".card", "background-color", "border-radius", "padding-top", "max-width"),
    h1: pick("h1", "font-size"),
    main: pick("main", "max-width"),
    github: pick("#provider-github", "background-color", "color", "border-top-width"),
    acme: pick("#provider-acme", "background-color", "color"),
    submit: pick("button:not(.provider)", "background-color", "color", "border-radius"),
    alert: pick(".alert", "background-color", "color"),
  };
}"""


ICON = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1"/></svg>'


def with_favicon(application: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """The site's own /favicon.ico, as a real site has: under a CSP the pages leave out
    their inline data: icon, so the browser asks for it."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ["PATH_INFO"] == "/favicon.ico":
            start_response("200 OK", [("Content-Type", "image/svg+xml")])
            return [ICON]
        return application(environ, start_response)

    return app


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def serve(middleware: list[str]) -> Iterator[str]:
    """Django's WSGI application with this ``MIDDLEWARE``, on a free loopback port."""
    with override_settings(MIDDLEWARE=middleware):
        application = WSGIHandler()  # loads the middleware now
    server = make_server("127.0.0.1", 0, with_favicon(application), _Server, _Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def plain() -> Iterator[str]:
    with serve(MIDDLEWARE) as url:
        yield url


def visit(browser: Browser, url: str) -> tuple[dict[str, Any], list[str], str]:
    """The page's computed styles, what the browser complained about, and its policy."""
    context = browser.new_context()
    try:
        page = context.new_page()
        complaints: list[str] = []

        def on_console(message: ConsoleMessage) -> None:
            # The error page's own 403 is logged as a failed load: it is the page, not a miss.
            own_status = message.location.get("url") == url and "Failed to load" in message.text
            if message.type != "log" and not own_status:
                complaints.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: complaints.append(str(error)))
        page.add_init_script(WATCH_VIOLATIONS)
        response = page.goto(url)
        assert response is not None
        page.wait_for_load_state("load")
        complaints += page.evaluate("window.__violations")
        policy = response.headers.get("content-security-policy", "")
        return page.evaluate(COMPUTED), complaints, policy
    finally:
        context.close()


@pytest.mark.parametrize(
    "middleware",
    [
        NONCE_MIDDLEWARE,
        pytest.param(
            DJANGO_MIDDLEWARE,
            marks=pytest.mark.skipif(not HAS_DJANGO_CSP, reason="Django's CSP middleware is 6.0+"),
        ),
    ],
)
def test_pages_keep_their_look_under_a_strict_policy(
    browser: Browser, plain: str, middleware: str
) -> None:
    with (
        override_settings(NEXTAUTH=NEXTAUTH, SECURE_CSP=SECURE_CSP),
        serve([*MIDDLEWARE, middleware]) as strict,
    ):
        for path in PAGES:
            expected, plain_complaints, _ = visit(browser, plain + path)
            styles, complaints, policy = visit(browser, strict + path)
            assert policy_nonce(policy), policy  # the policy was on, with a nonce
            assert complaints == [] and plain_complaints == [], path
            assert styles == expected, path
            # ... and styled at all, not equally bare.
            assert styles["body"]["display"] == "flex"
            assert "system-ui" in styles["body"]["font-family"]
            assert styles["card"]["border-radius"] == "12px"
            if path == "/api/auth/signin":
                assert styles["github"]["background-color"] == "rgb(36, 41, 47)"
                assert styles["github"]["color"] == "rgb(255, 255, 255)"
                assert styles["acme"]["background-color"] == "rgb(10, 125, 59)"
                assert styles["submit"]["border-radius"] == "8px"
