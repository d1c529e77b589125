"""Reference cycles per request, and what the garbage collector then costs.

CPython frees a request by reference counting when nothing cycles back to it. A request
whose ``__dict__`` holds an object that holds the request is a reference cycle: its environ,
cookies, body and whatever hangs off it stay allocated until the cyclic garbage collector
finds them, in a generation-0 collection that runs after every ~700 net allocations of
container objects (a cache that keeps objects alive adds to that count too). The other
benches time with the collector off, as ``timeit`` does; a server runs with it on.

This script serves requests through Django's ``WSGIHandler`` with the collector on and
prints, for each case: the objects one request leaves in cycles, the collections per 1,000
requests, and the time per request with the collector on and off (best of ROUNDS).
Cases: the tiny view under NextAuthMiddleware; a protected read warm (one token again) and
cold (4,096 users' tokens in rotation); ``GET /api/auth/session`` as a browser polls it; and
Django's own SessionMiddleware + AuthenticationMiddleware (its ``request.user`` closure
holds the request: a cycle of Django's, shown for scale).

    python bench/cycles.py [--number 4096] [--rounds 5]
"""

from __future__ import annotations

import argparse
import gc
import sys
from importlib import import_module
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from harness import environ, serve, start_response  # noqa: E402
from middleware import COOKIE, USERS, browser_cookie, handler, session_tokens  # noqa: E402

OTHER = "theme=dark; _ga=GA1.1.123456789.1700000000"
NEXTAUTH = ["django_nextauth.middleware.NextAuthMiddleware"]
DJANGO = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

collections: dict[int, int] = {}


def count_collections(phase: str, info: dict[str, Any]) -> None:
    if phase == "stop":
        collections[info["generation"]] = collections.get(info["generation"], 0) + 1


def left_in_cycles(app: WSGIHandler, env: dict[str, Any]) -> int:
    """How many objects one request leaves that only the cyclic collector frees."""
    gc.collect()
    gc.disable()
    try:
        app(dict(env), start_response).close()
        return gc.collect()
    finally:
        gc.enable()


def timed(app: WSGIHandler, envs: list[dict[str, Any]], number: int, collect: bool) -> float:
    """Microseconds per request; with ``collect``, the collections counted meanwhile."""
    batch = [dict(envs[i % len(envs)]) for i in range(number)]
    gc.collect()
    if not collect:
        gc.disable()
    collections.clear()
    try:
        return serve(app, batch)
    finally:
        gc.enable()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--number", type=int, default=4096)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="alice")
    session = import_module(settings.SESSION_ENGINE).SessionStore()  # as SessionMiddleware
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()

    ours = handler(NEXTAUTH)
    cookies = [f"{OTHER}; {COOKIE}={token}" for token in session_tokens(USERS)]
    poll = browser_cookie(ours, cookies[0])
    cases: dict[str, tuple[WSGIHandler, list[dict[str, Any]]]] = {
        "tiny view, NextAuthMiddleware": (ours, [environ("/a", cookies[0])]),
        "protected read, warm": (ours, [environ("/n", cookies[0])]),
        f"protected read, cold ({USERS} users)": (ours, [environ("/n", c) for c in cookies]),
        "GET /api/auth/session (poll)": (ours, [environ("/api/auth/session", poll)]),
        "Django's sessions + auth (for scale)": (
            handler(DJANGO),
            [environ("/d", f"{OTHER}; sessionid={session.session_key}")],
        ),
    }
    gc.callbacks.append(count_collections)
    best: dict[tuple[str, bool], float] = {}
    seen: dict[str, dict[int, int]] = {}
    for app, envs in cases.values():
        timed(app, envs, len(envs), collect=False)  # warm-up: imports, keys, the token cache
    for _ in range(args.rounds):
        for name, (app, envs) in cases.items():
            for collect in (True, False):
                value = timed(app, envs, args.number, collect)
                if value < best.get((name, collect), float("inf")):
                    best[name, collect] = value
                    if collect:
                        seen[name] = dict(collections)
    gc.callbacks.remove(count_collections)
    print(f"requests per round: {args.number}, rounds: {args.rounds} (best shown)")
    header = ("case", "in cycles", "gc per 1,000 (gen 0/1/2)", "gc on", "off")
    print("{:40s} {:>9s} {:>25s} {:>8s} {:>8s}".format(*header))
    for name, (app, envs) in cases.items():
        cycles = left_in_cycles(app, envs[0])
        per = [seen[name].get(gen, 0) * 1000 / args.number for gen in (0, 1, 2)]
        runs = "/".join(f"{n:.1f}" for n in per)
        on, off = best[name, True], best[name, False]
        print(f"{name:40s} {cycles:9d} {runs:>25s} {on:7.2f}u {off:7.2f}u ({on / off - 1:+.1%})")


if __name__ == "__main__":
    main()
