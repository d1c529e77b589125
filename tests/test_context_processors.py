from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.template import engines
from django.test import Client, RequestFactory, override_settings

from django_nextauth.context_processors import session
from django_nextauth.middleware import NextAuthMiddleware
from django_nextauth.session import peek_request_session
from django_nextauth.test import login

SECRET = django_settings.NEXTAUTH_TEST_SECRET
COOKIE = "next-auth.session-token"
ALICE = {"name": "Alice", "email": "alice@x.io", "sub": "7"}


def request_with(claims: dict[str, Any] | None, *, middleware: bool) -> Any:
    factory = RequestFactory()
    if claims is not None:
        login(factory, claims)
    request = factory.get("/page/")
    if middleware:
        NextAuthMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type]
    return request


def render(template: str, request: Any) -> str:
    return engines["django"].from_string(template).render({}, request)


@pytest.mark.parametrize("middleware", [True, False])
def test_values_are_lazy(middleware: bool) -> None:
    request = request_with(ALICE, middleware=middleware)
    context = session(request)
    assert set(context) == {"session_user", "nextauth_session"}
    assert peek_request_session(request) is None  # nothing read, nothing decrypted
    assert context["session_user"].email == "alice@x.io"
    assert context["nextauth_session"]["user"] == {"name": "Alice", "email": "alice@x.io"}


def test_reuses_the_middleware_attributes() -> None:
    request = request_with(ALICE, middleware=True)
    context = session(request)
    assert context["session_user"] is request.session_user
    assert context["nextauth_session"] is request.nextauth_session


@pytest.mark.parametrize("middleware", [True, False])
def test_signed_in_template(middleware: bool) -> None:
    request = request_with(ALICE, middleware=middleware)
    html = render(
        "{{ session_user.name }}|{{ nextauth_session.user.email }}|{{ session_user.pk }}|"
        "{% if session_user.is_authenticated %}in{% endif %}",
        request,
    )
    assert html == "Alice|alice@x.io|7|in"


@pytest.mark.parametrize("middleware", [True, False])
@pytest.mark.parametrize("claims", [None, "bad"])
def test_signed_out_template(middleware: bool, claims: Any) -> None:
    if claims == "bad":
        request = RequestFactory().get("/", HTTP_COOKIE=f"{COOKIE}=garbage")
        if middleware:
            NextAuthMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type]
    else:
        request = request_with(None, middleware=middleware)
    html = render(
        "[{{ session_user.name }}][{{ nextauth_session.user.email }}]"
        "{% if nextauth_session %}session{% else %}none{% endif %}"
        "{% if session_user.is_authenticated %}in{% else %}out{% endif %}",
        request,
    )
    assert html == "[][]noneout"


def test_template_that_does_not_read_the_session_adds_no_vary_cookie() -> None:
    client = Client()
    login(client, ALICE)
    response = client.get("/untouched/")
    assert "Cookie" not in response.get("Vary", "")


def test_page_through_the_middleware() -> None:
    client = Client()
    login(client, ALICE)
    response = client.get("/templates/page/")
    assert response.content.decode() == (
        'Hello Alice <alice@x.io> <a href="/api/auth/signout?callbackUrl=%2Ftemplates%2Fpage%2F">'
        "out</a>"
    )
    assert "Cookie" in response["Vary"]


@override_settings(
    MIDDLEWARE=[m for m in django_settings.MIDDLEWARE if "nextauth" not in m],
)
def test_page_without_the_middleware() -> None:
    client = Client()
    login(client, ALICE)
    assert client.get("/templates/page/").content.decode().startswith("Hello Alice")
    assert Client().get("/templates/page/").content.decode().startswith('<a href="/api/auth/signin')
