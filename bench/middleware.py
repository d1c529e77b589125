"""Per-request cost of NextAuthMiddleware, against a reference decoder and Django's DB sessions.

Every configuration runs through Django's own ``WSGIHandler`` (signals, URL
resolution, response) with the same cookies, and the view reads the signed-in
user. The token carries the README's example claims (name, email, picture, sub,
username, a ``roles`` list) plus what ``login()`` adds (~600 bytes).

  bare       no middleware, the view reads nothing;
  reference  ``bench/floors.py``'s minimal middleware: ``request.COOKIES``, one base64 +
             AES-GCM + ``json.loads`` decode with a cached key, a plain user object;
  nextauth   NextAuthMiddleware, the view reads ``request.session_user``;
  lean       the floor of a token-cache hit (``bench/floors.py``'s ``LeanHitMiddleware``):
             what is left of the warm row without per-request state, chunks, Bearer,
             deletion, renewal; and of a miss (``LeanMissMiddleware``): the same with every
             token decoded, its checks kept, nothing cached;
  session    NextAuthMiddleware and the GET /api/auth/session view (warm), as a browser's
             first poll (the session cookie only: the answer mints the CSRF cookie and sets
             the callback-url cookie) and as its later polls (those two cookies sent back);
  db         SessionMiddleware + AuthenticationMiddleware, ``request.user``
             (SQLite file, persistent connection), for scale.

COLD: 4,096 different users' tokens in rotation (more than the token cache
holds), so every request decrypts. WARM: the same token on every request.
Best of REPEAT interleaved runs of NUMBER requests each, in CPU time of this process
(``time.process_time``), so other work on a shared machine disturbs the figures less.
Added cost = figure minus bare.

    python bench/middleware.py [--number 256] [--repeat 40]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import tracemalloc
from collections.abc import Callable
from functools import partial
from itertools import cycle
from pathlib import Path
from typing import Any

import django
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECRET = "bench-secret-bench-secret-bench-secret-0123"
DB_DIR = tempfile.mkdtemp(prefix="nextauth-bench-")
USERS = 4096
COOKIE = "next-auth.session-token"

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-not-secret",
    ALLOWED_HOSTS=["testserver"],
    USE_TZ=True,
    ROOT_URLCONF=__name__,
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(DB_DIR, "bench.sqlite3"),
            "CONN_MAX_AGE": None,
        }
    },
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django_nextauth",
    ],
    MIDDLEWARE=[],
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    NEXTAUTH={"SECRET": SECRET},
)
django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils.functional import SimpleLazyObject  # noqa: E402
from floors import reference_session  # noqa: E402
from harness import (  # noqa: E402
    bare,
    django_auth,
    environ,
    nextauth,
    serve,
    start_response,
    zipf_order,
)

from django_nextauth.middleware import NextAuthMiddleware  # noqa: E402
from django_nextauth.session import flush, login, session_state  # noqa: E402
from django_nextauth.session.base import strategy  # noqa: E402

README_CLAIMS = {
    "name": "Alice Liddell",
    "email": "alice@example.com",
    "picture": "https://example.com/alice.png",
    "sub": "1",
    "username": "alice",
    "roles": ["staff", "editor"],
}


class SimpleLazyNextAuthMiddleware(NextAuthMiddleware):
    """NextAuthMiddleware with Django's SimpleLazyObject instead of LazyRequestAttribute:
    the row that shows what django_nextauth/lazy.py saves."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        for name, factory in (
            # Through the state: get_session_user would take the proxy for a hand-set user.
            ("session_user", lambda r: session_state(r).user),
            ("session_token", lambda r: session_state(r).claims),
            ("nextauth_session", lambda r: session_state(r).session),
        ):
            setattr(request, name, SimpleLazyObject(partial(factory, request)))


def reference(request: HttpRequest) -> HttpResponse:
    assert request.reference_user.is_authenticated  # type: ignore[attr-defined]
    return HttpResponse("ok")


