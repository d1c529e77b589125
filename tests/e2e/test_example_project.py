"""A real Chromium through the example project: sign-in, session, DRF, update, roles, sign-out.

Each step asserts what a user would see; the test fails as soon as one breaks.
"""

from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e

# The README's screenshot. Refreshed only on request, so a test run leaves the tree clean:
# E2E_UPDATE_SCREENSHOT=1 python -m pytest tests/e2e
DOCS = Path(__file__).resolve().parents[2] / "docs"
DOCS_SCREENSHOT = DOCS / "dashboard.png"
SESSION_COOKIE = "next-auth.session-token"
BAD_CREDENTIALS = "Sign in failed. Check the details you provided are correct."


def screenshot_path(name: str, tmp_path: Path) -> Path:
    """Where to save a screenshot: docs/ only when E2E_UPDATE_SCREENSHOT is set."""
    return (DOCS if os.environ.get("E2E_UPDATE_SCREENSHOT") else tmp_path) / name


def sign_in(page: Page, username: str, password: str) -> None:
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_load_state()


def assert_on_signin_page(page: Page, base: str, callback_path: str) -> None:
    url = urlsplit(page.url)
    assert url.path == "/api/auth/signin"
    callback = parse_qs(url.query).get("callbackUrl", [""])[0]
    assert callback in (callback_path, base + callback_path)
    expect(page.locator("input[name=password]")).to_be_visible()


def test_sign_in_session_api_update_roles_sign_out(
    demo_url: str, browser: Browser, tmp_path: Path
) -> None:
    screenshot = screenshot_path("dashboard.png", tmp_path)
    context = browser.new_context(base_url=demo_url, viewport={"width": 1200, "height": 860})
    page = context.new_page()

    # 1. Signed out, the dashboard sends the browser to sign-in with a callbackUrl.
    page.goto("/dashboard/")
    assert_on_signin_page(page, demo_url, "/dashboard/")

    # 2. A wrong password shows the error banner and signs nobody in.
    sign_in(page, "alice", "not-the-password")
    expect(page.get_by_text(BAD_CREDENTIALS)).to_be_visible()
    assert urlsplit(page.url).path == "/api/auth/signin"
    assert not [c for c in context.cookies() if c["name"].startswith(SESSION_COOKIE)]

    # 3. The right password lands back on the dashboard, showing the user.
    sign_in(page, "alice", "wonderland")
    assert urlsplit(page.url).path == "/dashboard/"
    expect(page.get_by_test_id("dashboard-username")).to_have_text("alice")
    expect(page.get_by_test_id("dashboard-name")).to_have_text("Alice")
    # The README's picture: the demo user as seeded, before step 6 renames her.
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # 4. The session cookie is HttpOnly: the browser has it, page scripts cannot see it.
    session_cookies = [c for c in context.cookies() if c["name"] == SESSION_COOKIE]
    assert len(session_cookies) == 1
    assert session_cookies[0]["httpOnly"] is True
    assert session_cookies[0]["sameSite"] == "Lax"
    assert "session-token" not in page.evaluate("document.cookie")

    # 5. The DRF endpoint authenticates the browser's cookie.
    response = page.goto("/api/me")
    assert response is not None and response.status == 200
    me = json.loads(page.locator("body").inner_text())
    assert me["user"]["username"] == "alice"
    assert me["user"]["roles"] == ["user"]
    assert me["user"]["is_verified"] is True

    # 6. Updating the session (POST /api/auth/session from the page's script) renames the user.
    page.goto("/profile/")
    page.fill("#name", "Alice Liddell")
    page.get_by_role("button", name="Update session").click()
    expect(page.get_by_test_id("current-name")).to_have_text("Alice Liddell")
    page.goto("/dashboard/")
    expect(page.get_by_test_id("dashboard-name")).to_have_text("Alice Liddell")
    expect(page.get_by_test_id("header-name")).to_have_text("Alice Liddell")

    # 7. The staff page refuses a signed-in user without the staff role.
    response = page.goto("/staff/")
    assert response is not None and response.status == 403
    expect(page.get_by_test_id("forbidden")).to_be_visible()

    # 8. Signing out (header link -> the built-in confirm page) clears the session cookie.
    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="Sign out").click()
    assert urlsplit(page.url).path == "/api/auth/signout"
    page.get_by_role("button", name=re.compile("sign out", re.IGNORECASE)).click()
    page.wait_for_url(demo_url + "/")
    assert not [c for c in context.cookies() if c["name"].startswith(SESSION_COOKIE)]
    expect(page.get_by_test_id("session-state")).to_contain_text("You are signed out")

    # 9. The dashboard is closed again, and so is the API.
    page.goto("/dashboard/")
    assert_on_signin_page(page, demo_url, "/dashboard/")
    response = page.goto("/api/me")
    assert response is not None and response.status == 401
    context.close()


def test_staff_page_opens_for_the_staff_role(demo_url: str, browser: Browser) -> None:
    context = browser.new_context(base_url=demo_url)
    page = context.new_page()
    page.goto("/staff/")
    assert_on_signin_page(page, demo_url, "/staff/")
    sign_in(page, "bob@example.com", "builder")  # e-mail sign-in: the custom authorize hook
    assert urlsplit(page.url).path == "/staff/"
    expect(page.get_by_role("heading", name="Staff only")).to_be_visible()
    me = page.request.get("/api/me").json()
    assert me["user"]["roles"] == ["user", "staff"]
    context.close()


