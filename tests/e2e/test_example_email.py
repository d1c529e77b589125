"""A real Chromium through the example project's magic links (console mail backend).

The link is read from the server's console, opened by a mail scanner (a fresh browser)
and in a browser signed in as someone else (login CSRF): neither spends it nor changes
a session. Only pressing "Sign in" on its page does, and the browser's real ``Origin``
on that POST passes the origin check.
"""

from __future__ import annotations

import email
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from .conftest import SERVER_LOGS, serve_example_project

pytestmark = pytest.mark.e2e

SESSION_COOKIE = "next-auth.session-token"
PAGE_HEADING = "Sign in as e***@example.com?"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The example project's URL and the log its console mail backend prints to."""
    workdir = tmp_path_factory.mktemp("example_project_email")
    with serve_example_project(workdir) as url:
        SERVER_LOGS["example project (e-mail)"] = workdir / "server.log"
        try:
            yield url, workdir / "server.log"
        finally:
            SERVER_LOGS.pop("example project (e-mail)", None)


def mailed_link(log: Path, base: str) -> str:
    """The sign-in link of the console backend's last mail (its plain-text part, decoded: Django
    6.1 writes long lines quoted-printable)."""
    pattern = re.compile(re.escape(base) + r"/api/auth/callback/email\?[^\s\"<]+")
    for _ in range(40):
        links = []
        for chunk in log.read_text().split("-" * 79):  # the console backend's separator
            start = chunk.find("Content-Type: ")
            if start < 0:
                continue
            for part in email.message_from_string(chunk[start:]).walk():
                if part.get_content_type() == "text/plain":
                    body = part.get_payload(decode=True)
                    assert isinstance(body, bytes)
                    links += pattern.findall(body.decode())
        if links:
            return links[-1]
        time.sleep(0.25)
    pytest.fail("no sign-in link in the server's console")


def session_of(context: BrowserContext) -> list[str]:
    return [c["value"] for c in context.cookies() if c["name"].startswith(SESSION_COOKIE)]


def test_magic_link_confirmation(demo: tuple[str, Path], browser: Browser) -> None:
    base, log = demo
    # Alice is signed in with her password.
    alice = browser.new_context(base_url=base)
    page = alice.new_page()
    page.goto("/api/auth/signin?callbackUrl=/dashboard/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "wonderland")
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_url(base + "/dashboard/")
    alice_session = session_of(alice)
    assert alice_session

    # Someone asks for a link for eve@example.com.
    asker = browser.new_context(base_url=base)
    ask = asker.new_page()
    ask.goto("/api/auth/signin?callbackUrl=/dashboard/")
    ask.fill("input[name=email]", "eve@example.com")
    ask.get_by_role("button", name="Sign in with Email").click()
    expect(ask.get_by_role("heading", name="Check your email")).to_be_visible()
    link = mailed_link(log, base)

    # A mail scanner fetches it twice: a page, no session, nothing spent.
    scanner = browser.new_context()
    for _ in range(2):
        scan = scanner.new_page()
        response = scan.goto(link)
        assert response is not None and response.status == 200
        assert response.headers["referrer-policy"] == "strict-origin"
        expect(scan.get_by_text(PAGE_HEADING)).to_be_visible()
    assert not session_of(scanner)

    # Opened in Alice's browser: she is told whom she would become; her session stays.
    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text("You are signed in as a***@example.com")
    assert session_of(alice) == alice_session
    assert page.request.get("/api/auth/session").json()["user"]["email"] == "alice@example.com"

    # Eve presses "Sign in": the POST carries the page's Origin, uses the token, signs her in.
    eve = browser.new_context(base_url=base)
    mine = eve.new_page()
    mine.goto(link)
    mine.get_by_role("button", name="Sign in", exact=True).click()
    mine.wait_for_url(base + "/dashboard/")
    assert session_of(eve)
    assert mine.request.get("/api/auth/session").json()["user"]["email"] == "eve@example.com"

    # Used once: the same page, submitted again, is refused.
    again = scanner.new_page()
    again.goto(link)
    again.get_by_role("button", name="Sign in", exact=True).click()
    again.wait_for_load_state()
    assert "error=Verification" in again.url or urlsplit(again.url).path.endswith("/error")
    assert not session_of(scanner)
    for context in (alice, asker, scanner, eve):
        context.close()
