"""The github preset and the plain ``"oauth"`` path against a GitHub-shaped server."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from django_nextauth.oauth import OAuthConfig, OAuthError, begin, complete
from tests.conftest import SECRET
from tests.interop.idp.github import CLIENT_ID, CLIENT_SECRET, GitHubState, start_github

pytestmark = pytest.mark.loopback  # a GitHub-shaped server on 127.0.0.1

CALLBACK = "http://localhost:3000/api/auth/callback/github"


@pytest.fixture
def github() -> Iterator[GitHubState]:
    with start_github() as state:
        yield state


def preset(github: GitHubState, **options: object) -> OAuthConfig:
    entry = {"provider": "github", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    entry["enterprise"] = {"base_url": github.base}
    return OAuthConfig.from_settings({**entry, **options}, "test")


def run(config: OAuthConfig, version: str) -> tuple[str, object]:
    start = begin(config, version=version, redirect_uri=CALLBACK, secret=SECRET, secure=False)
    response = httpx.get(start.url, follow_redirects=False)
    params = dict(parse_qsl(urlsplit(response.headers["location"]).query))
    result = complete(
        config,
        version=version,
        params=params,
        cookies={c.name: c.value for c in start.cookies},
        redirect_uri=CALLBACK,
        secret=SECRET,
        secure=False,
    )
    return start.url, result


def test_github_preset(github: GitHubState, version: str) -> None:
    url, result = run(preset(github), version)
    query = urlsplit(url).query
    # Both versions run pkce + state (config.DEFAULT_CHECKS), whatever NextAuth's preset runs.
    if version == "v4":
        assert query.startswith(
            "client_id=gh-client&scope=read%3Auser%20user%3Aemail&response_type=code"
            "&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fapi%2Fauth%2Fcallback%2Fgithub&state="
        )
    else:
        assert query.startswith(
            "scope=read%3Auser+user%3Aemail&response_type=code&client_id=gh-client"
            "&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fapi%2Fauth%2Fcallback%2Fgithub"
            "&state="
        )
    assert "&code_challenge=" in query and query.endswith("&code_challenge_method=S256")
    user = result.user  # type: ignore[attr-defined]
    assert user["name"] == "octocat"
    assert user["email"] == "octocat@github.example"  # the primary entry, lowercased
    assert result.account["providerAccountId"] == "583231"  # type: ignore[attr-defined]
    assert "id_token" not in result.account  # type: ignore[attr-defined]
    token_call = next(r for r in github.requests if r[0] == "POST")
    assert token_call[2]["Accept"] == "application/json"
    assert token_call[2]["Authorization"].startswith("Basic ")


def test_github_public_email_and_post_auth(github: GitHubState, version: str) -> None:
    github.user.update(email="Public@Example.com", name="The Octocat")
    _, result = run(preset(github, client_auth="client_secret_post"), version)
    assert result.user["email"] == "public@example.com"  # type: ignore[attr-defined]
    assert result.user["name"] == "The Octocat"  # type: ignore[attr-defined]
    assert not any(r[1].endswith("/emails") for r in github.requests)


def test_github_wrong_secret_and_iss(github: GitHubState, version: str) -> None:
    with pytest.raises(OAuthError) as caught:
        run(preset(github, client_secret="nope"), version)
    assert "incorrect_client_credentials" in str(caught.value)
    other = preset(github, issuer="https://github.com/login/oauth")
    with pytest.raises(OAuthError, match="iss"):
        run(other, version)


def test_github_without_emails(github: GitHubState, version: str) -> None:
    github.emails.clear()
    _, result = run(preset(github), version)
    assert result.user.get("email") is None  # type: ignore[attr-defined]
