"""Per-request cost of each session strategy, beside Django's own database sessions.

Every configuration runs through Django's ``WSGIHandler`` with the same cookies and a
view that reads the signed-in user (``request.session_user``; Django's:
``request.user``), one warm token per configuration (the JWT decrypted-token cache
hit, the common case: a browser sends the same cookie on every request):

  bare                  no middleware, the view reads nothing;
  jwt                   NextAuthMiddleware, JWT strategy (no I/O);
  jwt+revocation        ... with SESSION["REVOCATION_CACHE"] on Redis (one get_many);
  jwt+revocation/60s    ... with REVOCATION_CHECK_INTERVAL = 60 (the cache skipped);
  database sqlite       SESSION["STRATEGY"] = "database", one query (SQLite file);
  database postgres     ... on PostgreSQL (TCP on loopback);
  django sqlite         SessionMiddleware + AuthenticationMiddleware, for scale;
  django postgres       ... on PostgreSQL.

Then the database strategy's read alone (``django_nextauth/db/lookup.py``), on each
database: the plain queryset (compiled on every call) against the SQL compiled once.

Best of REPEAT interleaved runs of NUMBER requests; added cost = figure minus bare.
PostgreSQL and Redis come from ``tests/multiprocess/services.py`` (``.ci/services`` starts them).

    python bench/strategies.py [--number 200] [--repeat 15]
"""

from __future__ import annotations

import argparse
import gc
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import django
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.multiprocess.services import (  # noqa: E402
    REDIS_URL,
    create_database,
    drop_database,
    postgres_params,
    require,
)

SECRET = "bench-secret-bench-secret-bench-secret-0123"
COOKIE = "next-auth.session-token"
PG_NAME = f"nextauth_bench_{secrets.token_hex(3)}"
_pg = postgres_params(PG_NAME)


class Router:
    """Sends every query to the database the current configuration measures."""

    current = "default"

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return self.current

    db_for_write = db_for_read

    def allow_relation(self, *args: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, *args: Any, **hints: Any) -> bool:
        return True


settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-not-secret",
    ALLOWED_HOSTS=["testserver"],
    USE_TZ=True,
    ROOT_URLCONF=__name__,
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(tempfile.mkdtemp(prefix="nextauth-bench-"), "db.sqlite3"),
            "CONN_MAX_AGE": None,
        },
        "postgres": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": PG_NAME,
            "USER": _pg["user"],
            "PASSWORD": _pg["password"],
            "HOST": _pg["host"],
            "PORT": _pg["port"],
            "CONN_MAX_AGE": None,
        },
    },
    DATABASE_ROUTERS=[f"{__name__}.Router"],
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"bench-{PG_NAME}",
        },
    },
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django_nextauth",
        "django_nextauth.db",
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
from django.db import connections  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import path  # noqa: E402
from harness import bare, django_auth, environ, nextauth, start_response  # noqa: E402

from django_nextauth.adapters import hash_token  # noqa: E402
from django_nextauth.db import lookup  # noqa: E402
from django_nextauth.session import flush, login  # noqa: E402

NEXTAUTH = "django_nextauth.middleware.NextAuthMiddleware"
DJANGO = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]


urlpatterns = [path("a", bare), path("n", nextauth), path("d", django_auth)]


class Config:
    """One measured configuration: settings, database, middleware, path and cookie."""

    def __init__(
        self, database: str, middleware: list[str], path_info: str, cookie: str, **nextauth: Any
    ) -> None:
        self.database, self.nextauth = database, {"SECRET": SECRET, **nextauth}
        self.middleware, self.env = middleware, environ(path_info, cookie)

    def run(self, number: int) -> float:
        """Microseconds per request (after one untimed request re-fills per-process caches)."""
        Router.current = self.database
        with override_settings(MIDDLEWARE=self.middleware, NEXTAUTH=self.nextauth):
            app = WSGIHandler()
            app(dict(self.env), start_response).close()
            batch = [dict(self.env) for _ in range(number)]
            gc.disable()
            try:
                start = time.perf_counter()
                for env in batch:
                    app(env, start_response).close()
                return (time.perf_counter() - start) / number * 1e6
            finally:
                gc.enable()


