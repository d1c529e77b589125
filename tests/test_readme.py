"""The README's quick-start callbacks, run as written, for every provider type it advertises:
credentials, and OAuth on a site without ``django_nextauth.db`` (``user`` is then a dict)."""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from django.core.cache import cache
from django.test import Client

from django_nextauth import oauth
from tests.interop.idp.github import CLIENT_ID, CLIENT_SECRET, GitHubState, start_github

README = Path(__file__).resolve().parent.parent / "README.md"
FORM = "application/x-www-form-urlencoded"


def readme_block(first_line: str) -> str:
    """The README's Python block that starts with ``first_line``."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    (block,) = [b for b in blocks if b.startswith(first_line)]
    return block


@pytest.fixture(scope="module")
def quick_start() -> types.ModuleType:
    module = types.ModuleType("readme_auth")
    exec(compile(readme_block("# myapp/auth.py"), str(README), "exec"), module.__dict__)
    return module


@pytest.fixture(scope="module")
def github() -> Iterator[GitHubState]:
    with start_github() as server:
        yield server


@pytest.fixture
def configure(
    version: str, nextauth: Callable[..., None], quick_start: types.ModuleType
) -> Callable[..., None]:
    def apply(*providers: Any) -> None:
        callbacks = {"jwt": quick_start.jwt, "session": quick_start.session}
        keys = {"PROVIDERS": list(providers)} if providers else {}  # else: credentials
        nextauth(VERSION=version, CALLBACKS=callbacks, **keys)

    cache.clear()
    oauth.clear_caches()
    return apply


def begin(client: Client, provider_id: str) -> Any:
    token = client.get("/api/auth/csrf").json()["csrfToken"]
    body = urlencode({"csrfToken": token, "callbackUrl": "/after"})
    return client.post(f"/api/auth/signin/{provider_id}", body, content_type=FORM)


@pytest.mark.loopback  # a test server on 127.0.0.1
def test_oauth_without_the_db_app(
    client: Client, github: GitHubState, configure: Callable[..., None], no_adapter: None
) -> None:
    preset = {"provider": "github", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    configure({**preset, "enterprise": {"base_url": github.base}})
    start = begin(client, "github")
    redirect = urlsplit(httpx.get(start["Location"]).headers["location"])
    done = client.get(f"{redirect.path}?{redirect.query}")
    assert done["Location"] == "http://testserver/after"
    user = client.get("/api/auth/session").json()["user"]
    assert user["name"] == "octocat"
    assert user["username"] is None
    assert user["roles"] == []


@pytest.mark.django_db
def test_credentials(
    client: Client, alice: Any, configure: Callable[..., None], django_user_model: Any
) -> None:
    configure()  # the default credentials provider: Django's authenticate()
    django_user_model.objects.filter(pk=alice.pk).update(is_staff=True)
    token = client.get("/api/auth/csrf").json()["csrfToken"]
    body = urlencode({"username": "alice", "password": "pw", "csrfToken": token})
    done = client.post("/api/auth/callback/credentials", body, content_type=FORM)
    assert done.status_code == 302
    assert "error" not in dict(parse_qsl(urlsplit(done["Location"]).query))
    user = client.get("/api/auth/session").json()["user"]
    assert user["username"] == "alice"
    assert user["roles"] == ["staff"]