urlpatterns = [
    path("a", bare),
    path("r", reference),
    path("n", nextauth),
    path("d", django_auth),
    path("api/auth/", include("django_nextauth.urls")),
    # bench/floors.py's bare-bones GET /api/auth/session (bench/opcodes.py counts it).
    path("reference-session", reference_session),
]


def handler(middleware: list[str]) -> WSGIHandler:
    with override_settings(MIDDLEWARE=middleware):
        return WSGIHandler()


def runner(app: Callable[..., Any], environs: list[dict[str, Any]]) -> Callable[[int], float]:
    """Requests cycling through ``environs``; returns microseconds per request."""
    rotation = cycle(environs)

    def run(number: int) -> float:
        batch = [dict(next(rotation)) for _ in range(number)]
        gc.disable()  # as timeit does: collections would land in random runs
        try:
            return serve(app, batch)
        finally:
            gc.enable()

    return run


def browser_cookie(app: WSGIHandler, cookie: str) -> str:
    """``cookie`` plus what a first ``GET /api/auth/session`` sets besides the session cookie
    (the CSRF and callback-url cookies), as a browser sends them on its next polls."""
    response = app(environ("/api/auth/session", cookie), start_response)
    response.close()
    kept = [f"{name}={morsel.coded_value}" for name, morsel in response.cookies.items()]
    set_by_view = [pair for pair in kept if not pair.startswith(COOKIE)]
    assert len(set_by_view) == 2, kept  # the CSRF and callback-url cookies
    return "; ".join([cookie, *set_by_view])


def session_tokens(count: int, version: str = "v4") -> list[str]:
    """``count`` users' tokens as ``login()`` writes them (sid and auth_time included)."""
    cookie = "authjs.session-token" if version == "v5" else COOKIE
    tokens = []
    with override_settings(NEXTAUTH={"SECRET": SECRET, "VERSION": version}):
        for i in range(count):
            request = RequestFactory().get("/")
            login(request, {**README_CLAIMS, "sub": str(i + 1)})
            response = HttpResponse()
            flush(request, response)
            tokens.append(response.cookies[cookie].value)
    return tokens


def cache_bytes_per_entry(app: WSGIHandler, environs: list[dict[str, Any]]) -> float:
    """What the decrypted-token cache holds per token (its claims and session user), by
    tracemalloc: memory still allocated after one request per distinct user, over the cache."""
    cache = strategy().tokens
    count = min(len(environs), cache.size)
    cache.clear()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for env in environs[:count]:
        app(dict(env), start_response).close()
    gc.collect()
    after = tracemalloc.take_snapshot()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    tracemalloc.stop()
    assert len(cache) == count
    return grown / count


def zipf_hit_rate(app: WSGIHandler, tokens: list[str], environs: list[dict[str, Any]]) -> float:
    """The token cache's hit rate when the users come in a Zipf-distributed order (a few
    active, most idle; ``harness.zipf_order``) instead of in rotation: the share of requests
    whose token was cached when they came (each request then served)."""
    cache = strategy().tokens
    cache.clear()
    order = zipf_order(len(tokens), draws=10 * cache.size)
    hits = 0
    for i in order:
        hits += cache.get((tokens[i], (SECRET,), "", "v4")) is not None
        app(dict(environs[i]), start_response).close()
    return hits / len(order)


