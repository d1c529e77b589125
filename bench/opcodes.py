"""Bytecodes per request: where the middleware's time goes, counted instead of timed.

Timings of a few microseconds move by ~1 us from run to run; the number of Python bytecode
instructions a request executes does not move at all. This script runs one request through
each middleware (the view reads the session user, as ``bench/middleware.py``'s views do) with
a ``sys.settrace`` opcode tracer on, and prints how many bytecodes each module and each
function executed: NextAuthMiddleware warm (a token-cache hit) and cold (a token not seen
before), and ``bench/floors.py``'s lean floors of a hit and a miss and its reference
middleware. Parsing the ``Cookie`` header (Django's, ~170 bytecodes) is in every row.
The same with twenty more cookies in the jar, signed in and signed out, as a browser's jar
often is (the package's own share is what changes with it).
Then whole requests through Django's ``WSGIHandler``: the tiny view, ``bench/floors.py``'s
bare-bones poll and ``GET /api/auth/session`` as a browser polls it (the session cookie
re-issued, the CSRF and callback-url cookies of the first answer sent back).

C code (AES-GCM, ``json``, dict lookups) runs no bytecodes, so a count is not a cost: it shows
the per-request Python around the crypto, which is what issue 21's warm and cold targets are
about (on this project's machine a bytecode of this path costs ~25-35 ns in process).

With ``--poll``, the polled ``GET /api/auth/session`` is broken down too: the bytecodes of
each module against the tiny view's and the bare-bones poll's, and the package's functions
with how many times each ran.

    python bench/opcodes.py [--top 25] [--poll]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.core.handlers.wsgi import WSGIHandler, WSGIRequest  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from floors import LeanHitMiddleware, LeanMissMiddleware, ReferenceMiddleware  # noqa: E402
from harness import environ, nextauth, start_response  # noqa: E402
from middleware import (  # noqa: E402 (configures the settings)
    COOKIE,
    browser_cookie,
    handler,
    reference,
    session_tokens,
)

from django_nextauth.middleware import NextAuthMiddleware  # noqa: E402

OTHER = "theme=dark; _ga=GA1.1.123456789.1700000000"
#: A fuller browser jar: twenty more cookies of other parts of the site.
JAR = "; ".join(f"pref{i}=value{i}" for i in range(20))
POLL_ROWS = ("tiny view", "bare-bones poll (floor)", "GET /api/auth/session")
ROOT = str(Path(__file__).resolve().parent.parent) + "/"
STDLIB = re.compile(r"^.*/lib/python3\.\d+/")


def shows_session_user(request: HttpRequest) -> HttpResponse:
    """A page that reads the session user, signed in or not (its "sign in" link, say)."""
    return HttpResponse("ok" if request.session_user.is_authenticated else "sign in")  # type: ignore[attr-defined]


def where(frame: FrameType) -> tuple[str, str]:
    """(module, module:function) of a frame, the path shortened to what names it."""
    filename = STDLIB.sub("", frame.f_code.co_filename)
    for marker in ("/site-packages/", ROOT):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    module = filename.removesuffix(".py")
    return module, f"{module}:{frame.f_code.co_name}"


def count(
    serve: Callable[[], Any], calls: Counter[str] | None = None
) -> tuple[Counter[str], Counter[str]]:
    """Bytecodes per module and per function while ``serve()`` runs (and into ``calls``,
    when given, how many times each function was called)."""
    modules: Counter[str] = Counter()
    functions: Counter[str] = Counter()

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        frame.f_trace_lines = False
        if event == "opcode":
            module, function = where(frame)
            modules[module] += 1
            functions[function] += 1
        elif event == "call" and calls is not None:
            calls[where(frame)[1]] += 1
        return tracer

    sys.settrace(tracer)
    try:
        serve()
    finally:
        sys.settrace(None)
    return modules, functions


def package_share(modules: Counter[str]) -> int:
    """How many of the bytecodes ran in django_nextauth's own modules."""
    return sum(n for module, n in modules.items() if module.startswith("django_nextauth"))


def one_request(middleware: Callable[[HttpRequest], Any], cookie: str) -> Callable[[], Any]:
    """The middleware called with a request built beforehand (as a handler hands it one)."""
    return partial(middleware, WSGIRequest(environ("/", cookie)))


