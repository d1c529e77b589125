from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from asgiref.sync import iscoroutinefunction
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import AsyncClient, Client, RequestFactory, override_settings
from django.utils.decorators import method_decorator
from django.views import View

from django_nextauth import LoginRequiredSessionMixin, jwt, login_required_session
from django_nextauth.test import login
from django_nextauth.users import ANONYMOUS, SessionUser
from tests.testapp import views

SECRET = django_settings.NEXTAUTH_TEST_SECRET
COOKIE = "next-auth.session-token"
ALICE = {"name": "Alice", "email": "alice@x.io", "sub": "7"}
ADMIN = {"name": "Root", "email": "admin@x.io", "sub": "1"}
HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
JSON = "application/json"
WITHOUT_MIDDLEWARE = [m for m in django_settings.MIDDLEWARE if "nextauth" not in m]


def token(claims: dict[str, Any] = ALICE, **kwargs: Any) -> str:
    return jwt.encode(claims, secret=kwargs.pop("secret", SECRET), version="v4", **kwargs)


def client_as(claims: dict[str, Any] | None = ALICE, *, cls: type = Client) -> Any:
    client = cls()
    if claims is not None:
        login(client, claims)
    return client


def location(response: HttpResponse) -> tuple[str, dict[str, str]]:
    parts = urlsplit(response["Location"])
    return parts.path, dict(parse_qsl(parts.query))


# --- signed out: redirect for pages, 401 JSON for scripts ------------------------------------

SYNC_AND_ASYNC = [
    "/decorators/protected/",
    "/decorators/aprotected/",
    "/decorators/protected-called/",
    "/decorators/cbv/",
    "/decorators/acbv/",
]


@pytest.mark.parametrize("path", SYNC_AND_ASYNC)
def test_signed_out_page_request_redirects_to_sign_in(path: str) -> None:
    response = client_as(None).get(path + "?a=1&b=%2F", HTTP_ACCEPT=HTML)
    assert response.status_code == 302
    # As useSession({required: true}): the sign-in page, error=SessionRequired, back here after.
    assert location(response) == (
        "/api/auth/signin",
        {"callbackUrl": path + "?a=1&b=%2F", "error": "SessionRequired"},
    )
    assert "Accept" in response["Vary"]


def test_redirect_url_is_percent_encoded() -> None:
    response = client_as(None).get("/decorators/protected/?next=a&x=%26", HTTP_ACCEPT=HTML)
    assert response["Location"] == (
        "/api/auth/signin?callbackUrl=%2Fdecorators%2Fprotected%2F%3Fnext%3Da%26x%3D%2526"
        "&error=SessionRequired"
    )


@pytest.mark.parametrize("path", SYNC_AND_ASYNC)
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ACCEPT": JSON},
        {"HTTP_ACCEPT": "application/json, text/html;q=0.5"},
        {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"},
        {"HTTP_SEC_FETCH_DEST": "empty", "HTTP_ACCEPT": "*/*"},
    ],
)
def test_signed_out_json_request_gets_401(path: str, headers: dict[str, str]) -> None:
    response = client_as(None).get(path, **headers)
    assert response.status_code == 401
    assert response.json() == {"error": "SessionRequired"}
    assert "Location" not in response
    assert "Accept" in response["Vary"]


def test_curl_without_accept_preference_is_redirected() -> None:
    response = client_as(None).get("/decorators/protected/", HTTP_ACCEPT="*/*")
    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/decorators/protected/", "/decorators/aprotected/"])
@pytest.mark.parametrize("bad", ["garbage", token(max_age=-60), token(secret="other")])
def test_bad_cookie_is_signed_out_and_cleared(path: str, bad: str) -> None:
    client = Client()
    client.cookies[COOKIE] = bad
    response = client.get(path, HTTP_ACCEPT=HTML)
    assert response.status_code == 302
    assert response.cookies[COOKIE]["max-age"] == 0