def main() -> None:
    parser = argparse.ArgumentParser()
    # Many short runs: on a shared machine the best one is the least disturbed.
    parser.add_argument("--number", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    user = User.objects.create_user("alice", "alice@example.com", "pw", first_name="Alice")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()

    other = "theme=dark; _ga=GA1.1.123456789.1700000000"
    tokens = session_tokens(USERS)
    cold_cookies = [f"{other}; {COOKIE}={token}" for token in tokens]
    warm_cookie = cold_cookies[0]

    def env(path_info: str, cookies: list[str]) -> list[dict[str, Any]]:
        return [environ(path_info, cookie) for cookie in cookies]

    nextauth_app = handler(["django_nextauth.middleware.NextAuthMiddleware"])
    reference_app = handler(["floors.ReferenceMiddleware"])
    simple_lazy_app = handler([f"{__name__}.SimpleLazyNextAuthMiddleware"])
    db_app = handler(
        [
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ]
    )
    runs = {
        "bare": runner(handler([]), env("/a", [other])),
        "reference cold": runner(reference_app, env("/r", cold_cookies)),
        "reference warm": runner(reference_app, env("/r", [warm_cookie])),
        "nextauth cold": runner(nextauth_app, env("/n", cold_cookies)),
        "nextauth warm": runner(nextauth_app, env("/n", [warm_cookie])),
        "nextauth warm, SimpleLazyObject": runner(simple_lazy_app, env("/n", [warm_cookie])),
        "lean cache hit (floor)": runner(
            handler(["floors.LeanHitMiddleware"]), env("/n", [warm_cookie])
        ),
        "lean miss (floor)": runner(
            handler(["floors.LeanMissMiddleware"]), env("/n", cold_cookies)
        ),
        # The whole GET /api/auth/session view (JSON answer, the session cookie re-issued),
        # warm: a first poll (the CSRF and callback-url cookies minted and set) ...
        "GET /api/auth/session warm, first poll": runner(
            nextauth_app, env("/api/auth/session", [warm_cookie])
        ),
        # ... and a later one: a browser sends back the cookies the first answer set.
        "GET /api/auth/session warm, browser cookies": runner(
            nextauth_app, env("/api/auth/session", [browser_cookie(nextauth_app, warm_cookie)])
        ),
        "db session": runner(db_app, env("/d", [f"{other}; sessionid={session.session_key}"])),
    }
    best = dict.fromkeys(runs, float("inf"))
    for run in runs.values():
        run(USERS)  # warm-up: imports, derived keys, one pass over the rotation
    for _ in range(args.repeat):
        for name, run in runs.items():  # interleaved: a disturbance hits every figure alike
            best[name] = min(best[name], run(args.number))

    base = best["bare"]
    added = {name: value - base for name, value in best.items()}
    print(f"token: {len(tokens[0])} bytes (README claims + sid/auth_time/iat/exp/jti), v4")
    print(f"requests per run: {args.number}, runs: {args.repeat} (best run shown), cold: {USERS}")
    print("us/request (added = minus bare):")
    for name, value in best.items():
        print(f"  {name:44s} {value:8.2f}   added {added[name]:7.2f}")
    cold = added["nextauth cold"] / added["reference cold"]
    warm = added["nextauth warm"] / added["reference warm"]
    print(f"cold: nextauth added / reference added = {cold:.2f}")
    print(f"warm: nextauth added / reference added = {warm:.2f}")
    lean = added["lean cache hit (floor)"] / added["reference warm"]
    print(f"warm: lean cache hit added / reference added = {lean:.2f} (the floor of a hit)")
    lean = added["lean miss (floor)"] / added["reference cold"]
    print(f"cold: lean miss added / reference added = {lean:.2f} (the floor of a miss)")
    saved = best["nextauth warm, SimpleLazyObject"] - best["nextauth warm"]
    print(f"LazyRequestAttribute saves {saved:.2f} us/request over SimpleLazyObject")
    for poll in ("first poll", "browser cookies"):
        name = f"GET /api/auth/session warm, {poll}"
        print(f"{name} / bare = {best[name] / base:.2f}")
    scale = added["db session"] / added["nextauth cold"]
    print(f"for scale: db session added / nextauth cold added = {scale:.1f}")
    hit_rate = zipf_hit_rate(nextauth_app, tokens, env("/n", cold_cookies))
    expected = hit_rate * added["nextauth warm"] + (1 - hit_rate) * added["nextauth cold"]
    print(
        f"token cache, {USERS} users in a Zipf order: {hit_rate:.1%} hits, so ~{expected:.1f} us "
        "added per request (hits at the warm figure, misses at the cold one)"
    )
    per_entry = cache_bytes_per_entry(nextauth_app, env("/n", cold_cookies))
    print(f"token cache: {per_entry / 1024:.1f} KiB per entry (tracemalloc)")


if __name__ == "__main__":
    main()
