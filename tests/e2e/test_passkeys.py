"""Passkeys in Chromium with a virtual authenticator (the DevTools protocol's WebAuthn
domain, through Playwright's CDP session), against Django (``tests.settings``, VERSION v5)
served from a thread:

- Django's own sign-in page: a new address registers a passkey and is signed in; a fresh
  browser signs in with it from the "Sign in with a passkey" button (no address typed:
  a discoverable credential), and adds a second passkey on the management page;
- the official client: next-auth 5's ``next-auth/webauthn`` ``signIn("passkey",
  {action: "register"})`` then ``signIn("passkey")``, bundled with esbuild and loaded by
  a page the test serves on Django's origin; ``getSession()`` then shows the user.

The host is ``localhost`` (a WebAuthn RP id cannot be an IP address).
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

pytest.importorskip("webauthn", reason="the passkeys extra (py_webauthn) is not installed")
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from playwright.sync_api import Browser, CDPSession, Page, expect

pytestmark = pytest.mark.e2e

INTEROP = Path(__file__).resolve().parents[1] / "interop"
SCRIPT = INTEROP.parents[1] / "django_nextauth" / "static" / "nextauth" / "webauthn.js"
EMAIL = "passkey-user@example.com"


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """``passkey_client.mjs`` bundled for the browser with npm's esbuild (no CDN)."""
    esbuild = INTEROP / "node_modules" / ".bin" / "esbuild"
    if not esbuild.exists():
        pytest.fail("Run `npm ci --prefix tests/interop` first (esbuild is missing).")
    out = tmp_path_factory.mktemp("bundle") / "client.js"
    subprocess.run(
        [
            str(esbuild),
            str(INTEROP / "passkey_client.mjs"),
            "--bundle",
            "--format=iife",
            "--platform=browser",
            '--define:process.env.NODE_ENV="production"',
            "--define:process.env={}",
            f"--outfile={out}",
            "--log-level=error",
        ],
        check=True,
        cwd=INTEROP,
    )
    return out.read_bytes()


@pytest.fixture(scope="module")
def site(bundle: bytes, django_db_blocker: Any) -> Iterator[str]:
    """Django's WSGI app on a free port; ``/client`` is the official client's test page."""
    django = get_wsgi_application()
    page = b'<!DOCTYPE html><meta charset="utf-8"><script src="/client.js"></script>'
    files = {
        "/client": ("text/html", page),
        "/client.js": ("text/javascript", bundle),
        # What collectstatic would serve: the package's own script.
        "/static/nextauth/webauthn.js": ("text/javascript", SCRIPT.read_bytes()),
    }

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        found = files.get(environ.get("PATH_INFO", ""))
        if found is not None:
            start_response("200 OK", [("Content-Type", found[0])])
            return [found[1]]
        return django(environ, start_response)

    # One thread serves every request, on its own in-memory SQLite database, migrated first:
    # this thread never touches the ORM (Playwright's sync API keeps an event loop running
    # here, and Django refuses ORM calls under a running loop).
    server = make_server("127.0.0.1", 0, app, WSGIServer, _Quiet)
    migrated = threading.Event()

    def serve() -> None:
        call_command("migrate", run_syncdb=True, verbosity=0)
        migrated.set()
        server.serve_forever()

    with django_db_blocker.unblock():
        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        assert migrated.wait(60)
        try:
            yield f"http://localhost:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()


@pytest.fixture
def passkey_site(nextauth: Callable[..., None], site: str) -> str:
    nextauth(VERSION="v5", PROVIDERS=[{"type": "webauthn"}], USE_SECURE_COOKIES=False)
    return site


def virtual_authenticator(page: Page, cdp: CDPSession | None = None) -> tuple[CDPSession, str]:
    """A platform authenticator that holds passkeys and verifies its user, always present."""
    if cdp is None:
        cdp = page.context.new_cdp_session(page)
        cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def session_email(page: Page, site: str) -> Any:
    body = page.request.get(f"{site}/api/auth/session").json()
    return None if body is None else body["user"]["email"]


def test_django_signin_page(
    browser: Browser, passkey_site: str, nextauth: Callable[..., None]
) -> None:
    site = passkey_site
    context = browser.new_context()
    page = context.new_page()
    cdp, first = virtual_authenticator(page)
    page.goto(f"{site}/api/auth/signin?callbackUrl={site}/api/auth/csrf")
    page.fill("#input-email-for-passkey-provider", EMAIL)
    with page.expect_navigation(url=f"{site}/api/auth/csrf"):
        page.click("#submitButton-passkey")
    assert session_email(page, site) == EMAIL

    # Same authenticator, no session. Conditional UI: the page asks for a passkey as it
    # loads (the virtual authenticator answers at once, as a user picking the autofill).
    context.clear_cookies()
    assert session_email(page, site) is None
    with page.expect_navigation(url=f"{site}/api/auth/providers"):
        page.goto(f"{site}/api/auth/signin?callbackUrl={site}/api/auth/providers")
    assert session_email(page, site) == EMAIL

    # Without conditional UI, the button alone finds the passkey (no address typed).
    context.clear_cookies()
    nextauth(VERSION="v5", PROVIDERS=[{"type": "webauthn", "enable_conditional_ui": False}])
    page.goto(f"{site}/api/auth/signin?callbackUrl={site}/api/auth/csrf")
    with page.expect_navigation(url=f"{site}/api/auth/csrf"):
        page.click("#submitButton-passkey")
    assert session_email(page, site) == EMAIL

    # The management page adds a passkey of another authenticator to the signed-in user
    # (the first one refuses: its credential is in excludeCredentials).
    page.goto(f"{site}/api/auth/passkeys/passkey")
    expect(page.locator("li[data-credential]")).to_have_count(1)
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": first})
    virtual_authenticator(page, cdp)
    page.click("#add-passkey")
    expect(page.locator("li[data-credential]")).to_have_count(2)
    context.close()


SIGN_IN = """async ([options]) => {
    const result = await window.nextAuthPasskeys.signIn("passkey", options);
    const session = await window.nextAuthPasskeys.getSession();
    return {error: result && result.error, email: session && session.user && session.user.email};
}"""


@pytest.mark.interop
def test_official_webauthn_client(browser: Browser, passkey_site: str) -> None:
    site = passkey_site
    context = browser.new_context()
    page = context.new_page()
    virtual_authenticator(page)
    page.goto(f"{site}/client")
    email = "official-client@example.com"
    registered = page.evaluate(SIGN_IN, [{"action": "register", "email": email, "redirect": False}])
    assert registered == {"error": None, "email": email}

    context.clear_cookies()
    page.goto(f"{site}/client")
    assert page.evaluate("() => window.nextAuthPasskeys.getSession()") is None
    signed_in = page.evaluate(SIGN_IN, [{"redirect": False}])
    assert signed_in == {"error": None, "email": email}
    context.close()
