"""Serve the example project for the browser tests, and give them a Chromium.

pytest-django's ``live_server`` would serve ``tests.settings``; the browser tests
exercise the example project exactly as a user runs it, so they start its own
``manage.py runserver`` (which migrates and creates the demo users first) in a
subprocess, on a free loopback port, with a throw-away SQLite file and secret.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT = 120.0
# Per request, for the tests' own HTTP clients. The example's runserver checks real password
# hashes (PBKDF2, over a million rounds on Django 6.x) on two cores the browser and the other
# test worker share: httpx's 5 s default was seen running out in CI.
HTTP_TIMEOUT = 30.0
# The browser's assertions wait up to 20 s, not Playwright's 5 s: the CI machine has run the
# whole suite 2-3x slower than a developer's, and a sign-in crosses two servers and an IdP.
expect.set_options(timeout=20_000)
# Talk to the loopback server directly, even when the environment sets an HTTP proxy.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The example project exited ({process.returncode}):\n{log.read_text()}")
        try:
            with _DIRECT.open(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(f"The example project did not answer {url}:\n{log.read_text()}")


#: Logs of the servers a test module started, by name: a failed test's report shows them.
SERVER_LOGS: dict[str, Path] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Generator[None, Any, None]:
    report = (yield).get_result()
    if report.failed:
        for name, log in SERVER_LOGS.items():
            if log.exists():
                report.sections.append((f"server log: {name}", log.read_text(errors="replace")))


@contextmanager
def serve_example_project(workdir: Path, **extra_env: str) -> Iterator[str]:
    """Run ``example_project/manage.py runserver`` on a free port; yield its base URL."""
    log = workdir / "server.log"
    port = _free_port()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DEMO_", "DJANGO_", "NEXTAUTH_"))
        },
        "DJANGO_SETTINGS_MODULE": "example_site.settings",
        "DEMO_DB_PATH": str(workdir / "db.sqlite3"),
        "AUTH_SECRET": secrets.token_urlsafe(32),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",
        **extra_env,
    }
    command = [
        sys.executable,
        str(REPO / "example_project" / "manage.py"),
        "runserver",
        f"127.0.0.1:{port}",
        "--noreload",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url + "/", process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="package")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the example project as the README starts it, on a fresh database."""
    with serve_example_project(tmp_path_factory.mktemp("example_project")) as url:
        yield url


@pytest.fixture(scope="package")
def custom_signin_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example project with its custom sign-in template (``DEMO_CUSTOM_SIGNIN=1``)."""
    workdir = tmp_path_factory.mktemp("example_project_custom")
    with serve_example_project(workdir, DEMO_CUSTOM_SIGNIN="1") as url:
        yield url


@pytest.fixture(scope="package")
def default_callbacks_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example project without its callbacks (``DEMO_DEFAULT_CALLBACKS=1``)."""
    workdir = tmp_path_factory.mktemp("example_project_default_callbacks")
    with serve_example_project(workdir, DEMO_DEFAULT_CALLBACKS="1") as url:
        yield url


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium (Playwright's own download is not used).

    Package-scoped on purpose: while the sync Playwright API is open it keeps an
    asyncio loop marked as running in the main thread, which would break every
    async test that runs after these.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: .ci/chromium installs it (Debian's `chromium` package);"
            " or leave the browser tests out with `-m 'not e2e'`.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
