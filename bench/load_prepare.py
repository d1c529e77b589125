"""Data for ``bench/load.py``: a fresh PostgreSQL database, USERS users, and one session per
user for each kind of cookie the cases send, written as Lua tables for wrk.

    python bench/load_prepare.py USERS WORKDIR   # prints {"kind": "WORKDIR/kind.lua", ...}

Sessions are made the way a sign-in makes them (``login`` + ``flush`` through the package, and
Django's own ``login``), so the tokens carry what real ones carry (~600 bytes with the README's
claims and a roles list). The ``*-browser`` sets add what a browser sends back to
``/api/auth/session`` after its first poll: the CSRF and callback-url cookies that answer set
(the ``session-*`` cases poll with those; the protected-view cases keep the session cookie only).
``jwt-zipf`` sends the ``jwt`` set's cookies in a Zipf-distributed order (:func:`zipf_order`)
instead of in rotation; ``jwt-active`` the first ACTIVE of them, fewer than the token cache
holds.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["BENCH_MODE"] = "jwt"
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.loadsite"

DB = os.environ.get("BENCH_DB", "nextauth_bench")
#: The users of the ``jwt-active`` set: fewer than the token cache's 1,024 entries.
ACTIVE = 500


def fresh_database() -> None:
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{DB}"')


def lua(path: Path, cookies: list[str], order: list[int] | None = None) -> str:
    """A Lua file returning ``cookies`` (in ``order``, indexes into them, when given)."""
    table = "{\n" + "".join(f"  {json.dumps(c)},\n" for c in cookies) + "}"
    if order is None:
        path.write_text(f"return {table}\n")
    else:
        indexes = ",".join(str(i + 1) for i in order)
        path.write_text(
            f"local c = {table}\nlocal order = {{{indexes}}}\nlocal out = {{}}\n"
            "for i, n in ipairs(order) do out[i] = c[n] end\nreturn out\n"
        )
    return str(path)


def main() -> None:
    users, workdir = int(sys.argv[1]), Path(sys.argv[2])
    fresh_database()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.http import HttpResponse
    from django.test import RequestFactory, override_settings

    from bench.harness import zipf_order
    from django_nextauth.session import flush, login

    call_command("migrate", verbosity=0)
    User.objects.bulk_create(
        User(username=f"user{i}", email=f"user{i}@example.com", first_name="Alice",
             last_name="Liddell", password="!")
        for i in range(users)
    )  # fmt: skip
    people = list(User.objects.order_by("pk"))
    factory = RequestFactory()

    def nextauth_cookie(user: User) -> str:
        request = factory.get("/")
        claims = {
            "name": user.get_full_name(),
            "email": user.email,
            "picture": f"https://example.com/avatars/{user.pk}.png",
            "sub": str(user.pk),
            "username": user.username,
            "roles": ["staff", "editor"],
        }
        login(request, claims, user=user)
        response = HttpResponse()
        flush(request, response)
        return "; ".join(f"{k}={m.value}" for k, m in response.cookies.items() if m.value)

    def browser_cookie(app: WSGIHandler, cookie: str) -> str:
        # One first poll through the whole stack; then the cookies a browser would hold.
        environ = {
            **factory.get("/api/auth/session").environ,
            "HTTP_HOST": "127.0.0.1",
            "HTTP_COOKIE": cookie,
        }
        response = app(environ, lambda status, headers: None)
        response.close()
        assert response.status_code == 200, response.status_code
        jar = dict(pair.split("=", 1) for pair in cookie.split("; "))
        jar.update((name, morsel.coded_value) for name, morsel in response.cookies.items())
        return "; ".join(f"{name}={value}" for name, value in jar.items() if value)

    files = {"none": lua(workdir / "none.lua", [])}
    jwt_cookies = [nextauth_cookie(u) for u in people]
    files["jwt"] = lua(workdir / "jwt.lua", jwt_cookies)
    files["jwt-zipf"] = lua(workdir / "jwt-zipf.lua", jwt_cookies, zipf_order(users))
    files["jwt-active"] = lua(workdir / "jwt-active.lua", jwt_cookies[:ACTIVE])
    app = WSGIHandler()
    browser = [browser_cookie(app, c) for c in jwt_cookies]
    files["jwt-browser"] = lua(workdir / "jwt-browser.lua", browser)
    database = {**settings.NEXTAUTH, "SESSION": {"STRATEGY": "database"}}
    with override_settings(NEXTAUTH=database):
        database_cookies = [nextauth_cookie(u) for u in people]
        files["database"] = lua(workdir / "database.lua", database_cookies)
        browser = [browser_cookie(app, c) for c in database_cookies]
        files["database-browser"] = lua(workdir / "database-browser.lua", browser)
    django_cookies = []
    for user in people:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        django_cookies.append(f"{settings.SESSION_COOKIE_NAME}={store.session_key}")
    files["django"] = lua(workdir / "django.lua", django_cookies)
    print(json.dumps(files))


if __name__ == "__main__":
    main()
