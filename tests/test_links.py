from __future__ import annotations

from django.conf import settings as django_settings
from django.test import override_settings
from django.urls import path

from django_nextauth.links import add_query, page_url, signin_url, signout_url

SECRET = django_settings.NEXTAUTH_TEST_SECRET

# A site that does not mount django_nextauth.urls (its Next.js app serves /api/auth).
urlpatterns = [path("login/", lambda request: None, name="login")]


def test_built_in_pages() -> None:
    assert page_url("SIGN_IN") == "/api/auth/signin"
    assert page_url("SIGN_OUT") == "/api/auth/signout"
    assert page_url("ERROR") == "/api/auth/error"


@override_settings(ROOT_URLCONF=__name__)
def test_base_path_when_the_routes_are_not_mounted() -> None:
    assert page_url("SIGN_IN") == "/api/auth/signin"
    with override_settings(NEXTAUTH={"SECRET": SECRET, "BASE_PATH": "/auth/"}):
        assert page_url("SIGN_OUT") == "/auth/signout"


@override_settings(ROOT_URLCONF=__name__)
def test_custom_pages_may_be_paths_urls_or_url_names() -> None:
    pages = {"SIGN_IN": "login", "SIGN_OUT": "https://id.example.com/bye", "ERROR": "/oops/"}
    with override_settings(NEXTAUTH={"SECRET": SECRET, "PAGES": pages}):
        assert page_url("SIGN_IN") == "/login/"
        assert page_url("SIGN_OUT") == "https://id.example.com/bye"
        assert page_url("ERROR") == "/oops/"


def test_signin_url() -> None:
    assert signin_url() == "/api/auth/signin"
    assert signin_url("/a b?c=d&e") == "/api/auth/signin?callbackUrl=%2Fa+b%3Fc%3Dd%26e"
    assert signin_url("/x", error="SessionRequired") == (
        "/api/auth/signin?callbackUrl=%2Fx&error=SessionRequired"
    )


def test_signout_url() -> None:
    assert signout_url() == "/api/auth/signout"
    assert signout_url("https://site/") == "/api/auth/signout?callbackUrl=https%3A%2F%2Fsite%2F"


@override_settings(NEXTAUTH={"SECRET": SECRET, "PAGES": {"SIGN_IN": "/in?callbackUrl=old&x=1"}})
def test_custom_page_query_is_kept_and_callback_replaced() -> None:
    assert signin_url("/new") == "/in?x=1&callbackUrl=%2Fnew"


def test_add_query() -> None:
    assert add_query("/p") == "/p"
    assert add_query("/p?a=1#frag", b="2", c=None) == "/p?a=1&b=2#frag"
    assert add_query("https://h/p?a=&a=2", b="") == "https://h/p?a=&a=2&b="
