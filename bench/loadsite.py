"""The site ``bench/load.py`` serves under gunicorn and uvicorn: settings, URLs and views in one
module, configured from the environment by the driver.

``BENCH_MODE``:
  plain      Django without django-nextauth (the floor, and the memory baseline);
  jwt        NextAuthMiddleware, JWT sessions;
  jwt-redis  the same, revocation checked in Redis on every request;
  database   NextAuthMiddleware, database sessions on PostgreSQL;
  django     Django's own SessionMiddleware + AuthenticationMiddleware on PostgreSQL;
  reference  ``bench/floors.py``'s minimal JWE-cookie middleware (one bare decrypt per
             request), for the floor of a protected view;
  lean-miss  ``bench/floors.py``'s ``LeanMissMiddleware`` (every token decrypted with
             NextAuth's checks, nothing cached, no state for the response), for the floor
             of a protected view that misses the token cache.

Routes: ``/tiny`` (reads nothing), ``/protected`` (``@login_required_session``, or Django's
``login_required`` in ``django`` mode), ``/atiny`` (an async view, for ASGI) and
``/api/auth/*``.
"""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

MODE = os.environ.get("BENCH_MODE", "jwt")
SECRET = "bench-6cJ1U0xoiR8dQh1Xg0o3H1Cq5Yc9ZfZk1w3yQ0Gm2xE="
POSTGRES = {
    "ENGINE": "django.db.backends.postgresql",
    "NAME": os.environ.get("BENCH_DB", "nextauth_bench"),
    "USER": "postgres",
    "HOST": "127.0.0.1",
    "PORT": "5432",
    "CONN_MAX_AGE": None,  # persistent connections, as a production site has
    # Which case's server a backend serves: bench/load.py times each case's backends.
    "OPTIONS": {"application_name": os.environ.get("BENCH_CASE", "bench")},
}

SECRET_KEY = "bench-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
USE_TZ = True
ROOT_URLCONF = __name__
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
DATABASES = {"default": POSTGRES}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
INSTALLED_APPS: list[str] = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
]
MIDDLEWARE: list[str] = []
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
NEXTAUTH: dict[str, Any] = {}
CACHES: dict[str, Any] = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOGGING = {"version": 1, "disable_existing_loggers": False}

if MODE == "reference":
    MIDDLEWARE = ["bench.floors.ReferenceMiddleware"]
    NEXTAUTH = {"SECRET": SECRET}
elif MODE == "lean-miss":
    MIDDLEWARE = ["bench.floors.LeanMissMiddleware"]
    NEXTAUTH = {"SECRET": SECRET}
elif MODE == "django":
    MIDDLEWARE = [
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ]
elif MODE != "plain":
    INSTALLED_APPS += ["django_nextauth", "django_nextauth.db"]
    MIDDLEWARE = ["django_nextauth.middleware.NextAuthMiddleware"]
    NEXTAUTH = {
        "SECRET": SECRET,
        "URL": "http://127.0.0.1",
        "SESSION": {"STRATEGY": "database" if MODE == "database" else "jwt"},
    }
    if MODE == "jwt-redis":
        CACHES["revocations"] = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/3",
        }
        NEXTAUTH["SESSION"]["REVOCATION_CACHE"] = "revocations"


def tiny(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


async def atiny(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def _protected() -> Any:
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    def reference(request: HttpRequest) -> HttpResponse:
        if request.reference_user is None:  # type: ignore[attr-defined]
            return HttpResponse(status=403)
        return HttpResponse("ok")

    def lean(request: HttpRequest) -> HttpResponse:
        if not request.session_user.is_authenticated:  # type: ignore[attr-defined]
            return HttpResponse(status=403)
        return HttpResponse("ok")

    if MODE == "django":
        return login_required(view)
    if MODE == "reference":
        return reference
    if MODE == "lean-miss":
        return lean
    if MODE == "plain":
        return view
    from django_nextauth import login_required_session  # the package is not installed in plain

    return login_required_session(view)


urlpatterns = [
    path("tiny", tiny),
    path("atiny", atiny),
    path("protected", _protected()),
]
if MODE == "reference":
    from bench.floors import reference_session  # needs the settings: configured above

    urlpatterns.append(path("api/auth/session", reference_session))
elif MODE not in ("plain", "django", "lean-miss"):
    urlpatterns.append(path("api/auth/", include("django_nextauth.urls")))


def _application() -> Any:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", __name__)
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def _asgi() -> Any:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", __name__)
    from django.core.asgi import get_asgi_application

    return get_asgi_application()


if os.environ.get("BENCH_SERVER") == "asgi":
    asgi_application = _asgi()
elif os.environ.get("BENCH_SERVER") == "wsgi":
    application = _application()
