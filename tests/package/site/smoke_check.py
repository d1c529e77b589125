"""The smoke test proper, run by the clean virtual environment's Python (``smoke.sh``)."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urlencode

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402

import django_nextauth  # noqa: E402

venv = Path(sys.argv[1]).resolve()
installed = Path(django_nextauth.__file__).resolve()
assert venv in installed.parents, f"django_nextauth imported from {installed}, not the wheel"

client = Client()
page = client.get("/api/auth/signin")
html = page.content.decode()
assert page.status_code == 200, page.status_code
assert 'action="http://testserver/api/auth/callback/credentials"' in html, html
assert 'name="csrfToken"' in html and 'name="password"' in html, html

get_user_model().objects.create_user("alice", "alice@example.com", "wonderland")
csrf = client.get("/api/auth/csrf").json()["csrfToken"]
form = {"csrfToken": csrf, "username": "alice", "password": "wonderland", "callbackUrl": "/"}
answer = client.post(  # a form post, as the sign-in page sends it
    "/api/auth/callback/credentials",
    urlencode(form),
    content_type="application/x-www-form-urlencoded",
)
assert answer.status_code == 302, (answer.status_code, answer.content)
assert answer.cookies["next-auth.session-token"].value, answer.cookies
session = client.get("/api/auth/session").json()
assert session["user"]["name"] == "alice", session

print(f"django_nextauth {django_nextauth.__version__} from {installed.parent}")
print(f"Django {django.get_version()}: sign-in page, credentials sign-in and session OK")
