"""The "oauth" and "oidc" provider types through Django's routes, against real peers.

Raw HTTP with Django's test client: ``POST /signin/<id>``, the real oidc-provider's login
form (``tests/interop/idp/harness.py``), ``GET /callback/<id>``, then ``/session``. Both
shapes of issue 11 (``corp``: OIDC with discovery and pkce + state + nonce; ``acme``:
explicit endpoints, userinfo and a profile hook), the github preset against the
GitHub-shaped server, JSON modes, authorization parameters, form_post, the sign-in page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from django.test import Client

from django_nextauth import oauth
from django_nextauth.dialect import dialect
from django_nextauth.providers import get_provider
from django_nextauth.providers.oidc import OIDCProvider
from tests.interop.idp.github import CLIENT_ID, CLIENT_SECRET, GitHubState, start_github
from tests.interop.idp.harness import CLIENTS, IdP, start_idp

# npm's OpenID provider, a fake GitHub; DEBUG on for the http loopback issuers (loopback_idp)
pytestmark = [pytest.mark.interop, pytest.mark.loopback, pytest.mark.usefixtures("loopback_idp")]

FORM = "application/x-www-form-urlencoded"
AUTH = "http://testserver/api/auth"
IDS = ("corp", "acme", "other", "fp")
SEEN: list[dict[str, Any]] = []


@pytest.fixture(autouse=True)
def _no_adapter(no_adapter: None) -> None:
    """NextAuth without an adapter (nothing stored: ``sub`` is the provider's id). With one
    (``django_nextauth.db`` installed), tests/test_db_linking.py and tests/test_db_oauth.py."""


@pytest.fixture(scope="module")
def idp() -> Iterator[IdP]:
    with start_idp([f"{AUTH}/callback/{i}" for i in IDS]) as server:
        yield server


@pytest.fixture(scope="module")
def github() -> Iterator[GitHubState]:
    with start_github() as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh() -> None:
    oauth.clear_caches()
    SEEN.clear()


def corp(idp: IdP, **extra: Any) -> dict[str, Any]:
    """The issue's first shape, as written (the issuer is the test IdP's)."""
    client_id, secret, _ = CLIENTS["basic"]
    return {
        "id": "corp", "name": "Corp SSO", "type": "oidc", "issuer": idp.issuer,
        "client_id": client_id, "client_secret": secret, "checks": ["pkce", "state", "nonce"],
        **extra,
    }  # fmt: skip


def acme(idp: IdP) -> dict[str, Any]:
    """The issue's second shape. oidc-provider needs an ``openid`` scope, which would turn
    on id_token use (next-auth 4's rule), hence ``id_token: False``; ``issuer``: it sends
    RFC 9207 ``iss`` on every callback."""
    client_id, secret, _ = CLIENTS["basic"]
    return {
        "id": "acme", "name": "Acme", "type": "oauth", "issuer": idp.issuer,
        "authorization": {"url": f"{idp.issuer}/auth", "params": {"scope": "openid email"}},
        "token": f"{idp.issuer}/token", "userinfo": f"{idp.issuer}/me",
        "client_id": client_id, "client_secret": secret,
        "checks": ["pkce", "state"], "profile": f"{__name__}.acme_profile", "id_token": False,
    }  # fmt: skip


def acme_profile(profile: dict[str, Any], tokens: dict[str, Any]) -> dict[str, Any]:
    assert tokens["access_token"]
    return {"id": profile["sub"], "name": f"user {profile['sub']}", "email": profile["email"]}


def record_jwt(*, token: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    if kwargs.get("account") is not None:  # the sign-in call, not later session reads
        SEEN.append({"token": dict(token), **kwargs})
    return token


@pytest.fixture
def configure(version: str, nextauth: Callable[..., None]) -> Callable[..., None]:
    def apply(*providers: Any, **keys: Any) -> None:
        callbacks = {"jwt": f"{__name__}.record_jwt"}
        nextauth(VERSION=version, PROVIDERS=list(providers), CALLBACKS=callbacks, **keys)

    return apply


def begin(client: Client, provider_id: str, query: str = "", **data: str) -> Any:
    token = client.get("/api/auth/csrf").json()["csrfToken"]
    body = urlencode({"csrfToken": token, "callbackUrl": "/after", **data})
    return client.post(f"/api/auth/signin/{provider_id}{query}", body, content_type=FORM)


def sign_in(client: Client, idp: IdP, provider_id: str, *, login: str = "alice") -> Any:
    start = begin(client, provider_id)
    assert start.status_code == 302
    params = idp.authorize(start["Location"], login=login)
    return client.get(f"/api/auth/callback/{provider_id}", params)


def set_cookies(response: Any) -> dict[str, str]:
    return {name: morsel.output(header="") for name, morsel in response.cookies.items()}


def test_oidc_shape_signs_in(client: Client, idp: IdP, version: str, configure: Any) -> None:
    configure(corp(idp))
    rules = dialect(version)
    start = begin(client, "corp")
    assert start.status_code == 302
    assert start["Location"].startswith(f"{idp.issuer}/auth?")
    written = set_cookies(start)
    names = [rules.cookie(k, secure=False) for k in ("state", "pkce_code_verifier", "nonce")]
    assert list(written)[-3:] == names
    state, pkce, nonce = (written[n] for n in names)
    for cookie in (state, pkce):
        assert re.fullmatch(
            r"[^=]+=[\w.-]+; Max-Age=900; Path=/; Expires=[^;]+ GMT; HttpOnly; SameSite=Lax", cookie
        )
    assert re.fullmatch(r"[^=]+=[\w.-]+; Path=/; Expires=[^;]+ GMT; HttpOnly; SameSite=Lax", nonce)

    params = idp.authorize(start["Location"])
    assert params["iss"] == idp.issuer
    done = client.get("/api/auth/callback/corp", params)
    assert done.status_code == 302
    assert done["Location"] == "http://testserver/after"
    cleared = set_cookies(done)
    for name in names:
        assert cleared[name] == f"{name}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
    assert rules.cookie("session_token", secure=False) in cleared

    session = client.get("/api/auth/session").json()
    assert session["user"] == {
        "name": "Alice Liddell",
        "email": "alice@example.com",
        "image": "https://example.com/alice.png",
    }
    (seen,) = SEEN
    account = seen["account"]
    assert account["provider"] == "corp"
    assert account["providerAccountId"] == "alice"
    assert account["type"] == ("oauth" if version == "v4" else "oidc")
    tokens = {"access_token", "id_token", "refresh_token", "expires_at", "scope", "token_type"}
    assert tokens <= set(account)
    assert seen["profile"]["sub"] == "alice"
    assert seen["profile"]["email"] == "alice@Example.COM"  # raw, as NextAuth passes it
    assert seen["trigger"] == "signIn"
    assert seen["user"]["email"] == "alice@example.com"
    assert seen["token"]["sub"] == seen["user"]["id"]
    if version == "v4":
        assert seen["user"]["id"] == "alice"


def test_oauth_shape_with_profile_hook(
    client: Client, idp: IdP, version: str, configure: Any
) -> None:
    configure(acme(idp))
    done = sign_in(client, idp, "acme", login="carol")
    assert done.status_code == 302
    assert done["Location"] == "http://testserver/after"
    session = client.get("/api/auth/session").json()
    assert session["user"] == {"name": "user carol", "email": "carol@example.com"}
    (seen,) = SEEN
    assert seen["account"]["type"] == "oauth"
    assert seen["account"]["providerAccountId"] == "carol"
    assert seen["profile"] == {"sub": "carol", "email": "carol@Example.COM", "email_verified": True}


def test_json_modes_and_authorization_params(
    client: Client, idp: IdP, version: str, configure: Any
) -> None:
    configure(corp(idp))
    headers = {"HTTP_X_AUTH_RETURN_REDIRECT": "1"} if version == "v5" else {}
    token = client.get("/api/auth/csrf").json()["csrfToken"]
    data = {"csrfToken": token, "callbackUrl": "/after"}
    if version == "v4":
        data["json"] = "true"
    response = client.post(
        "/api/auth/signin/corp?prompt=login&login_hint=bob%40example.com",
        urlencode(data),
        content_type=FORM,
        **headers,
    )
    assert response.status_code == 200
    url = response.json()["url"]
    params = dict(parse_qsl(urlsplit(url).query))
    assert params["prompt"] == "login"
    assert params["login_hint"] == "bob@example.com"
    assert dialect(version).cookie("state", secure=False) in response.cookies
    assert idp.authorize(url, login="bob")["code"]


def test_providers_route_and_attribute(
    client: Client, idp: IdP, version: str, configure: Any
) -> None:
    configure(corp(idp), acme(idp), {"provider": "github", "client_id": "x", "client_secret": "y"})
    listed = client.get("/api/auth/providers").json()
    assert [entry["type"] for entry in listed.values()] == (
        ["oauth", "oauth", "oauth"] if version == "v4" else ["oidc", "oauth", "oauth"]
    )
    assert listed["github"] == {
        "id": "github",
        "name": "GitHub",
        "type": "oauth",
        "signinUrl": f"{AUTH}/signin/github",
        "callbackUrl": f"{AUTH}/callback/github",
    }
    provider = get_provider("corp")
    assert isinstance(provider, OIDCProvider)
    assert provider.allow_dangerous_email_account_linking is False


def test_signin_page_buttons(client: Client, idp: IdP, version: str, configure: Any) -> None:
    styled = {"provider": "github", "client_id": "x", "client_secret": "y"}
    hostile = {**acme(idp), "style": {"bg": "red; background: url(x)", "text": "#fff"}}
    configure(corp(idp), styled, hostile)
    page = client.get("/api/auth/signin?callbackUrl=/after").content.decode()
    token = client.cookies[dialect(version).cookie("csrf_token", secure=False)].value
    for provider_id, name in (("corp", "Corp SSO"), ("github", "GitHub"), ("acme", "Acme")):
        form = re.search(
            rf'<form action="{AUTH}/signin/{provider_id}" method="POST"[^>]*class="oauth">'
            r"(.*?)</form>",
            page,
            re.S,
        )
        assert form is not None
        assert f'name="csrfToken" value="{token.split("|")[0]}"' in form[1]
        assert 'name="callbackUrl" value="http://testserver/after"' in form[1]
        assert f"Sign in with {name}</button>" in form[1]
    assert ".provider-github { --provider-bg: #24292f; --provider-text: #fff; }" in page
    assert ".provider-acme { --provider-text: #fff; }" in page  # the hostile bg is dropped
    assert "url(x)" not in page


def test_github_preset(client: Client, github: GitHubState, version: str, configure: Any) -> None:
    configure(
        {
            "provider": "github",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "enterprise": {"base_url": github.base},
        }
    )
    start = begin(client, "github")
    assert start["Location"].startswith(f"{github.base}/login/oauth/authorize?")
    query = dict(parse_qsl(urlsplit(start["Location"]).query))
    assert query["scope"] == "read:user user:email"
    assert "state" in query and "code_challenge" in query  # both, in both versions
    # The GitHub-shaped server redirects straight back (no login form).
    redirect = urlsplit(httpx.get(start["Location"]).headers["location"])
    assert dict(parse_qsl(redirect.query))["iss"] == f"{github.base}/login/oauth"
    done = client.get(f"{redirect.path}?{redirect.query}")
    assert done.status_code == 302
    assert done["Location"] == "http://testserver/after"
    session = client.get("/api/auth/session").json()
    assert session["user"] == {
        "name": "octocat",
        "email": "octocat@github.example",
        "image": "https://avatars.githubusercontent.com/u/583231",
    }
    assert SEEN[0]["account"]["providerAccountId"] == "583231"


def test_form_post(client: Client, idp: IdP, version: str, configure: Any) -> None:
    entry = corp(idp, id="fp", authorization={"params": {"response_mode": "form_post"}})
    configure(entry)
    start = begin(client, "fp")
    written = set_cookies(start)
    rules = dialect(version)
    state, pkce, nonce = (
        written[rules.cookie(k, secure=False)] for k in ("state", "pkce_code_verifier", "nonce")
    )
    assert state.endswith("; HttpOnly; Secure; SameSite=None")
    assert nonce.endswith("; HttpOnly; Secure; SameSite=None")
    assert pkce.endswith("; HttpOnly; SameSite=Lax")
    fields = idp.authorize(start["Location"])
    assert set(fields) >= {"code", "state", "iss"}
    # The query is ignored for form_post: the body carries the response.
    done = client.post("/api/auth/callback/fp?code=forged", urlencode(fields), content_type=FORM)
    assert done.status_code == 302
    assert done["Location"] == "http://testserver/after"
    assert client.get("/api/auth/session").json()["user"]["name"] == "Alice Liddell"


def test_post_callback_without_form_post_reads_the_query(
    client: Client, idp: IdP, version: str, configure: Any
) -> None:
    configure(corp(idp))
    start = begin(client, "corp")
    params = idp.authorize(start["Location"])
    done = client.post(
        "/api/auth/callback/corp?" + urlencode(params), "code=forged", content_type=FORM
    )
    assert done["Location"] == "http://testserver/after"
