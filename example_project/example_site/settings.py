"""Settings of the django-nextauth example project.

Everything a real project needs for django-nextauth is marked with ``# django-nextauth``.
Environment variables:

- ``AUTH_SECRET``: the NextAuth secret (share it with a Next.js app to share sessions).
  Unset, a development-only default is used, and only while DEBUG is on.
- ``DJANGO_DEBUG``: ``0`` turns DEBUG off (default on: this is a demo).
- ``DEMO_DB_PATH``: the SQLite file (default ``example_project/db.sqlite3``).
- ``DEMO_CUSTOM_SIGNIN``: ``1`` serves the custom sign-in template
  (``custom_templates/nextauth/signin.html``, in the site's own look) instead of the built-in one.
- ``DEMO_DEFAULT_CALLBACKS``: ``1`` leaves out the demo's ``jwt`` and ``session`` callbacks, so
  sessions carry only NextAuth's default ``name``, ``email`` and ``image``.
- ``DEMO_SESSION_STRATEGY``: ``database`` keeps sessions in the database (the optional
  ``django_nextauth.db`` app; ``manage.py runserver`` migrates it) instead of the JWT
  cookie. See docs/sessions.md.
- ``NEXTAUTH_URL``: the public origin when browsers reach Django through another server, e.g.
  ``http://localhost:3000`` behind the Next.js example app (``example_nextjs/``). Unset: the
  request's own host.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("DJANGO_DEBUG", "1") != "0"

# DEVELOPMENT ONLY. Never deploy with these defaults: set DJANGO_SECRET_KEY and AUTH_SECRET.
DEV_ONLY_SECRET_KEY = "django-insecure-example-project-development-only"
DEV_ONLY_AUTH_SECRET = "development-only-auth-secret-do-not-deploy-0123456789"

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or DEV_ONLY_SECRET_KEY
AUTH_SECRET = os.environ.get("AUTH_SECRET") or DEV_ONLY_AUTH_SECRET
if not DEBUG and (AUTH_SECRET == DEV_ONLY_AUTH_SECRET or SECRET_KEY == DEV_ONLY_SECRET_KEY):
    raise ImproperlyConfigured("Set AUTH_SECRET and DJANGO_SECRET_KEY when DEBUG is off.")

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "demo",  # first, so that its `runserver` (migrate + demo users, then serve) wins
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django_nextauth",  # django-nextauth
    "django_nextauth.db",  # django-nextauth: users, accounts, e-mail sign-in tokens
    "rest_framework",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # django-nextauth. On a site with Django's sessions and auth (the admin), put it after
    # "django.contrib.auth.middleware.AuthenticationMiddleware"; the demo has neither.
    "django_nextauth.middleware.NextAuthMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

CUSTOM_SIGNIN = os.environ.get("DEMO_CUSTOM_SIGNIN") == "1"
DEFAULT_CALLBACKS = os.environ.get("DEMO_DEFAULT_CALLBACKS") == "1"
SESSION_STRATEGY = os.environ.get("DEMO_SESSION_STRATEGY") or "jwt"

ROOT_URLCONF = "example_site.urls"
WSGI_APPLICATION = "example_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Templates here override the app templates of the same name: this is how you replace
        # nextauth/signin.html (and signout.html, error.html) with your own.
        "DIRS": [BASE_DIR / "custom_templates"] if CUSTOM_SIGNIN else [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csrf",
                "django_nextauth.context_processors.session",  # django-nextauth
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DEMO_DB_PATH") or BASE_DIR / "db.sqlite3",
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# The whole NextAuth configuration (every key and its default: docs/settings.md).
NEXTAUTH = {  # django-nextauth
    "SECRET": AUTH_SECRET,
    "VERSION": "v4",
    "URL": os.environ.get("NEXTAUTH_URL") or None,
    "SESSION": {"STRATEGY": SESSION_STRATEGY},  # "jwt" (the default) or "database"
    "PROVIDERS": [
        {
            "id": "credentials",
            "name": "Demo account",
            "type": "credentials",
            "credentials": {
                "username": {"label": "Username or e-mail", "type": "text", "placeholder": "alice"},
                "password": {"label": "Password", "type": "password"},
            },
            "authorize": "demo.auth.authorize",
            # One limiter key per account, whether a username or an e-mail address was typed.
            "rate_limit_key": "demo.auth.rate_limit_key",
        },
        # Magic links (docs/email.md): the console e-mail backend below prints the link.
        {"type": "email", "from": "Demo <no-reply@localhost>"},
    ],
    "CALLBACKS": {}
    if DEFAULT_CALLBACKS
    else {
        "jwt": "demo.callbacks.jwt",
        "session": "demo.callbacks.session",
    },
}

# Mail goes to the runserver console (docs/email.md shows SMTP and provider backends).
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "django_nextauth.contrib.rest_framework.NextAuthAuthentication",  # django-nextauth
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "django_nextauth.contrib.rest_framework.IsSessionAuthenticated",  # django-nextauth
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
