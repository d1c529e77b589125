"""NextAuthAuthentication and IsSessionAuthenticated (tox's no-DRF env ignores this file)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.test import override_settings
from django.urls import include, path
from django.views.decorators.csrf import ensure_csrf_cookie
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from django_nextauth import jwt
from django_nextauth.contrib.rest_framework import IsSessionAuthenticated, NextAuthAuthentication
from django_nextauth.test import login
from django_nextauth.users import SessionUser

SECRET = django_settings.NEXTAUTH_TEST_SECRET
COOKIE = "next-auth.session-token"
ALICE = {"name": "Alice", "email": "alice@x.io", "sub": "7"}


def token(claims: dict[str, Any] = ALICE, **kwargs: Any) -> str:
    return jwt.encode(claims, secret=kwargs.pop("secret", SECRET), version="v4", **kwargs)


def describe(request: Request) -> Response:
    user = request.user
    return Response(
        {
            "type": type(user).__name__,
            "authenticated": user.is_authenticated,
            "email": getattr(user, "email", None),
            "sub": request.auth["sub"] if request.auth else None,
        }
    )


class Protected(APIView):
    authentication_classes = [NextAuthAuthentication]
    permission_classes = [IsSessionAuthenticated]

    def get(self, request: Request) -> Response:
        return describe(request)

    def post(self, request: Request) -> Response:
        return describe(request)


class Open(Protected):
    permission_classes = [AllowAny]


class Alice(BaseAuthentication):
    """Some other authentication that always says "alice"."""

    def authenticate(self, request: Request) -> tuple[Any, None]:
        return (SessionUser({"email": "alice@x.io"}), None)


class OtherAuth(Protected):
    authentication_classes = [Alice, NextAuthAuthentication]


@ensure_csrf_cookie
def csrf(request: HttpRequest) -> JsonResponse:
    """docs/rest-framework.md's recipe: Django's CSRF token for a page that only signs in
    through NextAuth (and so never got a ``csrftoken`` cookie)."""
    return JsonResponse({"csrfToken": get_token(request)})


urlpatterns = [
    path("protected/", Protected.as_view()),
    path("open/", Open.as_view()),
    path("other/", OtherAuth.as_view()),
    path("csrf/", csrf),
    path("api/auth/", include("django_nextauth.urls")),
]

pytestmark = pytest.mark.urls(__name__)


def api(cookie: str | None = None, *, csrf: bool = True) -> APIClient:
    client = APIClient(enforce_csrf_checks=csrf)
    if cookie is not None:
        client.cookies[COOKIE] = cookie
    return client


# --- no token --------------------------------------------------------------------------------


def test_no_token_lets_other_authenticators_try() -> None:
    assert api().get("/open/").json() == {
        "type": "AnonymousUser",
        "authenticated": False,
        "email": None,
        "sub": None,
    }


def test_no_token_on_a_protected_view_is_401_with_bearer_challenge() -> None:
    response = api().get("/protected/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


# --- cookie and Bearer -----------------------------------------------------------------------


def test_cookie_authenticates_as_the_session_user() -> None:
    response = api(token()).get("/protected/")
    assert response.status_code == 200
    assert response.json() == {
        "type": "SessionUser",
        "authenticated": True,
        "email": "alice@x.io",
        "sub": "7",
    }


@pytest.mark.parametrize("encode", [str, quote])
def test_bearer_authenticates(encode: Any) -> None:
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {encode(token())}")
    response = client.get("/protected/")
    assert response.status_code == 200
    assert response.json()["sub"] == "7"


GOOD = token()
BAD = {
    "garbage": "garbage",
    "expired": token(max_age=-60),
    "wrong-secret": token(secret="not the secret"),
    # The tag's last two characters replaced by others (one token: each token() is new, and
    # testing another one's ending let ~1 run in 256 send the good token unchanged).
    "tampered": GOOD[:-2] + ("BB" if GOOD.endswith("AA") else "AA"),
}


def test_the_tampered_token_differs_from_the_good_one() -> None:
    assert BAD["tampered"] != GOOD and len(BAD["tampered"]) == len(GOOD)


@pytest.mark.parametrize("bad", BAD.values(), ids=BAD.keys())
@pytest.mark.parametrize("path", ["/protected/", "/open/"])
def test_bad_cookie_is_401(bad: str, path: str) -> None:
    response = api(bad).get(path)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or expired session token."}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("bad", BAD.values(), ids=BAD.keys())
def test_bad_bearer_is_401(bad: str) -> None:
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bad}")
    assert client.get("/open/").status_code == 401


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "bearer " + token(), "Bearer  x"])
def test_other_authorization_headers_are_not_a_token(header: str) -> None:
    client = api()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get("/open/").json()["authenticated"] is False


@override_settings(NEXTAUTH={"SECRET": SECRET, "CALLBACKS": {"jwt": lambda **kw: None}})
def test_jwt_callback_ending_the_session_is_401() -> None:
    assert api(token()).get("/protected/").status_code == 401


# --- CSRF ------------------------------------------------------------------------------------


def test_cookie_post_without_csrf_is_refused() -> None:
    response = api(token()).post("/protected/", {"x": 1}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed:")


def test_cookie_post_with_django_csrf_passes() -> None:
    client = api(token())
    secret = "a" * 32
    client.cookies[django_settings.CSRF_COOKIE_NAME] = secret
    response = client.post("/protected/", {"x": 1}, format="json", HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 200
    assert response.json()["email"] == "alice@x.io"


def test_the_documented_csrf_recipe() -> None:
    client = APIClient(enforce_csrf_checks=True)
    login(client, ALICE)  # signed in through NextAuth: no csrftoken cookie yet
    nextauth_token = client.get("/api/auth/csrf").json()["csrfToken"]
    refused = client.post("/protected/", {}, format="json", HTTP_X_CSRFTOKEN=nextauth_token)
    assert refused.status_code == 403  # NextAuth's token is not Django's
    django_token = client.get("/csrf/").json()["csrfToken"]
    assert django_settings.CSRF_COOKIE_NAME in client.cookies
    done = client.post("/protected/", {}, format="json", HTTP_X_CSRFTOKEN=django_token)
    assert done.status_code == 200


def test_cookie_get_needs_no_csrf() -> None:
    assert api(token()).get("/protected/").status_code == 200


def test_bearer_post_needs_no_csrf() -> None:
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token()}")
    assert client.post("/protected/", {"x": 1}, format="json").status_code == 200


def test_cookie_wins_over_bearer_and_needs_csrf() -> None:
    # As getToken: the cookie is read first, so the ambient credential is what authenticates.
    client = api(token())
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token({'sub': '8'})}")
    assert client.get("/protected/").json()["sub"] == "7"
    assert client.post("/protected/", {}, format="json").status_code == 403


def test_bad_token_is_401_before_csrf() -> None:
    assert api("garbage").post("/protected/", {}, format="json").status_code == 401


# --- IsSessionAuthenticated ------------------------------------------------------------------


def test_is_session_authenticated_refuses_other_authentication() -> None:
    response = api().get("/other/")
    assert response.status_code == 403


def test_is_session_authenticated_accepts_the_next_auth_session_among_others() -> None:
    client = api(token())
    # Alice authenticates first, so the NextAuth session is not what DRF used: refused.
    assert client.get("/other/").status_code == 403
    assert client.get("/protected/").status_code == 200


# --- SET_REQUEST_USER ------------------------------------------------------------------------

SET_USER = {"SECRET": SECRET, "SET_REQUEST_USER": True}


@pytest.mark.django_db
@override_settings(NEXTAUTH=SET_USER)
def test_set_request_user_gives_the_django_user() -> None:
    user = get_user_model().objects.create_user("alice", email="alice@db.io")
    response = api(token({"sub": str(user.pk)})).get("/protected/")
    assert response.status_code == 200
    assert response.json() == {
        "type": "User",
        "authenticated": True,
        "email": "alice@db.io",
        "sub": str(user.pk),
    }


@pytest.mark.django_db
@override_settings(NEXTAUTH=SET_USER)
@pytest.mark.parametrize("sub", ["999", "not-a-pk", None, "inactive"])
def test_set_request_user_without_a_usable_user_is_401(sub: str | None) -> None:
    if sub == "inactive":
        sub = str(get_user_model().objects.create_user("gone", is_active=False).pk)
    claims = {"name": "Ghost"} if sub is None else {"sub": sub}
    response = api(token(claims)).get("/open/")
    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}


# --- DRF stays optional ----------------------------------------------------------------------


@pytest.mark.multiprocess  # a fresh interpreter
def test_package_imports_without_drf() -> None:
    code = """
import sys
sys.modules["rest_framework"] = None  # any import of DRF now fails
import django
django.setup()
import django_nextauth, django_nextauth.contrib, django_nextauth.decorators
import django_nextauth.context_processors, django_nextauth.templatetags.nextauth
import django_nextauth.middleware, django_nextauth.urls
assert django_nextauth.login_required_session and django_nextauth.LoginRequiredSessionMixin
try:
    import django_nextauth.contrib.rest_framework
except ImportError:
    print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        cwd=Path(__file__).resolve().parents[1],
        check=False,
    )
    assert result.stdout.strip() == "ok", result.stderr
