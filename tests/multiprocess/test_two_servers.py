"""Two gunicorn processes of one site, sharing PostgreSQL and Redis (issue 12).

Each strategy gets its own pair of servers, A and B, as behind a load balancer: a
browser's cookies go to both (cookies ignore ports). Signed in on A means signed in on
B; a sign-out on A ends the session on B at its next request; ``everywhere=true`` on A
ends sessions held on B; 30 wrong passwords sent at once over both servers reach
``authorize`` exactly 5 times. No answer is a 5xx.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from threading import Barrier
from typing import Any

import httpx
import pytest

from tests.multiprocess.services import create_database, drop_database, require

pytestmark = [pytest.mark.multiprocess, pytest.mark.services]

REPO = Path(__file__).resolve().parents[2]
SETTINGS = "tests.multiprocess.site_settings"
RUN = secrets.token_hex(4)
STATUSES: list[int] = []
#: One connection pool for every simulated browser (each sends its own Cookie header).
HTTP = httpx.Client(timeout=30, trust_env=False, limits=httpx.Limits(max_connections=64))


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(database: str, strategy: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "PYTHONPATH": str(REPO),
        "NEXTAUTH_MP_DATABASE": database,
        "NEXTAUTH_MP_STRATEGY": strategy,
        "NEXTAUTH_MP_PREFIX": f"mp-{RUN}-{strategy}",
    }


_SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth.models import User
for name in ("alice", "carol", "dave"):
    User.objects.create_user(name, name + "@example.com", "pw")
"""


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    require("postgres", "redis")
    name = f"nextauth_mp_{RUN}"
    create_database(name)
    subprocess.run(
        [sys.executable, "-c", _SETUP], env=_env(name, "jwt"), cwd=REPO, check=True, timeout=120
    )
    yield name
    HTTP.close()
    drop_database(name)


class Server:
    def __init__(self, name: str, database: str, strategy: str, tmp: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / f"{name}.log"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--worker-class",
            "gthread",
            "--workers",
            "1",
            "--threads",
            "16",
            "--log-level",
            "warning",
            "tests.multiprocess.site_wsgi:application",
        ]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, env=_env(database, strategy), cwd=REPO, stdout=log, stderr=log
            )

    def wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                HTTP.get(self.url + "/api/auth/providers", timeout=2)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        pytest.fail(f"gunicorn did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture(scope="module", params=["jwt", "database"])
def servers(
    request: pytest.FixtureRequest, database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, Server]]:
    tmp = tmp_path_factory.mktemp(request.param)
    pair = (Server("A", database, request.param, tmp), Server("B", database, request.param, tmp))
    for server in pair:
        server.wait()
    yield pair
    for server in pair:
        server.stop()
    assert not [status for status in STATUSES if status >= 500], STATUSES


class Browser:
    """Cookies shared across servers (one site), kept as a browser keeps them."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        header = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = HTTP.request(method, url, headers={"Cookie": header}, **kwargs)
        STATUSES.append(response.status_code)
        for line in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(line).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def csrf(self, server: Server) -> str:
        token: str = self.request("GET", server.url + "/api/auth/csrf").json()["csrfToken"]
        return token

    def sign_in(self, server: Server, username: str, password: str = "pw") -> httpx.Response:
        body = {"username": username, "password": password, "csrfToken": self.csrf(server)}
        return self.request(
            "POST", server.url + "/api/auth/callback/credentials", data={**body, "json": "true"}
        )

    def sign_out(self, server: Server, **extra: str) -> httpx.Response:
        body = {"csrfToken": self.csrf(server), **extra}
        return self.request("POST", server.url + "/api/auth/signout", data=body)

    def whoami(self, server: Server) -> dict[str, Any]:
        result: dict[str, Any] = self.request("GET", server.url + "/whoami/").json()
        return result

    def session_cookie(self) -> dict[str, str]:
        return {k: v for k, v in self.cookies.items() if "session-token" in k}


def replaying(cookies: dict[str, str]) -> Browser:
    browser = Browser()
    browser.cookies.update(cookies)
    return browser


def test_sign_in_on_a_read_on_b(servers: tuple[Server, Server]) -> None:
    a, b = servers
    browser = Browser()
    assert browser.sign_in(a, "alice").status_code == 200
    me = browser.whoami(b)
    assert me["authenticated"] is True
    session = browser.request("GET", b.url + "/api/auth/session").json()
    assert session["user"] == {"name": "alice", "email": "alice@example.com"}


def test_sign_out_on_a_refuses_the_old_cookie_on_b(servers: tuple[Server, Server]) -> None:
    a, b = servers
    browser = Browser()
    browser.sign_in(a, "alice")
    copied = browser.session_cookie()
    assert replaying(copied).whoami(b)["authenticated"] is True  # B has seen it valid
    assert browser.sign_out(a).status_code == 302
    assert replaying(copied).whoami(b)["authenticated"] is False
    assert replaying(copied).request("GET", b.url + "/api/auth/session").json() in ({}, None)


def test_sign_out_everywhere_on_a_ends_sessions_held_on_b(servers: tuple[Server, Server]) -> None:
    a, b = servers
    on_b, on_a = Browser(), Browser()
    on_b.sign_in(b, "carol")
    assert on_b.whoami(b)["authenticated"] is True
    on_a.sign_in(a, "carol")
    response = on_a.sign_out(a, everywhere="true")
    assert response.status_code == 302 and "error" not in response.headers["location"]
    assert on_b.whoami(b)["authenticated"] is False
    assert on_b.whoami(a)["authenticated"] is False
    # Signing in again right away (most likely in the same second) works on both.
    assert on_a.sign_in(b, "carol").status_code == 200
    assert on_a.whoami(a)["authenticated"] is True


def test_thirty_concurrent_wrong_passwords_are_refused_after_five(
    servers: tuple[Server, Server],
) -> None:
    a, b = servers
    browsers = [(Browser(), (a, b)[n % 2]) for n in range(30)]
    tokens = [browser.csrf(server) for browser, server in browsers]
    barrier = Barrier(30)

    def attempt(n: int) -> int:
        browser, server = browsers[n]
        body = {"username": "dave", "password": "wrong", "csrfToken": tokens[n], "json": "true"}
        barrier.wait()
        return browser.request(
            "POST", server.url + "/api/auth/callback/credentials", data=body
        ).status_code

    with ThreadPoolExecutor(30) as pool:
        statuses = list(pool.map(attempt, range(30)))
    assert sorted(statuses) == [401] * 5 + [429] * 25
    # And the right password is refused too now: the account is locked for the window.
    assert Browser().sign_in(a, "dave").status_code == 429
