"""One sign-in, two servers: a real Chromium through the Next.js example apps and Django.

Each scenario runs twice: against ``example_nextjs/`` (next-auth 4) with Django on
``VERSION = "v4"``, and against ``example_nextjs_v5/`` (next-auth 5, Auth.js) with Django on
``VERSION = "v5"``. Both run as ``example_nextjs/run.sh [v5]`` runs them: ``next build``
(skipped while the stamp in ``.next`` matches the sources and lock file) then ``next start``,
and the example project's ``runserver``, with one secret. The browser only talks to the Next.js
origin, whose ``proxy.ts`` proxies Django's paths (``/api/auth/*``, ``/api/me``,
``/dashboard/``, ...) to Django.
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
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from django_nextauth.jwt import Version, decode
from tests.e2e.conftest import (
    REPO,
    SERVER_LOGS,
    _free_port,
    _wait_until_up,
    serve_example_project,
)

pytestmark = pytest.mark.e2e

BUILD_TIMEOUT = 900.0
BAD_CREDENTIALS = "Sign in failed. Check the details you provided are correct."
PHONE: ViewportSize = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Flavour:
    """One Next.js example app and the Django ``VERSION`` that speaks its wire."""

    version: Version
    app: Path
    session_cookie: str

    def nextjs_env(self, site_url: str) -> dict[str, str]:
        """The public URL, as run.sh gives it to ``next start``."""
        if self.version == "v5":
            return {"AUTH_URL": site_url}  # the base path is in auth.ts
        return {"NEXTAUTH_URL": f"{site_url}/api/next-auth"}


FLAVOURS = [
    Flavour("v4", REPO / "example_nextjs", "next-auth.session-token"),
    Flavour("v5", REPO / "example_nextjs_v5", "authjs.session-token"),
]


@dataclass(frozen=True)
class Site:
    url: str
    flavour: Flavour
    secret: str


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
def _build_lock(app: Path) -> Iterator[None]:
    """One build of an app of this checkout at a time (say, under pytest-xdist)."""
    key = hashlib.sha256(str(app).encode()).hexdigest()[:16]
    with open(Path(tempfile.gettempdir()) / f"example_nextjs-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="module", params=FLAVOURS, ids=[f.version for f in FLAVOURS])
def flavour(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Flavour:
    """``example_nextjs/run.sh build [v5]``: ``npm ci`` and ``next build``, each when needed."""
    flavour: Flavour = request.param
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.fail("The Next.js browser test needs Node 20.9+ and npm on PATH.")
    log = tmp_path_factory.mktemp(f"nextjs_build_{flavour.version}") / "build.log"
    env = {**os.environ, "NEXT_TELEMETRY_DISABLED": "1"}
    command = ["bash", str(REPO / "example_nextjs" / "run.sh"), "build", flavour.version]
    with _build_lock(flavour.app), log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=flavour.app,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            returncode = process.wait(timeout=BUILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            _stop(process)
            pytest.fail(f"{' '.join(command)} took over {BUILD_TIMEOUT:.0f}s:\n{log.read_text()}")
        finally:
            if process.poll() is None:
                _stop(process)
    if returncode:
        pytest.fail(f"{' '.join(command)} exited {returncode}:\n{log.read_text()}")
    return flavour


@contextmanager
def serve_nextjs(app: Path, workdir: Path, port: int, **env: str) -> Iterator[None]:
    """``next start`` of ``app`` on 127.0.0.1:``port`` with ``env``, like run.sh."""
    log = workdir / "nextjs.log"
    command = [
        shutil.which("node") or "node",
        str(app / "node_modules" / "next" / "dist" / "bin" / "next"),
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
            cwd=app,
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
def site(flavour: Flavour, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The Next.js origin, with Django behind it; both share a fresh secret."""
    workdir = tmp_path_factory.mktemp(f"nextjs_site_{flavour.version}")
    port = _free_port()
    # "localhost", not 127.0.0.1: Next.js writes loopback addresses as "localhost" in the
    # redirects it sends, and cookies belong to one host name.
    site_url = f"http://localhost:{port}"
    secret = secrets.token_urlsafe(32)
    SERVER_LOGS["Django"] = workdir / "server.log"
    django_env = {"NEXTAUTH_URL": site_url, "DEMO_NEXTAUTH_VERSION": flavour.version}
    try:
        with serve_example_project(workdir, AUTH_SECRET=secret, **django_env) as django:
            nextjs_env = {**flavour.nextjs_env(site_url), "DJANGO_URL": django}
            with serve_nextjs(flavour.app, workdir, port, AUTH_SECRET=secret, **nextjs_env):
                yield Site(site_url, flavour, secret)
    finally:
        SERVER_LOGS.clear()