# --- signed in -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SYNC_AND_ASYNC)
def test_signed_in_reaches_the_view(path: str) -> None:
    response = client_as(ALICE).get(path, HTTP_ACCEPT=JSON)
    assert response.status_code == 200
    assert response.json() == {"email": "alice@x.io"}


@pytest.mark.parametrize("path", SYNC_AND_ASYNC)
async def test_signed_in_reaches_the_view_under_asgi(path: str) -> None:
    response = await client_as(ALICE, cls=AsyncClient).get(path, headers={"Accept": JSON})
    assert response.status_code == 200
    assert response.json() == {"email": "alice@x.io"}


@pytest.mark.parametrize("path", SYNC_AND_ASYNC)
async def test_signed_out_under_asgi(path: str) -> None:
    client = client_as(None, cls=AsyncClient)
    assert (await client.get(path, headers={"Accept": JSON})).status_code == 401
    assert (await client.get(path, headers={"Accept": HTML})).status_code == 302


# --- authorized(request, session_user) -------------------------------------------------------

AUTHORIZED = [
    "/decorators/admin/",
    "/decorators/admin-async-check/",
    "/decorators/aadmin/",
    "/decorators/cbv-admin/",
    "/decorators/acbv-admin/",
]


@pytest.mark.parametrize("path", AUTHORIZED)
def test_authorized_true_reaches_the_view(path: str) -> None:
    response = client_as(ADMIN).get(path, HTTP_ACCEPT=JSON)
    assert response.status_code == 200
    assert response.json() == {"email": "admin@x.io"}


@pytest.mark.parametrize("path", AUTHORIZED)
def test_authorized_false_is_403_page(path: str) -> None:
    response = client_as(ALICE).get(path, HTTP_ACCEPT=HTML)
    # Django's 403 handler renders PermissionDenied: no redirect loop to the sign-in page.
    assert response.status_code == 403
    assert "Location" not in response


@pytest.mark.parametrize("path", AUTHORIZED)
def test_authorized_false_is_403_json(path: str) -> None:
    response = client_as(ALICE).get(path, HTTP_ACCEPT=JSON)
    assert response.status_code == 403
    assert response.json() == {"error": "AccessDenied"}


@pytest.mark.parametrize("path", AUTHORIZED)
async def test_authorized_under_asgi(path: str) -> None:
    admin = client_as(ADMIN, cls=AsyncClient)
    alice = client_as(ALICE, cls=AsyncClient)
    assert (await admin.get(path, headers={"Accept": JSON})).status_code == 200
    assert (await alice.get(path, headers={"Accept": JSON})).status_code == 403


@pytest.mark.parametrize("path", AUTHORIZED)
def test_authorized_is_not_called_for_signed_out_users(path: str) -> None:
    response = client_as(None).get(path, HTTP_ACCEPT=JSON)
    assert response.status_code == 401


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/decorators/astaff/", "/decorators/acbv-staff/"])
async def test_sync_authorized_runs_off_the_event_loop(path: str) -> None:
    # A database query in the event loop would raise SynchronousOnlyOperation (a 500).
    await get_user_model().objects.acreate(username="root", email="admin@x.io", is_staff=True)
    admin = client_as(ADMIN, cls=AsyncClient)
    alice = client_as(ALICE, cls=AsyncClient)
    assert (await admin.get(path, headers={"Accept": JSON})).status_code == 200
    assert (await alice.get(path, headers={"Accept": JSON})).status_code == 403


# --- sign-in page, login_url, redirect_field_name --------------------------------------------


@override_settings(NEXTAUTH={"SECRET": SECRET, "PAGES": {"SIGN_IN": "/login/?theme=dark"}})
def test_custom_sign_in_page_from_settings() -> None:
    response = client_as(None).get("/decorators/protected/", HTTP_ACCEPT=HTML)
    assert location(response) == (
        "/login/",
        {"theme": "dark", "callbackUrl": "/decorators/protected/", "error": "SessionRequired"},
    )