def test_custom_sign_in_template_replaces_the_built_in_one(
    custom_signin_url: str, browser: Browser
) -> None:
    context = browser.new_context(base_url=custom_signin_url)
    page = context.new_page()
    page.goto("/dashboard/")
    assert_on_signin_page(page, custom_signin_url, "/dashboard/")
    expect(page.get_by_test_id("custom-signin")).to_be_visible()
    sign_in(page, "carol", "wrong")
    expect(page.get_by_test_id("custom-signin")).to_contain_text(BAD_CREDENTIALS)
    sign_in(page, "carol", "christmas")
    assert urlsplit(page.url).path == "/dashboard/"
    expect(page.get_by_test_id("dashboard-username")).to_have_text("carol")
    context.close()


# --- phones, dark mode, the built-in pages ---------------------------------------------------

PHONE = {"width": 390, "height": 844}
# Relative luminance (0 black .. 1 white) of a computed CSS colour "rgb(r, g, b)".
LUMINANCE = """(element) => {
  const [r, g, b] = getComputedStyle(element).backgroundColor.match(/[\\d.]+/g).map(Number);
  const lin = (c) => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}"""


def assert_fits_a_phone(page: Page, dark: bool) -> None:
    """No sideways scrolling at 390 px, and the page is dark (or light) as the system asks."""
    path = urlsplit(page.url).path
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], path
    body = page.evaluate(LUMINANCE, page.locator("body").element_handle())
    card = page.evaluate(LUMINANCE, page.locator(".card").first.element_handle())
    assert (body < 0.05 and card < 0.05) if dark else (body > 0.8 and card > 0.8), path


@pytest.mark.parametrize("dark", [True, False], ids=["dark", "light"])
def test_pages_fit_a_phone_in_dark_and_light_mode(
    demo_url: str, browser: Browser, tmp_path: Path, dark: bool
) -> None:
    context = browser.new_context(
        base_url=demo_url, viewport=PHONE, color_scheme="dark" if dark else "light"
    )
    page = context.new_page()
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)

    # The built-in sign-in page: heading, a way back to the site, the demo's accent colour.
    page.goto("/api/auth/signin?callbackUrl=/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("link", name=re.compile("^← Back to"))).to_have_attribute("href", "/")
    assert_fits_a_phone(page, dark)
    if dark:
        page.screenshot(path=str(screenshot_path("signin-phone-dark.png", tmp_path)))
    builtin_button = page.locator("form:has(input[name=password]) button[type=submit]").evaluate(
        "(e) => getComputedStyle(e).backgroundColor"
    )
    sign_in(page, "bob", "builder")  # not alice: the first test renamed her

    # The demo's pages: the header is two lines at most, every nav link whole on the screen,
    # nothing scrolls sideways.
    for path in ("/", "/dashboard/", "/profile/", "/staff/"):
        page.goto(path)
        header = page.locator("header .bar").bounding_box()
        brand = page.locator("header .brand").bounding_box()
        assert header is not None and brand is not None
        assert header["height"] < 4 * brand["height"], path  # two lines: about 3x the text
        for link in page.locator("header nav a").all():
            box = link.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, path
        assert_fits_a_phone(page, dark)
        if path == "/dashboard/" and dark:
            page.screenshot(
                path=str(screenshot_path("dashboard-phone-dark.png", tmp_path)), full_page=True
            )
    page.goto("/")
    demo_button = page.get_by_role("link", name="Open the dashboard").evaluate(
        "(e) => getComputedStyle(e).backgroundColor"
    )
    assert builtin_button == demo_button  # one accent colour for the built-in pages and the demo

    # The built-in sign-out and error pages: same headings style, the error page is not a banner.
    page.goto("/api/auth/signout")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign out")
    assert_fits_a_phone(page, dark)
    page.goto("/api/auth/error?error=AccessDenied")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("access denied", re.I))
    expect(page.get_by_role("link", name=re.compile("^← Back to"))).to_be_visible()
    assert_fits_a_phone(page, dark)
    context.close()
    # Every page loaded without a 4xx (the error page's 403 excepted): no favicon 404.
    assert [url for url in failed if not url.endswith("AccessDenied")] == []


def test_default_callbacks_session_renders_every_page(
    default_callbacks_url: str, browser: Browser
) -> None:
    # NextAuth's default session (name, email, image: no username, no roles) must not break the
    # demo's templates, e.g. the header's avatar letter.
    context = browser.new_context(base_url=default_callbacks_url)
    page = context.new_page()
    page.goto("/dashboard/")
    sign_in(page, "alice", "wonderland")
    assert urlsplit(page.url).path == "/dashboard/"
    for path, status in (("/", 200), ("/dashboard/", 200), ("/profile/", 200), ("/staff/", 403)):
        response = page.goto(path)
        assert response is not None and response.status == status, path
        expect(page.get_by_test_id("header-name")).not_to_be_empty()
    me = page.request.get("/api/me").json()
    assert "username" not in me["user"] and me["user"]["email"] == "alice@example.com"
    context.close()


# --- the docs show the example's code as it is -----------------------------------------------


def _functions(path: Path, names: set[str]) -> list[str]:
    """The source of the named top-level functions, docstrings left out (as the docs show them)."""
    lines = path.read_text().splitlines()
    shown = []
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef) and node.name in names:
            body = lines[node.lineno - 1 : node.end_lineno]
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                start, end = first.lineno - node.lineno, (first.end_lineno or 0) - node.lineno + 1
                body = body[:start] + body[end:]
            shown.append("\n".join(body) + "\n")
    assert len(shown) == len(names)
    return shown


@pytest.mark.parametrize(
    ("module", "names"),
    [("auth.py", {"account_username", "authorize"}), ("callbacks.py", {"jwt", "session"})],
)
def test_docs_callbacks_show_the_example_code_as_it_is(module: str, names: set[str]) -> None:
    docs = (DOCS / "callbacks.md").read_text()
    for function in _functions(DOCS.parent / "example_project" / "demo" / module, names):
        assert function in docs