def cookies_for(database: str) -> tuple[str, str, str]:
    """(JWT cookie, database-session cookie, Django sessionid) of a user in ``database``."""
    Router.current = database
    call_command("migrate", database=database, verbosity=0)
    user = User.objects.create_user("alice", "alice@example.com", "pw", first_name="Alice")
    claims = {"name": "Alice", "email": "alice@example.com", "sub": str(user.pk)}
    cookies = []
    for strategy in ("jwt", "database"):
        with override_settings(NEXTAUTH={"SECRET": SECRET, "SESSION": {"STRATEGY": strategy}}):
            request = RequestFactory().get("/")
            login(request, claims, user=user)
            response = HttpResponse()
            flush(request, response)
            cookies.append(f"{COOKIE}={response.cookies[COOKIE].value}")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return cookies[0], cookies[1], f"sessionid={session.session_key}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--number", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    require("postgres", "redis")
    create_database(PG_NAME)
    try:
        measure(args.number, args.repeat)
    finally:
        connections.close_all()
        drop_database(PG_NAME)


def measure(number: int, repeat: int) -> None:
    jwt, db_sqlite, dj_sqlite = cookies_for("default")
    _jwt, db_pg, dj_pg = cookies_for("postgres")
    revoke = {"REVOCATION_CACHE": "redis"}
    configs = {
        "bare": Config("default", [], "/a", ""),
        "jwt": Config("default", [NEXTAUTH], "/n", jwt),
        "jwt+revocation": Config("default", [NEXTAUTH], "/n", jwt, SESSION=revoke),
        "jwt+revocation/60s": Config(
            "default",
            [NEXTAUTH],
            "/n",
            jwt,
            SESSION={**revoke, "REVOCATION_CHECK_INTERVAL": 60},
        ),
        "database sqlite": Config(
            "default", [NEXTAUTH], "/n", db_sqlite, SESSION={"STRATEGY": "database"}
        ),
        "database postgres": Config(
            "postgres", [NEXTAUTH], "/n", db_pg, SESSION={"STRATEGY": "database"}
        ),
        "django sqlite": Config("default", DJANGO, "/d", dj_sqlite),
        "django postgres": Config("postgres", DJANGO, "/d", dj_pg),
    }
    best = dict.fromkeys(configs, float("inf"))
    for config in configs.values():
        config.run(number)  # warm-up: imports, connections, derived keys
    for _ in range(repeat):
        for name, config in configs.items():  # interleaved: disturbances hit every figure
            best[name] = min(best[name], config.run(number))
    base = best["bare"]
    jwt_added = best["jwt"] - base
    print(f"requests per run: {number}, runs: {repeat} (best run shown)")
    print("us/request   added (minus bare)   added / jwt added")
    for name, value in best.items():
        added = value - base
        ratio = f"{added / jwt_added:6.1f}x" if name != "bare" else ""
        print(f"  {name:20s} {value:8.1f}   {added:8.1f}   {ratio}")
    for database in ("sqlite", "postgres"):
        ours, theirs = best[f"database {database}"] - base, best[f"django {database}"] - base
        print(f"database strategy / Django's sessions, {database}: {ours / theirs:.2f}x (added)")
    print("session lookup, us/call (the database strategy's read alone):")
    for database, cookie in (("default", db_sqlite), ("postgres", db_pg)):
        print(f"  {database}: " + lookup_row(database, cookie.split("=", 1)[1], number, repeat))


def lookup_row(database: str, token: str, number: int, repeat: int) -> str:
    """The plain queryset against the SQL compiled once, best of ``repeat`` runs each."""
    Router.current = database
    token_hash = hash_token(token)
    ways = {
        "plain queryset": lookup.plain_session_and_user,
        "compiled once": lookup.session_and_user,
    }
    best = dict.fromkeys(ways, float("inf"))
    for _ in range(repeat):
        for name, way in ways.items():
            start = time.perf_counter()
            for _ in range(number):
                way(token_hash)
            best[name] = min(best[name], (time.perf_counter() - start) / number * 1e6)
    return ", ".join(f"{name} {us:.1f}" for name, us in best.items())


if __name__ == "__main__":
    main()