def test_login_url_and_redirect_field_name() -> None:
    response = client_as(None).get("/decorators/custom-login/", HTTP_ACCEPT=HTML)
    assert location(response) == (
        "/custom-login/",
        {"lang": "en", "next": "/decorators/custom-login/", "error": "SessionRequired"},
    )


def test_mixin_login_url_and_redirect_field_name() -> None:
    response = client_as(None).get("/decorators/cbv-admin/", HTTP_ACCEPT=HTML)
    assert location(response) == (
        "/custom-login/",
        {"next": "/decorators/cbv-admin/", "error": "SessionRequired"},
    )


def test_login_url_may_be_a_url_name() -> None:
    view = login_required_session(login_url="nextauth:signin")(lambda request: HttpResponse())
    response = view(_request(ANONYMOUS))
    assert location(response)[0] == "/api/auth/signin"


# --- without the middleware ------------------------------------------------------------------


@override_settings(MIDDLEWARE=WITHOUT_MIDDLEWARE)
@pytest.mark.parametrize("path", SYNC_AND_ASYNC)
def test_works_without_the_middleware(path: str) -> None:
    assert client_as(ALICE).get(path, HTTP_ACCEPT=JSON).json() == {"email": "alice@x.io"}
    assert client_as(None).get(path, HTTP_ACCEPT=JSON).status_code == 401


@override_settings(MIDDLEWARE=WITHOUT_MIDDLEWARE)
@pytest.mark.parametrize("path", SYNC_AND_ASYNC + AUTHORIZED)
async def test_works_without_the_middleware_under_asgi(path: str) -> None:
    response = await client_as(ADMIN, cls=AsyncClient).get(path, headers={"Accept": JSON})
    assert response.json() == {"email": "admin@x.io"}


# --- the decorated function, unit level ------------------------------------------------------


def _request(user: Any, accept: str = HTML) -> HttpRequest:
    request = RequestFactory().get("/somewhere/?q=1", HTTP_ACCEPT=accept)
    request.session_user = user  # type: ignore[attr-defined]
    return request


def test_keeps_sync_and_async_nature_and_metadata() -> None:
    assert not iscoroutinefunction(views.protected)
    assert iscoroutinefunction(views.aprotected)
    assert iscoroutinefunction(views.aadmin_only)
    assert not iscoroutinefunction(views.admin_only_async_check)
    assert views.protected.__name__ == "protected"
    assert views.aprotected.__doc__ == "The decorator used bare on an async view."


def test_uses_the_session_user_set_on_the_request() -> None:
    @login_required_session
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return HttpResponse(f"{request.session_user.email} {pk}")  # type: ignore[attr-defined]

    signed_in = view(_request(SessionUser({"email": "e@x.io"}, sub="3")), pk=5)
    assert signed_in.content == b"e@x.io 5"
    signed_out = view(_request(ANONYMOUS), pk=5)
    assert signed_out.status_code == 302
    assert location(signed_out)[1]["callbackUrl"] == "/somewhere/?q=1"


async def test_async_view_uses_the_session_user_set_on_the_request() -> None:
    calls: list[Any] = []

    async def check(request: HttpRequest, user: Any) -> bool:
        calls.append(user)
        return True

    @login_required_session(authorized=check)
    async def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("in")

    user = SessionUser({"email": "e@x.io"})
    assert (await view(_request(user))).content == b"in"
    assert calls == [user]
    assert (await view(_request(ANONYMOUS, JSON))).status_code == 401
    assert calls == [user]


def test_authorized_false_raises_permission_denied_for_pages() -> None:
    view = login_required_session(authorized=lambda request, user: False)(
        lambda request: HttpResponse()
    )
    with pytest.raises(PermissionDenied):
        view(_request(SessionUser({})))
    assert view(_request(SessionUser({}), JSON)).status_code == 403


def test_truthy_authorized_result_allows() -> None:
    view = login_required_session(authorized=lambda request, user: "yes")(
        lambda request: HttpResponse("ok")
    )
    assert view(_request(SessionUser({}))).content == b"ok"


