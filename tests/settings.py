"""Django settings for the test suite."""

from __future__ import annotations

import importlib.util
import os
from typing import Any

import django

from tests.multiprocess.services import postgres_params

SECRET_KEY = "django-nextauth-tests-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
USE_TZ = True
ROOT_URLCONF = "tests.urls"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
DATABASES: dict[str, dict[str, Any]] = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
}
# PostgreSQL (NEXTAUTH_TEST_POSTGRES), only for the tests that ask for the alias
# (tests/test_adapter_contract_postgres.py): pytest-django creates only the databases in use.
# The test database is per process, so runs from several checkouts do not drop each other's.
_PG = postgres_params()
DATABASES["postgres"] = {
    "ENGINE": "django.db.backends.postgresql",
    "NAME": _PG["dbname"],
    "USER": _PG["user"],
    "PASSWORD": _PG["password"],
    "HOST": _PG["host"],
    "PORT": _PG["port"],
    "TEST": {"NAME": f"test_nextauth_{os.getpid()}", "DEPENDENCIES": []},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests
# Django 6.1 replaces the EMAIL_* settings with MAILERS and warns (an error here) on sending
# without it; the test runner swaps every mailer for locmem either way.
if django.VERSION >= (6, 1):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# pytest-django's live_server wraps the app in Django's static handler, which needs it.
STATIC_URL = "/static/"

HAS_DRF = importlib.util.find_spec("rest_framework") is not None

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django_nextauth",
    "django_nextauth.db",
    "tests.testapp",
    *(["rest_framework"] if HAS_DRF else []),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django_nextauth.middleware.NextAuthMiddleware",
]

AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django_nextauth.context_processors.session",
            ]
        },
    }
]

# A fixed test secret (32 random bytes, base64), the way `npx auth secret` makes one.
NEXTAUTH_TEST_SECRET = "6cJ1U0xoiR8dQh1Xg0o3H1Cq5Yc9ZfZk1w3yQ0Gm2xE="
NEXTAUTH = {"SECRET": NEXTAUTH_TEST_SECRET}