def whole_request(app: WSGIHandler, path_info: str, cookie: str) -> Callable[[], None]:
    """One request through Django's ``WSGIHandler``, as a server makes it; a 200."""
    env = environ(path_info, cookie)  # built beforehand, as a server's own work
    return lambda: app(env, start_response).close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--poll", action="store_true", help="break the session poll down")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    warm, cold, unseen = (f"{OTHER}; {COOKIE}={token}" for token in session_tokens(3))
    ours = NextAuthMiddleware(nextauth)
    ours(WSGIRequest(environ("/", warm)))  # the warm token in the cache; the code warmed up
    cases = {
        "nextauth warm": (ours, warm),
        "nextauth cold": (ours, cold),
        "lean cache hit (floor)": (LeanHitMiddleware(nextauth), warm),
        "lean miss (floor)": (LeanMissMiddleware(nextauth), unseen),
        "reference": (ReferenceMiddleware(reference), warm),
    }
    counted = {name: count(one_request(app, cookie)) for name, (app, cookie) in cases.items()}
    base = sum(counted["reference"][0].values())
    print("bytecodes per request, the view and Django's Cookie parsing included:")
    for name, (modules, _functions) in counted.items():
        total = sum(modules.values())
        ours_part = package_share(modules)
        print(
            f"  {name:24s} {total:5d}  ({total / base:.2f}x the reference; "
            f"{ours_part} in django_nextauth)"
        )
    print(f"\nwith {JAR.count(';') + 1} more cookies in the jar:")
    shows = NextAuthMiddleware(shows_session_user)
    for name, cookie in (("nextauth warm", f"{JAR}; {warm}"), ("nextauth signed out", JAR)):
        modules, _functions = count(one_request(shows, cookie))
        ours_part = package_share(modules)
        print(f"  {name:24s} {sum(modules.values()):5d}  ({ours_part} in django_nextauth)")
    polls = {
        POLL_ROWS[0]: (handler([]), "/a", OTHER),
        POLL_ROWS[1]: (handler([]), "/reference-session", warm),
        POLL_ROWS[2]: (
            handler(["django_nextauth.middleware.NextAuthMiddleware"]),
            "/api/auth/session",
            "",
        ),
    }
    print("\nwhole requests through WSGIHandler (bytecodes per request):")
    whole: dict[str, tuple[Counter[str], Counter[str]]] = {}
    calls: Counter[str] = Counter()
    for name, (app, path_info, cookie) in polls.items():
        cookie = cookie or browser_cookie(app, warm)
        for _ in range(3):  # URL resolution, the views and the token cache warmed up
            app(environ(path_info, cookie), start_response).close()
        whole[name] = count(whole_request(app, path_info, cookie), calls)
        print(f"  {name:24s} {sum(whole[name][0].values()):5d}")
    if args.poll:
        print_poll(whole, calls, args.top)
    for name in ("nextauth warm", "nextauth cold"):
        modules, functions = counted[name]
        print(f"\n{name}, by module:")
        for module, n in modules.most_common():
            print(f"  {n:5d}  {module}")
        print(f"{name}, the {args.top} functions that run the most bytecodes:")
        for function, n in functions.most_common(args.top):
            print(f"  {n:5d}  {function}")


def print_poll(
    whole: dict[str, tuple[Counter[str], Counter[str]]], calls: Counter[str], top: int
) -> None:
    """The poll's bytecodes by module beside the tiny view's and the bare-bones poll's, then
    the package's functions that run the most (with their calls in that request)."""
    tiny, floor, poll = (whole[name][0] for name in POLL_ROWS)
    print("\nGET /api/auth/session by module (poll, tiny view, bare-bones poll, poll - tiny):")
    for module in sorted(poll.keys() | floor.keys(), key=lambda m: tiny[m] - poll[m]):
        if poll[module] == tiny[module] == floor[module]:
            continue  # Django's and the server's own, the same in all three
        print(
            f"  {poll[module]:5d} {tiny[module]:5d} {floor[module]:5d} "
            f"{poll[module] - tiny[module]:5d}  {module}"
        )
    functions = whole[POLL_ROWS[2]][1]
    ours = Counter({f: n for f, n in functions.items() if f.startswith("django_nextauth")})
    print(f"GET /api/auth/session, the package's {top} functions that run the most bytecodes:")
    for function, n in ours.most_common(top):
        print(f"  {n:5d} {calls[function]:3d}x  {function}")


if __name__ == "__main__":
    main()