class _Base(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")


def test_mixin_reads_authorized_from_the_class() -> None:
    def deny(request: HttpRequest, user: Any) -> bool:
        return False

    class Plain(LoginRequiredSessionMixin, _Base):
        authorized = deny

    class Static(LoginRequiredSessionMixin, _Base):
        authorized = staticmethod(deny)

    class Inherited(Plain):
        pass

    for cls in (Plain, Static, Inherited):
        with pytest.raises(PermissionDenied):
            cls.as_view()(_request(SessionUser({})))
        assert cls.as_view()(_request(ANONYMOUS)).status_code == 302


def test_mixin_without_authorized_allows_signed_in_users() -> None:
    class Open(LoginRequiredSessionMixin, _Base):
        pass

    assert Open.as_view()(_request(SessionUser({}))).content == b"ok"
    assert Open.as_view()(_request(ANONYMOUS, JSON)).status_code == 401


async def test_async_mixin_keeps_the_view_async() -> None:
    class AsyncView(LoginRequiredSessionMixin, View):
        async def get(self, request: HttpRequest) -> HttpResponse:
            return JsonResponse({"ok": True})

    assert AsyncView.view_is_async
    view = AsyncView.as_view()
    assert iscoroutinefunction(view)
    assert (await view(_request(SessionUser({})))).status_code == 200
    assert (await view(_request(ANONYMOUS, JSON))).status_code == 401


# --- async callbacks -------------------------------------------------------------------------


async def _role_session(*, session: dict[str, Any], token: dict[str, Any], **kw: Any) -> Any:
    return {**session, "user": {**session["user"], "email": token["sub"] + "@callback"}}


@override_settings(NEXTAUTH={"SECRET": SECRET, "CALLBACKS": {"session": _role_session}})
@pytest.mark.parametrize("path", SYNC_AND_ASYNC + ["/decorators/aadmin/"])
async def test_async_session_callback_is_awaited_in_async_views(path: str) -> None:
    response = await client_as(ALICE, cls=AsyncClient).get(path, headers={"Accept": JSON})
    assert response.status_code == (403 if "admin" in path else 200)
    if response.status_code == 200:
        assert response.json() == {"email": "7@callback"}


@override_settings(
    NEXTAUTH={"SECRET": SECRET, "CALLBACKS": {"session": _role_session}},
    MIDDLEWARE=WITHOUT_MIDDLEWARE,
)
async def test_async_session_callback_without_the_middleware() -> None:
    client = client_as(ALICE, cls=AsyncClient)
    response = await client.get("/decorators/aprotected/", headers={"Accept": JSON})
    assert response.json() == {"email": "7@callback"}


# --- misuse on a class-based-view method -----------------------------------------------------


class _DecoratedMethod(View):
    @login_required_session  # wrong: the first argument is self, not the request
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")


class _AsyncDecoratedMethod(View):
    @login_required_session
    async def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")


MISUSE = "didn't receive an HttpRequest.*LoginRequiredSessionMixin.*method_decorator"


def test_decorating_a_method_directly_is_a_clear_type_error() -> None:
    with pytest.raises(TypeError, match=MISUSE) as excinfo:
        _DecoratedMethod.as_view()(_request(SessionUser({})))
    assert "'_DecoratedMethod'" in str(excinfo.value)


async def test_decorating_an_async_method_directly_is_a_clear_type_error() -> None:
    with pytest.raises(TypeError, match=MISUSE):
        await _AsyncDecoratedMethod.as_view()(_request(SessionUser({})))


def test_method_decorator_works_on_a_class_based_view() -> None:
    @method_decorator(login_required_session, name="dispatch")
    class Decorated(_Base):
        pass

    @method_decorator(login_required_session(authorized=lambda r, u: False), name="get")
    class Refused(_Base):
        pass

    assert Decorated.as_view()(_request(SessionUser({}))).content == b"ok"
    assert Decorated.as_view()(_request(ANONYMOUS)).status_code == 302
    with pytest.raises(PermissionDenied):
        Refused.as_view()(_request(SessionUser({})))
