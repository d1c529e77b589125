"""The test site two gunicorn processes serve (``tests/multiprocess/test_two_servers.py``):
PostgreSQL and Redis shared, the strategy from ``NEXTAUTH_MP_STRATEGY``."""

from __future__ import annotations

import os

from tests.multiprocess.services import REDIS_URL, postgres_params

_pg = postgres_params(os.environ["NEXTAUTH_MP_DATABASE"])
_strategy = os.environ.get("NEXTAUTH_MP_STRATEGY", "jwt")

SECRET_KEY = "multiprocess-test-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
USE_TZ = True
ROOT_URLCONF = "tests.multiprocess.site_urls"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _pg["dbname"],
        "USER": _pg["user"],
        "PASSWORD": _pg["password"],
        "HOST": _pg["host"],
        "PORT": _pg["port"],
    }
}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("NEXTAUTH_MP_PREFIX", "mp"),
    }
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django_nextauth",
    "django_nextauth.db",
]
MIDDLEWARE = ["django_nextauth.middleware.NextAuthMiddleware"]
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
NEXTAUTH = {
    "SECRET": "mp-6cJ1U0xoiR8dQh1Xg0o3H1Cq5Yc9ZfZk1w3yQ0Gm2xE=",
    "SESSION": {
        "STRATEGY": _strategy,
        "REVOCATION_CACHE": "default" if _strategy == "jwt" else None,
    },
    "RATE_LIMIT": {"USERNAME": 5, "IP": 100, "WINDOW": 900, "CACHE": "default"},
}
LOGGING = {
    "version": 1,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["console"], "level": "ERROR"}},
}
