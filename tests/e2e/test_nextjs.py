"""One sign-in, two servers: a real Chromium through the Next.js example app and Django.

Both apps run as ``example_nextjs/run.sh`` runs them: ``next build`` (skipped while the stamp
in ``.next`` matches the sources and lock file) then ``next start``, and the example project's
``runserver``, with one secret. The browser only talks to the Next.js origin, whose middleware
proxies Django's paths (``/api/auth/*``, ``/api/me``, ``/dashboard/``, ...) to Django.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    REPO,
    SERVER_LOGS,
    _free_port,
    _wait_until_up,
    serve_example_project,
)

pytestmark = pytest.mark.e2e

APP = REPO / "example_nextjs"
BUILD_TIMEOUT = 900.0
SESSION_COOKIE = "next-auth.session-token"
BAD_CREDENTIALS = "Sign in failed. Check the details you provided are correct."


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End ``process`` and whatever it started (it leads its own process group)."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, None)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def _build_lock() -> Iterator[None]:
    """One build of this checkout at a time (say, under pytest-xdist)."""
    key = hashlib.sha256(str(APP).encode()).hexdigest()[:16]
    with open(Path(tempfile.gettempdir()) / f"example_nextjs-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="module")
def nextjs_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``example_nextjs/run.sh build``: ``npm ci`` and ``next build``, each only when needed."""
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.fail("The Next.js browser test needs Node 18.17+ and npm on PATH.")
    log = tmp_path_factory.mktemp("nextjs_build") / "build.log"
    env = {**os.environ, "NEXT_TELEMETRY_DISABLED": "1"}
    with _build_lock(), log.open("wb") as out:
        process = subprocess.Popen(
            ["bash", str(APP / "run.sh"), "build"],
            cwd=APP,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            returncode = process.wait(timeout=BUILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            _stop(process)
            pytest.fail(
                f"example_nextjs/run.sh build took over {BUILD_TIMEOUT:.0f}s:\n{log.read_text()}"
            )
        finally:
            if process.poll() is None:
                _stop(process)
    if returncode:
        pytest.fail(f"example_nextjs/run.sh build exited {returncode}:\n{log.read_text()}")
    return APP


@contextmanager
def serve_nextjs(workdir: Path, port: int, **env: str) -> Iterator[None]:
    """``next start`` on 127.0.0.1:``port`` with ``env``, like run.sh; stopped on exit."""
    log = workdir / "nextjs.log"
    command = [
        shutil.which("node") or "node",
        str(APP / "node_modules" / "next" / "dist" / "bin" / "next"),
        "start",
        "--hostname",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    full_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("NEXTAUTH_", "AUTH_"))},
        "NEXT_TELEMETRY_DISABLED": "1",
        **env,
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=APP,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    SERVER_LOGS["Next.js"] = log
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/", process, log)
        yield
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def site(nextjs_app: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Next.js origin, with Django behind it; both share a fresh secret."""
    workdir = tmp_path_factory.mktemp("nextjs_site")
    port = _free_port()
    # "localhost", not 127.0.0.1: Next.js middleware writes loopback addresses as "localhost"
    # in the redirects it sends, and cookies belong to one host name.
    site_url = f"http://localhost:{port}"
    secret = secrets.token_urlsafe(32)
    SERVER_LOGS["Django"] = workdir / "server.log"
    try:
        with serve_example_project(workdir, AUTH_SECRET=secret, NEXTAUTH_URL=site_url) as django:
            nextjs_env = {"NEXTAUTH_URL": f"{site_url}/api/next-auth", "DJANGO_URL": django}
            with serve_nextjs(workdir, port, AUTH_SECRET=secret, **nextjs_env):
                yield site_url
    finally:
        SERVER_LOGS.clear()


def session_cookies(page: Page) -> list[str]:
    return [c["name"] for c in page.context.cookies() if c["name"].startswith(SESSION_COOKIE)]


def sign_in(page: Page, username: str, password: str) -> None:
    """Fill in a sign-in page: Django's and next-auth's built-in ones have the same form."""
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_load_state()


def assert_on_signin_page(page: Page, path: str, callback_path: str) -> None:
    url = urlsplit(page.url)
    assert url.path == path
    assert parse_qs(url.query)["callbackUrl"][0].endswith(callback_path)
    expect(page.locator("input[name=password]")).to_be_visible()


def test_sign_in_on_django_is_seen_by_nextjs(site: str, browser: Browser) -> None:
    context = browser.new_context(base_url=site)
    page = context.new_page()

    # 1. Signed out, the Next.js middleware (withAuth) sends /account to Django's sign-in page.
    page.goto("/account")
    assert_on_signin_page(page, "/api/auth/signin", "/account")
    expect(page.get_by_test_id("client-session")).to_have_count(0)  # a Django page

    # 2. Django checks the password and sets the cookie; back on the Next.js page, the
    #    middleware lets the browser in, getServerSession, useSession and the route handler
    #    calling Django's API all show the user.
    sign_in(page, "alice", "wonderland")
    assert urlsplit(page.url).path == "/account"
    assert session_cookies(page) == [SESSION_COOKIE]
    expect(page.get_by_test_id("account-username")).to_have_text("alice")
    expect(page.get_by_test_id("account-name")).to_have_text("Alice")
    expect(page.get_by_test_id("account-roles")).to_have_text("user")
    expect(page.get_by_test_id("client-name")).to_have_text("Alice")
    expect(page.get_by_test_id("django-username")).to_have_text("alice")

    # 3. A session update on Django (its profile page) is seen by Next.js.
    page.goto("/profile/")
    page.fill("#name", "Alice Liddell")
    page.get_by_role("button", name="Update session").click()
    expect(page.get_by_test_id("current-name")).to_have_text("Alice Liddell")
    page.goto("/account")
    expect(page.get_by_test_id("account-name")).to_have_text("Alice Liddell")
    expect(page.get_by_test_id("client-name")).to_have_text("Alice Liddell")

    # 4. A session update on the Next.js page (useSession().update) is seen by Django.
    page.fill("#name", "Queen Alice")
    page.get_by_role("button", name="Update session").click()
    expect(page.get_by_test_id("client-current-name")).to_have_text("Queen Alice")
    expect(page.get_by_test_id("account-name")).to_have_text("Queen Alice")  # router.refresh()
    page.goto("/dashboard/")
    expect(page.get_by_test_id("dashboard-name")).to_have_text("Queen Alice")
    assert page.request.get("/api/me").json()["user"]["name"] == "Queen Alice"

    # 5. Signing out on Django (its header link, then its confirm page) signs out Next.js too.
    page.get_by_role("banner").get_by_role("link", name="Sign out").click()
    assert urlsplit(page.url).path == "/api/auth/signout"
    page.get_by_role("button", name=re.compile("sign out", re.IGNORECASE)).click()
    page.wait_for_load_state()
    assert session_cookies(page) == []
    page.goto("/")
    expect(page.get_by_test_id("server-session")).to_contain_text("You are signed out")
    expect(page.get_by_test_id("client-session")).to_have_attribute(
        "data-status", "unauthenticated"
    )
    page.goto("/account")
    assert_on_signin_page(page, "/api/auth/signin", "/account")
    context.close()


def test_sign_in_on_nextjs_is_seen_by_django(site: str, browser: Browser) -> None:
    context = browser.new_context(base_url=site)
    page = context.new_page()

    # 1. The Next.js side's own NextAuth (at /api/next-auth) serves its built-in sign-in page.
    page.goto("/")
    page.get_by_role("link", name="Sign in on Next.js").click()
    assert_on_signin_page(page, "/signin", "/account")
    sign_in(page, "bob", "not-the-password")
    expect(page.get_by_text(BAD_CREDENTIALS)).to_be_visible()
    assert session_cookies(page) == []

    # 2. Its credentials provider asks Django, then Next.js issues the cookie.
    sign_in(page, "bob@example.com", "builder")
    assert urlsplit(page.url).path == "/account"
    assert session_cookies(page) == [SESSION_COOKIE]
    expect(page.get_by_test_id("account-username")).to_have_text("bob")

    # 3. Django's pages and its REST framework API see the user, with the claims its
    #    callbacks expect (the staff page checks the roles).
    page.goto("/dashboard/")
    expect(page.get_by_test_id("dashboard-username")).to_have_text("bob")
    expect(page.get_by_test_id("header-name")).to_have_text("Bob (staff)")
    me = page.request.get("/api/me").json()["user"]
    assert (me["username"], me["roles"], me["is_verified"]) == ("bob", ["user", "staff"], True)
    response = page.goto("/staff/")
    assert response is not None and response.status == 200

    # 4. A session update on the Next.js side's NextAuth (the request update() sends to it)
    #    is seen by Django.
    updated = page.evaluate(
        """async (name) => {
            const { csrfToken } = await (await fetch("/api/next-auth/csrf")).json();
            const response = await fetch("/api/next-auth/session", {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify({ csrfToken, data: { name } }),
            });
            return response.json();
        }""",
        "Robert",
    )
    assert updated["user"]["name"] == "Robert"
    page.goto("/dashboard/")
    expect(page.get_by_test_id("dashboard-name")).to_have_text("Robert")

    # 5. Signing out on Next.js (its built-in confirm page) signs out Django too.
    page.goto("/api/next-auth/signout")
    page.get_by_role("button", name=re.compile("sign out", re.IGNORECASE)).click()
    page.wait_for_load_state()
    assert session_cookies(page) == []
    page.goto("/dashboard/")
    assert_on_signin_page(page, "/api/auth/signin", "/dashboard/")
    response = page.goto("/api/me")
    assert response is not None and response.status == 401
    context.close()