def session_cookies(page: Page, site: Site) -> list[str]:
    prefix = site.flavour.session_cookie
    return [c["name"] for c in page.context.cookies() if c["name"].startswith(prefix)]


def session_claims(page: Page, site: Site) -> dict[str, Any]:
    """The claims of the browser's session cookie (one chunk: the demo's sessions are small)."""
    name = site.flavour.session_cookie
    (token,) = [c["value"] for c in page.context.cookies() if c["name"] == name]
    return decode(token, secret=site.secret, version=site.flavour.version)


def sign_in(page: Page, username: str, password: str) -> None:
    """Fill in a sign-in page: Django's and the Next.js apps' have the same form."""
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_load_state()


def assert_on_signin_page(page: Page, path: str, callback_path: str) -> None:
    url = urlsplit(page.url)
    assert url.path == path
    assert parse_qs(url.query)["callbackUrl"][0].endswith(callback_path)
    expect(page.locator("input[name=password]")).to_be_visible()


def test_sign_in_on_django_is_seen_by_nextjs(site: Site, browser: Browser) -> None:
    context = browser.new_context(base_url=site.url)
    page = context.new_page()

    # 1. Signed out, the Next.js proxy sends /account to Django's sign-in page.
    page.goto("/account")
    assert_on_signin_page(page, "/api/auth/signin", "/account")
    expect(page.get_by_test_id("client-session")).to_have_count(0)  # a Django page

    # 2. Django checks the password and sets the cookie; back on the Next.js page, the proxy
    #    lets the browser in; the server (getServerSession / auth()), useSession and the
    #    route handler calling Django's API all show the user.
    sign_in(page, "alice", "wonderland")
    assert urlsplit(page.url).path == "/account"
    assert session_cookies(page, site) == [site.flavour.session_cookie]
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
    assert session_cookies(page, site) == []
    page.goto("/")
    expect(page.get_by_test_id("server-session")).to_contain_text("You are signed out")
    expect(page.get_by_test_id("client-session")).to_have_attribute(
        "data-status", "unauthenticated"
    )
    page.goto("/account")
    assert_on_signin_page(page, "/api/auth/signin", "/account")
    context.close()


def test_sign_in_on_nextjs_is_seen_by_django(site: Site, browser: Browser) -> None:
    context = browser.new_context(base_url=site.url)
    page = context.new_page()

    # 1. The Next.js side's own sign-in page, which posts to its NextAuth at /api/next-auth.
    page.goto("/")
    page.get_by_role("link", name="Sign in on Next.js").click()
    assert_on_signin_page(page, "/signin", "/account")
    sign_in(page, "bob", "not-the-password")
    expect(page.get_by_text(BAD_CREDENTIALS)).to_be_visible()
    assert session_cookies(page, site) == []

    # 2. Its credentials provider asks Django, then Next.js issues the cookie.
    sign_in(page, "bob@example.com", "builder")
    assert urlsplit(page.url).path == "/account"
    assert session_cookies(page, site) == [site.flavour.session_cookie]
    expect(page.get_by_test_id("account-username")).to_have_text("bob")
    # Its jwt callback records when and which sign-in this is, as Django's does: Django's
    # revocation checks need both.
    signed_in = session_claims(page, site)
    assert isinstance(signed_in["auth_time"], int)
    assert abs(signed_in["auth_time"] - time.time()) < 120
    assert uuid.UUID(signed_in["sid"])

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
    renamed = session_claims(page, site)
    assert (renamed["auth_time"], renamed["sid"]) == (signed_in["auth_time"], signed_in["sid"])
    page.goto("/dashboard/")
    expect(page.get_by_test_id("dashboard-name")).to_have_text("Robert")

    # 5. Signing out on Next.js (its built-in confirm page) signs out Django too.
    page.goto("/api/next-auth/signout")
    page.get_by_role("button", name=re.compile("sign out", re.IGNORECASE)).click()
    page.wait_for_load_state()
    assert session_cookies(page, site) == []
    page.goto("/dashboard/")
    assert_on_signin_page(page, "/api/auth/signin", "/dashboard/")
    response = page.goto("/api/me")
    assert response is not None and response.status == 401
    context.close()


