"""The example project's Demo IdP (``example_project/idp/``), an OpenID provider in-process.

First the IdP on its own, as any relying party sees it (discovery, JWKS, a raw authorization-code
flow with PKCE driven by httpx, userinfo, and its refusals); then Chromium clicks "Sign in with
Demo IdP" on the example's built-in sign-in page, signs in at the IdP and lands back on the
example signed in, for v4 (the example's VERSION) and v5 (``DEMO_NEXTAUTH_VERSION=v5``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import HTTP_TIMEOUT, REPO, serve_example_project

pytestmark = pytest.mark.e2e

CLIENT_ID = "django-nextauth-example"
CLIENT_SECRET = "demo-idp-client-secret-development-only"
SESSION_COOKIES = {"v4": "next-auth.session-token", "v5": "authjs.session-token"}


@pytest.fixture(scope="module")
def demo_v5_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example project speaking Auth.js's wire (``DEMO_NEXTAUTH_VERSION=v5``)."""
    workdir = tmp_path_factory.mktemp("example_project_v5")
    with serve_example_project(workdir, DEMO_NEXTAUTH_VERSION="v5") as url:
        yield url


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def idp_login(client: httpx.Client, base: str, username: str, password: str) -> httpx.Response:
    """Sign in at the IdP's login page (Django's LoginView, with its CSRF token)."""
    page = client.get(f"{base}/idp/login/")
    assert page.status_code == 200
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match is not None
    return client.post(
        f"{base}/idp/login/",
        data={"csrfmiddlewaretoken": match[1], "username": username, "password": password},
    )


def authorize(client: httpx.Client, base: str, **params: str) -> httpx.Response:
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": f"{base}/api/auth/callback/demo-idp",
        "scope": "openid profile email",
        **params,
    }
    return client.get(f"{base}/idp/o/authorize/?{urlencode(query)}")


def token_request(base: str, code: str, verifier: str, **extra: str) -> httpx.Response:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": f"{base}/api/auth/callback/demo-idp",
        "code_verifier": verifier,
        **extra,
    }
    auth = (CLIENT_ID, CLIENT_SECRET)  # client_secret_basic
    return httpx.post(
        f"{base}/idp/o/token/", data=data, auth=auth, trust_env=False, timeout=HTTP_TIMEOUT
    )


def test_discovery_and_jwks(demo_url: str) -> None:
    config = httpx.get(
        f"{demo_url}/idp/o/.well-known/openid-configuration", trust_env=False, timeout=HTTP_TIMEOUT
    )
    assert config.status_code == 200
    meta = config.json()
    # The issuer the example's "demo-idp" provider is configured with: this very server.
    assert meta["issuer"] == f"{demo_url}/idp/o"
    for key in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"):
        assert meta[key].startswith(f"{demo_url}/idp/o/")
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["response_types_supported"] == ["code"]
    assert meta["authorization_response_iss_parameter_supported"] is True
    assert "client_secret_basic" in meta["token_endpoint_auth_methods_supported"]
    assert {"name", "email", "picture", "preferred_username"} <= set(meta["claims_supported"])
    keys = httpx.get(meta["jwks_uri"], trust_env=False, timeout=HTTP_TIMEOUT).json()["keys"]
    assert [(k["kty"], k["alg"], k["use"]) for k in keys] == [("RSA", "RS256", "sig")]


