"""NextAuthMiddleware alone, on fresh requests: its own cost without Django's handler around it.

``bench/middleware.py`` times whole requests through ``WSGIHandler``; there the middleware's
share moves by a few microseconds from run to run. This script calls the middleware directly
(``process_request``, the view's read of ``request.session_user``, ``process_response``) on
requests built beforehand, each used once (a real request's objects are new too), and the
reference middleware of ``bench/middleware.py`` the same way, interleaved, best of ROUNDS.

COLD: 4,096 users' tokens in rotation (more than the token cache holds): every request
decrypts. WARM: one token again and again (a cache hit). ``cookies`` is the reference's floor:
parsing the ``Cookie`` header alone. The lean rows are ``bench/floors.py``'s floors of a
hit and a miss (no per-request state, one cookie name, no chunks, Bearer, deletion, renewal,
revocation or callbacks), called the same way.

    python bench/middleware_alone.py [--number 16384] [--rounds 5]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.core.handlers.wsgi import WSGIRequest  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from floors import LeanHitMiddleware, LeanMissMiddleware, ReferenceMiddleware  # noqa: E402
from harness import environ  # noqa: E402
from middleware import COOKIE, USERS, session_tokens  # noqa: E402 (configures the settings)

from django_nextauth.middleware import NextAuthMiddleware  # noqa: E402
from django_nextauth.session.base import strategy  # noqa: E402

OTHER = "theme=dark; _ga=GA1.1.123456789.1700000000"
RESPONSE = HttpResponse("ok")


def nextauth(middleware: NextAuthMiddleware) -> Callable[[HttpRequest], None]:
    def run(request: HttpRequest) -> None:
        middleware.process_request(request)
        assert request.session_user.is_authenticated  # type: ignore[attr-defined]
        RESPONSE.headers.pop("Vary", None)
        middleware.process_response(request, RESPONSE)

    return run


def reference(middleware: ReferenceMiddleware) -> Callable[[HttpRequest], None]:
    def run(request: HttpRequest) -> None:
        middleware(request)
        assert request.reference_user.is_authenticated  # type: ignore[attr-defined]

    return run


def lean(middleware_class: type[LeanHitMiddleware]) -> Callable[[HttpRequest], None]:
    def view(request: HttpRequest) -> HttpResponse:
        assert request.session_user.is_authenticated  # type: ignore[attr-defined]
        RESPONSE.headers.pop("Vary", None)
        return RESPONSE

    middleware = middleware_class(view)

    def run(request: HttpRequest) -> None:
        middleware(request)

    return run


def cookies(request: HttpRequest) -> None:
    assert request.COOKIES


def timed(step: Callable[[HttpRequest], None], cookie_headers: list[str], number: int) -> float:
    """Microseconds per request over ``number`` fresh requests."""
    requests = [
        WSGIRequest(environ("/", cookie_headers[i % len(cookie_headers)])) for i in range(number)
    ]
    gc.disable()
    try:
        start = time.process_time()
        for request in requests:
            step(request)
        return (time.process_time() - start) / number * 1e6
    finally:
        gc.enable()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--number", type=int, default=16384)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    tokens = [f"{OTHER}; {COOKIE}={token}" for token in session_tokens(USERS)]
    ours = nextauth(NextAuthMiddleware(lambda request: RESPONSE))
    theirs = reference(ReferenceMiddleware(lambda request: RESPONSE))
    cases = {
        "cookies (parse only)": (cookies, tokens[:1]),
        "reference warm": (theirs, tokens[:1]),
        "nextauth warm": (ours, tokens[:1]),
        "lean cache hit (floor)": (lean(LeanHitMiddleware), tokens[:1]),
        "reference cold": (theirs, tokens),
        "nextauth cold": (ours, tokens),
        "lean miss (floor)": (lean(LeanMissMiddleware), tokens),
    }
    best = dict.fromkeys(cases, float("inf"))
    for _ in range(args.rounds):
        for name, (step, headers) in cases.items():
            strategy().tokens.clear()
            ours(WSGIRequest(environ("/", headers[0])))  # the lean hit reads the cache only
            best[name] = min(best[name], timed(step, headers, args.number))
    print(f"fresh requests per round: {args.number}, rounds: {args.rounds} (best shown)")
    print(f"cold: {USERS} users' tokens in rotation")
    for name, value in best.items():
        print(f"  {name:24s} {value:7.2f} us")
    for path, floor in (("warm", "lean cache hit (floor)"), ("cold", "lean miss (floor)")):
        ratio = best[f"nextauth {path}"] / best[f"reference {path}"]
        print(f"{path}: nextauth / reference = {ratio:.2f}", end="")
        print(f" (the floor: {best[floor] / best[f'reference {path}']:.2f})")


if __name__ == "__main__":
    main()