# --- the Next.js app's look: Django's sign-in card, phones, dark mode ---------------------------

# The computed styles that make a sign-in page look like Django's, read the same way on both.
SIGNIN_LOOK = """() => {
  const card = document.querySelector(".card:has(input[name=password])");
  const pick = (element, ...names) => {
    const style = getComputedStyle(element);
    return Object.fromEntries(names.map((name) => [name, style.getPropertyValue(name)]));
  };
  return {
    body: pick(document.body, "background-color", "color", "font-family", "font-size"),
    card: {
      ...pick(card, "background-color", "border-radius", "border-color", "padding"),
      width: card.getBoundingClientRect().width,
    },
    heading: pick(card.querySelector("h1"), "font-size", "font-weight"),
    input: pick(card.querySelector("input[name=password]"), "background-color",
      "border-color", "border-radius", "padding", "font-size"),
    button: pick(card.querySelector("button[type=submit]"), "background-color", "color",
      "border-radius", "padding", "font-weight", "width"),
  };
}"""


@pytest.mark.parametrize("dark", [True, False], ids=["dark", "light"])
def test_nextjs_sign_in_page_looks_like_djangos(site: Site, browser: Browser, dark: bool) -> None:
    context = browser.new_context(base_url=site.url, color_scheme="dark" if dark else "light")
    page = context.new_page()
    page.goto("/api/auth/signin?callbackUrl=%2Faccount")  # Django's, through the proxy
    django = page.evaluate(SIGNIN_LOOK)
    page.goto("/signin?callbackUrl=%2Faccount")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert page.evaluate(SIGNIN_LOOK) == django
    context.close()


def assert_fits_a_phone(page: Page) -> None:
    """No sideways scrolling at 390 px."""
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= page.evaluate("window.innerWidth"), urlsplit(page.url).path


@pytest.mark.parametrize("dark", [True, False], ids=["dark", "light"])
def test_nextjs_pages_fit_a_phone(site: Site, browser: Browser, dark: bool) -> None:
    context = browser.new_context(
        base_url=site.url, viewport=PHONE, color_scheme="dark" if dark else "light"
    )
    page = context.new_page()
    page.goto("/")
    assert_fits_a_phone(page)
    page.get_by_role("link", name="Sign in on Next.js").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_fits_a_phone(page)
    sign_in(page, "carol", "christmas")
    assert urlsplit(page.url).path == "/account"
    expect(page.get_by_test_id("django-username")).to_have_text("carol")  # the JSON is in
    assert_fits_a_phone(page)
    page.goto("/")
    expect(page.get_by_test_id("client-session")).to_have_attribute("data-status", "authenticated")
    assert_fits_a_phone(page)
    context.close()


# The v5 app is the v4 one with only its next-auth parts changed (auth.ts, proxy.ts, the
# pages reading the session, the cookie name, the types): the rest stays the same, word for word.
SHARED_FILES = [
    "app/account/ask-django.tsx",
    "app/account/rename.tsx",
    "app/api/django-me/route.ts",
    "app/globals.css",
    "app/providers.tsx",
    "app/signin/page.tsx",
    "app/signin/signin-form.tsx",
    "next.config.mjs",
    "tsconfig.json",
]


def test_the_two_apps_share_what_next_auth_5_does_not_change() -> None:
    v4, v5 = (flavour.app for flavour in FLAVOURS)
    assert [
        path for path in SHARED_FILES if (v4 / path).read_bytes() != (v5 / path).read_bytes()
    ] == []