def test_raw_code_flow_with_pkce(demo_url: str) -> None:
    """A relying party's whole conversation with the IdP, then the refusals that protect it."""
    meta = httpx.get(
        f"{demo_url}/idp/o/.well-known/openid-configuration", trust_env=False, timeout=HTTP_TIMEOUT
    ).json()
    verifier, challenge = pkce_pair()
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    with httpx.Client(trust_env=False, timeout=HTTP_TIMEOUT) as client:
        # Not signed in at the IdP yet: the authorization request goes through its login page.
        first = authorize(
            client,
            demo_url,
            state=state,
            nonce=nonce,
            code_challenge=challenge,
            code_challenge_method="S256",
        )
        assert first.status_code == 302
        login_url = urlsplit(first.headers["location"])
        assert login_url.path == "/idp/login/"
        pending = parse_qs(login_url.query)["next"][0]
        assert pending.startswith("/idp/o/authorize/?")

        signed_in = idp_login(client, demo_url, "alice", "wonderland")
        assert signed_in.status_code == 302
        assert signed_in.headers["location"] == "/"  # no `next`: the site's home
        # Its own session cookie, scoped to the IdP's paths.
        assert [(c.name, c.path) for c in client.cookies.jar if "session" in c.name] == [
            ("demo_idp_sessionid", "/idp/")
        ]

        # Signed in, and no consent screen for the seeded client: straight back with a code.
        back = client.get(demo_url + pending)
        assert back.status_code == 302
        callback = urlsplit(back.headers["location"])
        assert f"{callback.scheme}://{callback.netloc}{callback.path}" == (
            f"{demo_url}/api/auth/callback/demo-idp"
        )
        params = {k: v[0] for k, v in parse_qs(callback.query).items()}
        assert params["state"] == state
        assert params["iss"] == meta["issuer"]  # RFC 9207

        # PKCE: another verifier gets nothing; the right one gets the tokens, once.
        wrong = token_request(demo_url, params["code"], pkce_pair()[0])
        assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
        tokens = token_request(demo_url, params["code"], verifier)
        assert tokens.status_code == 200, tokens.text
        body = tokens.json()
        assert body["token_type"] == "Bearer"
        replay = token_request(demo_url, params["code"], verifier)
        assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"

    claims = jwt.decode(
        body["id_token"],
        jwt.PyJWKClient(meta["jwks_uri"]).get_signing_key_from_jwt(body["id_token"]).key,
        algorithms=["RS256"],
        audience=CLIENT_ID,
        issuer=meta["issuer"],
    )
    assert claims["nonce"] == nonce
    assert claims["preferred_username"] == "alice"
    assert claims["email"] == "alice@example.com"
    assert claims["email_verified"] is True
    assert claims["groups"] == []
    assert claims["picture"] == f"{demo_url}/idp/avatar/alice.svg"

    userinfo = httpx.get(
        meta["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {body['access_token']}"},
        trust_env=False,
        timeout=HTTP_TIMEOUT,
    )
    assert userinfo.status_code == 200
    info = userinfo.json()
    assert info["sub"] == claims["sub"]
    assert {k: info[k] for k in ("preferred_username", "email")} == {
        "preferred_username": "alice",
        "email": "alice@example.com",
    }
    picture = httpx.get(info["picture"], trust_env=False, timeout=HTTP_TIMEOUT)
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/svg+xml"
    assert ">A</text>" in picture.text


@pytest.mark.parametrize(
    ("params", "error"),
    [
        pytest.param({}, "code_challenge", id="no-pkce"),
        pytest.param(
            {"code_challenge": "x" * 43, "code_challenge_method": "plain"},
            "code_challenge_method",
            id="plain-pkce",
        ),
    ],
)
def test_authorization_refuses_without_s256_pkce(
    demo_url: str, params: dict[str, str], error: str
) -> None:
    with httpx.Client(trust_env=False, timeout=HTTP_TIMEOUT) as client:
        assert idp_login(client, demo_url, "bob", "builder").status_code == 302
        refused = authorize(client, demo_url, state="s", **params)
    assert refused.status_code == 302
    answer = parse_qs(urlsplit(refused.headers["location"]).query)
    assert answer["error"] == ["invalid_request"]
    assert error in answer["error_description"][0].lower().replace(" ", "_")
    assert "code" not in answer


def test_authorization_refuses_a_foreign_redirect_uri(demo_url: str) -> None:
    """Loopback callbacks on any port are the dev allowance; any other host is refused."""
    _, challenge = pkce_pair()
    with httpx.Client(trust_env=False, timeout=HTTP_TIMEOUT) as client:
        assert idp_login(client, demo_url, "bob", "builder").status_code == 302
        other_port = authorize(
            client,
            demo_url,
            code_challenge=challenge,
            code_challenge_method="S256",
            redirect_uri="http://127.0.0.1:1/api/auth/callback/demo-idp",
        )
        foreign = authorize(
            client,
            demo_url,
            code_challenge=challenge,
            code_challenge_method="S256",
            redirect_uri="http://evil.example/api/auth/callback/demo-idp",
        )
    assert other_port.status_code == 302
    assert other_port.headers["location"].startswith("http://127.0.0.1:1/api/auth/callback/")
    assert foreign.status_code == 400  # an error page at the IdP, never a redirect there
    assert "location" not in foreign.headers
    assert "evil.example" not in html.unescape(foreign.text).split("redirect_uri", 1)[0]


