"""Which of the package's modules a real request passes through, and how often it calls in.

A ``sys.setprofile`` tracer over whole requests through Django's test client (the tests'
settings, SQLite in memory): for each walk, the package modules entered, the calls into
the package's functions, and how often the path came back to a module it had already left
(a path that goes down the layers and stays there has few returns).

    python bench/trace_path.py

Walks: a cold request with a session cookie to a ``@login_required_session`` view; a
credentials sign-in (``POST /api/auth/callback/credentials``); ``GET /api/auth/session``.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from django_nextauth.session import strategy  # noqa: E402

PACKAGE = str(ROOT / "django_nextauth") + os.sep


def trace(request: Callable[[], Any]) -> tuple[list[str], int, int]:
    """(modules entered in order of first entry, calls into the package, returns to a module
    left before) while ``request()`` runs."""
    modules: list[str] = []
    calls = 0
    returns = 0
    last: str | None = None

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal calls, returns, last
        if event != "call":
            return
        filename = frame.f_code.co_filename
        if not filename.startswith(PACKAGE):
            return
        module = filename[len(PACKAGE) :].removesuffix(".py").replace(os.sep, ".")
        calls += 1
        if module != last:
            if module in modules:
                returns += 1
            else:
                modules.append(module)
            last = module

    sys.setprofile(profile)
    try:
        request()
    finally:
        sys.setprofile(None)
    return modules, calls, returns


def main() -> None:
    call_command("migrate", verbosity=0)
    get_user_model().objects.create_user("alice", "alice@example.com", "pw")
    client = Client()
    csrf = client.get("/api/auth/csrf").json()["csrfToken"]
    body = urlencode({"username": "alice", "password": "pw", "csrfToken": csrf})

    def sign_in() -> Any:
        form = "application/x-www-form-urlencoded"
        return client.post("/api/auth/callback/credentials", body, content_type=form)

    walks: dict[str, Callable[[], Any]] = {"credentials sign-in": sign_in}
    sign_in()  # warm: imports, URL resolver, settings

    def cold_protected() -> Any:
        strategy().tokens.clear()  # type: ignore[attr-defined]  # as an unseen user's request
        return client.get("/decorators/protected/")

    walks["cold request with a cookie"] = cold_protected
    walks["GET /api/auth/session"] = lambda: client.get("/api/auth/session")
    for name, walk in walks.items():
        walk()  # once untraced: lazy imports and caches of the first request
        modules, calls, returns = trace(walk)
        print(f"{name}: {len(modules)} modules, {calls} calls, {returns} returns to a module left")
        print("   ", " > ".join(modules))


if __name__ == "__main__":
    main()
