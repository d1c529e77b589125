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
- ``DEMO_NEXTAUTH_VERSION``: ``v5`` speaks Auth.js's wire instead of next-auth 4's (``v4``).
- ``NEXTAUTH_URL``: the public origin when browsers reach Django through another server, e.g.
  ``http://localhost:3000`` behind the Next.js example app (``example_nextjs/``). Unset: the
  request's own host.

The Demo IdP (``idp/``: an OpenID provider inside this project, so "Sign in with Demo IdP" works
with no outside service; DEVELOPMENT ONLY):

- ``DEMO_SITE_URL``: this Django server's own origin, which the IdP's issuer (``<origin>/idp/o``)
  is built from. Browsers sign in there, and the example's OIDC provider calls it back-channel
  from inside this process. Unset: the address given to ``runserver`` (``0.0.0.0`` counts as
  ``127.0.0.1``), default ``http://127.0.0.1:8000``. Set it when that is not how the server is
  reached, e.g. behind a proxy.
- ``DEMO_IDP_PRIVATE_KEY``: the IdP's RS256 signing key (PEM). Unset, a key is generated on the
  first run into ``idp-private-key.pem`` next to the SQLite file (git-ignored) and reused.
- ``DEMO_IDP_CLIENT_SECRET``: the seeded client's secret; unset, a development-only default.
  Both are refused when DEBUG is off, like the default secrets above.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .dev_idp import load_or_create_private_key, site_origin

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
DB_PATH = Path(os.environ.get("DEMO_DB_PATH") or BASE_DIR / "db.sqlite3")

# The Demo IdP (idp/): DEVELOPMENT ONLY, see the docstring at the top.
SITE_URL = site_origin(os.environ, sys.argv)
DEMO_IDP_ISSUER = f"{SITE_URL}/idp/o"
DEMO_IDP_CLIENT_ID = "django-nextauth-example"
DEV_ONLY_IDP_CLIENT_SECRET = "demo-idp-client-secret-development-only"
DEMO_IDP_CLIENT_SECRET = os.environ.get("DEMO_IDP_CLIENT_SECRET") or DEV_ONLY_IDP_CLIENT_SECRET
if not DEBUG and (
    not os.environ.get("DEMO_IDP_PRIVATE_KEY")
    or DEMO_IDP_CLIENT_SECRET == DEV_ONLY_IDP_CLIENT_SECRET
):
    raise ImproperlyConfigured(
        "The Demo IdP is for development: set DEMO_IDP_PRIVATE_KEY and DEMO_IDP_CLIENT_SECRET "
        "when DEBUG is off."
    )
DEMO_IDP_PRIVATE_KEY = os.environ.get("DEMO_IDP_PRIVATE_KEY") or load_or_create_private_key(
    DB_PATH.with_name("idp-private-key.pem")
)

INSTALLED_APPS = [
    "demo",  # first, so that its `runserver` (migrate + demo users, then serve) wins
    "idp",  # the Demo IdP: django-oauth-toolkit's OpenID provider + its login page
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",  # the IdP's own login session (cookie path /idp/)
    "django_nextauth",  # django-nextauth
    "oauth2_provider",
    "django_nextauth.db",  # django-nextauth: users, accounts, e-mail sign-in tokens
    "rest_framework",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",  # the Demo IdP's login session
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",  # the Demo IdP's request.user
    # django-nextauth: after AuthenticationMiddleware. The demo's own pages use the NextAuth
    # session (request.session_user), never Django's.
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
        "NAME": DB_PATH,
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
    "VERSION": os.environ.get("DEMO_NEXTAUTH_VERSION") or "v4",
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
        {  # the Demo IdP (idp/), an OpenID provider served by this same process
            "id": "demo-idp",
            "name": "Demo IdP",
            "type": "oidc",
            "issuer": DEMO_IDP_ISSUER,
            "client_id": DEMO_IDP_CLIENT_ID,
            "client_secret": DEMO_IDP_CLIENT_SECRET,
            "checks": ["pkce", "state", "nonce"],
            # The Demo IdP is this site's own, with this site's users: an IdP account with the
            # e-mail address of a Django user is that user. Keep this off for outside IdPs
            # (docs/sessions.md, account linking).
            "allow_dangerous_email_account_linking": True,
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

# The Demo IdP: django-oauth-toolkit with OpenID Connect (idp/; DEVELOPMENT ONLY).
# Its login session is Django's, on its own cookie scoped to /idp/, apart from the NextAuth one.
SESSION_COOKIE_NAME = "demo_idp_sessionid"
SESSION_COOKIE_PATH = "/idp/"
LOGIN_URL = "idp:login"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": DEMO_IDP_ISSUER,
    "OIDC_RSA_PRIVATE_KEY": DEMO_IDP_PRIVATE_KEY,
    "OAUTH2_VALIDATOR_CLASS": "idp.validators.DemoIdPValidator",
    "SCOPES": {
        "openid": "Sign you in",
        "profile": "Your name, username and picture",
        "email": "Your e-mail address",
    },
    "DEFAULT_SCOPES": ["openid"],
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],  # the authorization-code flow only
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,  # S256 only
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,  # RFC 9207 `iss` on the redirect back
    # RFC 8252 loopback redirects on any port, for localhost too (runserver on any port, and
    # the browser tests' ephemeral ports): the seeded client registers port-less loopback URIs.
    "ALLOW_LOCALHOST_LOOPBACK": True,
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