def test_wrong_client_secret_is_refused(demo_url: str) -> None:
    answer = httpx.post(
        f"{demo_url}/idp/o/token/",
        data={"grant_type": "authorization_code", "code": "x", "redirect_uri": demo_url},
        auth=(CLIENT_ID, "not-the-secret"),
        trust_env=False,
        timeout=HTTP_TIMEOUT,
    )
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"


def sign_in_with_demo_idp(page: Page, base: str, username: str, password: str) -> None:
    """From the example's dashboard, through the built-in sign-in page and the IdP, and back."""
    page.goto("/dashboard/")
    assert urlsplit(page.url).path == "/api/auth/signin"
    page.get_by_role("button", name="Sign in with Demo IdP").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/idp/login/"))
    expect(page.get_by_role("heading", name="Sign in to Demo IdP")).to_be_visible()
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(base + "/dashboard/")


@pytest.mark.parametrize("version", ["v4", "v5"])
def test_sign_in_with_demo_idp(
    version: str, request: pytest.FixtureRequest, browser: Browser
) -> None:
    base: str = request.getfixturevalue("demo_url" if version == "v4" else "demo_v5_url")
    context = browser.new_context(base_url=base, viewport={"width": 1200, "height": 860})
    page = context.new_page()

    # A wrong password stays at the IdP, which says so; nothing reaches the example.
    page.goto("/dashboard/")
    page.get_by_role("button", name="Sign in with Demo IdP").click()
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "not-the-password")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_test_id("idp-error")).to_be_visible()
    assert not [c for c in context.cookies() if c["name"].startswith(SESSION_COOKIES[version])]

    sign_in_with_demo_idp(page, base, "alice", "wonderland")
    expect(page.get_by_test_id("dashboard-username")).to_have_text("alice")
    session = page.get_by_test_id("session-json").inner_text()
    assert '"email": "alice@example.com"' in session
    assert f'"image": "{base}/idp/avatar/alice.svg"' in session
    assert '"roles": [\n      "user"\n    ]' in session
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies[SESSION_COOKIES[version]]["httpOnly"] is True
    # The check cookies (state, PKCE verifier, nonce) were spent by the callback.
    assert not [name for name in cookies if re.search(r"\.(state|pkce|nonce)", name)]
    context.close()


def test_staff_claim_becomes_the_staff_role(demo_url: str, browser: Browser) -> None:
    context = browser.new_context(base_url=demo_url)
    page = context.new_page()
    sign_in_with_demo_idp(page, demo_url, "bob", "builder")
    expect(page.get_by_test_id("dashboard-username")).to_have_text("bob")
    response = page.goto("/staff/")
    assert response is not None and response.status == 200
    context.close()


@pytest.fixture(scope="module")
def dev_idp() -> ModuleType:
    """The settings helpers (example_project/example_site/dev_idp.py), without a server."""
    path = REPO / "example_project" / "example_site" / "dev_idp.py"
    spec = importlib.util.spec_from_file_location("example_dev_idp", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("environ", "argv", "origin"),
    [
        ({}, ["manage.py", "runserver"], "http://127.0.0.1:8000"),
        ({}, ["manage.py", "runserver", "9000"], "http://127.0.0.1:9000"),
        ({}, ["manage.py", "runserver", "--noreload", "0.0.0.0:8001"], "http://127.0.0.1:8001"),
        ({}, ["manage.py", "runserver", "[::]:8002"], "http://[::1]:8002"),
        ({}, ["manage.py", "runserver", "localhost:8003"], "http://localhost:8003"),
        ({}, ["manage.py", "migrate"], "http://127.0.0.1:8000"),
        ({"DEMO_SITE_URL": "https://demo.test/"}, ["m", "runserver", "9"], "https://demo.test"),
    ],
)
def test_site_origin(
    dev_idp: ModuleType, environ: dict[str, str], argv: list[str], origin: str
) -> None:
    assert dev_idp.site_origin(environ, argv) == origin


def test_private_key_is_generated_once(dev_idp: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "idp-private-key.pem"
    first = dev_idp.load_or_create_private_key(path)
    assert first.startswith("-----BEGIN PRIVATE KEY-----")
    assert path.stat().st_mode & 0o777 == 0o600
    assert dev_idp.load_or_create_private_key(path) == first
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left
