from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import iscoroutinefunction
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.test import AsyncClient, Client, override_settings

from django_nextauth import jwt
from django_nextauth.middleware import NextAuthMiddleware
from django_nextauth.session import peek_request_session

SECRET = "6cJ1U0xoiR8dQh1Xg0o3H1Cq5Yc9ZfZk1w3yQ0Gm2xE="
V4 = "next-auth.session-token"
CLAIMS = {"name": "Alice", "email": "a@x.io", "picture": "https://img/a.png", "sub": "7"}
CHUNK = 3933


def token(claims: dict[str, Any] = CLAIMS, **kwargs: Any) -> str:
    return jwt.encode(claims, secret=kwargs.pop("secret", SECRET), version="v4", **kwargs)


def old_token(age: int, claims: dict[str, Any] = CLAIMS) -> str:
    real = time.time
    time.time = lambda: real() - age  # type: ignore[assignment]
    try:
        return token(claims)
    finally:
        time.time = real  # type: ignore[assignment]


def chunked(value: str) -> dict[str, str]:
    return {f"{V4}.{i}": value[i * CHUNK : (i + 1) * CHUNK] for i in range(-(-len(value) // CHUNK))}


def big_token() -> str:
    return token({**CLAIMS, "blob": "z" * 6000})


def tampered(value: str) -> str:
    head, _, tag = value.rpartition(".")
    return f"{head}.{'A' if tag[0] != 'A' else 'B'}{tag[1:]}"


def bad_cookies() -> dict[str, dict[str, str]]:
    missing = chunked(big_token())
    del missing[f"{V4}.1"]
    return {
        "tampered": {V4: tampered(token())},
        "expired": {V4: token(max_age=-60)},
        "wrong-secret": {V4: token(secret="not the secret")},
        "garbage": {V4: "garbage%20(value)"},
        "missing-chunk": missing,
        "plain-and-chunks": {V4: token(), **chunked(big_token())},
    }


BAD = bad_cookies()


def with_cookies(client: Client | AsyncClient, cookies: dict[str, str]) -> None:
    for name, value in cookies.items():
        client.cookies[name] = value


def deleted(response: HttpResponse) -> set[str]:
    return {m.key for m in response.cookies.values() if m["max-age"] == 0 and not m.value}


def vary(response: HttpResponse) -> str:
    return response.headers.get("Vary", "")


# --- signed in ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/whoami/", "/awhoami/", "/awhoami-lazy/"])
def test_signed_in_user(client: Client, path: str) -> None:
    with_cookies(client, {V4: token()})
    response = client.get(path)
    assert response.json() == {
        "authenticated": True,
        "pk": "7",
        "name": "Alice",
        "email": "a@x.io",
        "image": "https://img/a.png",
    }
    assert "Cookie" in vary(response)
    assert not response.cookies


@pytest.mark.parametrize("path", ["/whoami/", "/awhoami/", "/awhoami-lazy/"])
async def test_signed_in_user_async_stack(async_client: AsyncClient, path: str) -> None:
    with_cookies(async_client, chunked(big_token()))
    response = await async_client.get(path)
    assert response.json()["authenticated"] is True
    assert response.json()["pk"] == "7"
    assert "Cookie" in vary(response)


def test_token_and_session_attributes(client: Client) -> None:
    with_cookies(client, {V4: token()})
    assert client.get("/token/").json() == {"present": True, "sub": "7", "raw": True}
    body = client.get("/session/").json()
    assert body["same"] is True
    assert body["session"]["user"] == {
        "name": "Alice",
        "email": "a@x.io",
        "image": CLAIMS["picture"],
    }


async def test_async_session_view(async_client: AsyncClient) -> None:
    with_cookies(async_client, {V4: token()})
    assert (await async_client.get("/asession/")).json()["session"]["user"]["name"] == "Alice"


def test_signed_out(client: Client) -> None:
    response = client.get("/whoami/")
    assert response.json()["authenticated"] is False
    assert response.json()["name"] is None
    assert "Cookie" in vary(response)
    assert not response.cookies
    assert client.get("/token/").json() == {"present": False, "sub": None, "raw": False}


@pytest.mark.django_db
def test_jwt_path_runs_no_sql(client: Client, django_assert_num_queries: Any) -> None:
    with_cookies(client, {V4: token()})
    with django_assert_num_queries(0):
        assert client.get("/whoami/").json()["authenticated"] is True


# --- laziness and Vary ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/untouched/", "/auntouched/"])
def test_unread_session_is_not_decoded_and_does_not_vary(client: Client, path: str) -> None:
    with_cookies(client, BAD["tampered"])
    response = client.get(path)
    assert response.status_code == 200
    assert "Cookie" not in vary(response)
    assert not response.cookies  # not read, so not judged
    assert peek_request_session(response.wsgi_request) is None


# --- bad cookies ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(BAD))
@pytest.mark.parametrize("path", ["/whoami/", "/awhoami/", "/awhoami-lazy/", "/session/"])
def test_bad_cookie_is_anonymous_and_cleared(client: Client, kind: str, path: str) -> None:
    with_cookies(client, BAD[kind])
    response = client.get(path)
    assert response.status_code == 200
    body = response.json()
    assert body.get("authenticated", False) is False
    assert body.get("session") is None
    assert deleted(response) == set(BAD[kind])
    assert all(m.value == "" for m in response.cookies.values())


@pytest.mark.parametrize("kind", list(BAD))
@pytest.mark.parametrize("path", ["/whoami/", "/awhoami/", "/asession/"])
async def test_bad_cookie_async_stack(async_client: AsyncClient, kind: str, path: str) -> None:
    with_cookies(async_client, BAD[kind])
    response = await async_client.get(path)
    assert response.status_code == 200
    assert response.json().get("authenticated", False) is False
    assert deleted(response) == set(BAD[kind])


def test_cleared_cookie_stays_gone(client: Client) -> None:
    with_cookies(client, BAD["missing-chunk"])
    client.get("/whoami/")
    # The test client keeps deleted cookies as empty values; those are not a session.
    response = client.get("/whoami/")
    assert response.json()["authenticated"] is False
    assert not response.cookies


def test_view_writing_the_session_wins_over_cleanup(client: Client) -> None:
    with_cookies(client, BAD["tampered"])
    response = client.get("/sign-in-as/")
    assert response.cookies[V4].value  # the new session, not a deletion
    assert client.get("/whoami/").json()["pk"] == "99"


# --- SET_REQUEST_USER -------------------------------------------------------------------------


@pytest.fixture
def alice(db: None) -> Any:
    return get_user_model().objects.create_user(username="alice", password="x")


@pytest.fixture
def async_alice(transactional_db: None) -> Any:
    # The async ORM runs in a worker thread: the test database must not hold a transaction open.
    return get_user_model().objects.create_user(username="alice", password="x")


@pytest.fixture
def request_user() -> Iterator[None]:
    with override_settings(NEXTAUTH={"SECRET": SECRET, "SET_REQUEST_USER": True}):
        yield


@pytest.mark.usefixtures("request_user")
def test_request_user_is_the_django_user(
    client: Client, alice: Any, django_assert_num_queries: Any
) -> None:
    with_cookies(client, {V4: token({"sub": str(alice.pk)})})
    with django_assert_num_queries(1):
        assert client.get("/django-user/").json() == {"authenticated": True, "username": "alice"}


@pytest.mark.usefixtures("request_user")
async def test_request_auser_async(async_client: AsyncClient, async_alice: Any) -> None:
    with_cookies(async_client, {V4: token({"sub": str(async_alice.pk)})})
    body = (await async_client.get("/adjango-user/")).json()
    assert body == {"authenticated": True, "username": "alice"}


@pytest.mark.usefixtures("request_user")
@pytest.mark.parametrize("sub", ["999", "not-a-number", None])
def test_request_user_unknown_sub_is_anonymous(client: Client, alice: Any, sub: str | None) -> None:
    claims = {"name": "x"} if sub is None else {"sub": sub}
    with_cookies(client, {V4: token(claims)})
    assert client.get("/django-user/").json() == {"authenticated": False, "username": ""}


@pytest.mark.usefixtures("request_user")
def test_request_user_inactive_is_anonymous(client: Client, alice: Any) -> None:
    alice.is_active = False
    alice.save()
    with_cookies(client, {V4: token({"sub": str(alice.pk)})})
    assert client.get("/django-user/").json()["authenticated"] is False


@pytest.mark.usefixtures("request_user")
@pytest.mark.django_db
def test_request_user_bad_cookie_no_query(client: Client, django_assert_num_queries: Any) -> None:
    with_cookies(client, BAD["garbage"])
    with django_assert_num_queries(0):
        response = client.get("/django-user/")
    assert response.json()["authenticated"] is False
    assert deleted(response) == {V4}


@pytest.mark.usefixtures("request_user")
@pytest.mark.django_db(transaction=True)
async def test_request_auser_signed_out(async_client: AsyncClient) -> None:
    assert (await async_client.get("/adjango-user/")).json()["authenticated"] is False


# --- sliding refresh --------------------------------------------------------------------------

sliding = override_settings(
    NEXTAUTH={"SECRET": SECRET, "SESSION": {"SLIDING": True, "UPDATE_AGE": 3600}}
)


@sliding
@pytest.mark.parametrize("path", ["/whoami/", "/awhoami/", "/token/"])
def test_sliding_refresh_reissues_old_token(client: Client, path: str) -> None:
    with_cookies(client, {V4: old_token(7200)})
    response = client.get(path)
    claims = jwt.decode(response.cookies[V4].value, secret=SECRET)
    assert abs(claims["iat"] - time.time()) < 5
    assert claims["sub"] == "7"
    assert response.cookies[V4]["expires"]


@sliding
async def test_sliding_refresh_async(async_client: AsyncClient) -> None:
    with_cookies(async_client, {V4: old_token(7200)})
    response = await async_client.get("/awhoami/")
    assert jwt.decode(response.cookies[V4].value, secret=SECRET)["sub"] == "7"


@sliding
def test_sliding_refresh_rechunks(client: Client) -> None:
    with_cookies(client, chunked(old_token(7200, {**CLAIMS, "blob": "q" * 6000})))
    response = client.get("/whoami/")
    assert sorted(response.cookies) == [f"{V4}.0", f"{V4}.1", f"{V4}.2"]
    assert all(m.value for m in response.cookies.values())


@sliding
@pytest.mark.parametrize(("age", "path"), [(60, "/whoami/"), (7200, "/untouched/")])
def test_no_refresh_when_fresh_or_unread(client: Client, age: int, path: str) -> None:
    with_cookies(client, {V4: old_token(age)})
    assert not client.get(path).cookies


def test_no_refresh_unless_sliding(client: Client) -> None:
    with_cookies(client, {V4: old_token(7 * 86400)})
    assert not client.get("/whoami/").cookies


# --- sync and async capable -------------------------------------------------------------------


def test_sync_mode() -> None:
    middleware = NextAuthMiddleware(lambda request: HttpResponse())
    assert not iscoroutinefunction(middleware)
    request = HttpRequest()
    response = middleware(request)
    assert response.status_code == 200
    assert request.session_user.is_authenticated is False  # type: ignore[attr-defined]


async def test_async_mode() -> None:
    async def get_response(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    middleware = NextAuthMiddleware(get_response)
    assert iscoroutinefunction(middleware)
    request = HttpRequest()
    response = await middleware(request)
    assert response.status_code == 200
    assert not request.session_token  # type: ignore[attr-defined]
    assert (await request.asession_user()).is_authenticated is False  # type: ignore[attr-defined]


# --- the lazy request attributes -------------------------------------------------------------


def attach(cookies: dict[str, str] | None = None) -> HttpRequest:
    from django.test import RequestFactory

    header = "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())
    request = RequestFactory().get("/", HTTP_COOKIE=header)
    NextAuthMiddleware(lambda r: HttpResponse()).process_request(request)
    return request


def test_lazy_attributes_behave_like_what_they_wrap() -> None:
    from django_nextauth.lazy import LazyRequestAttribute
    from django_nextauth.users import SessionUser

    request = attach({V4: token()})
    user, claims, session = (
        request.session_user,  # type: ignore[attr-defined]
        request.session_token,  # type: ignore[attr-defined]
        request.nextauth_session,  # type: ignore[attr-defined]
    )
    assert repr(claims) == "<LazyRequestAttribute: not evaluated>"
    assert peek_request_session(request) is None  # nothing read yet
    assert type(user) is LazyRequestAttribute and isinstance(user, SessionUser)
    assert user.name == user["name"] == "Alice" and "email" in user and len(user) == 3
    assert sorted(user) == ["email", "image", "name"]
    assert str(user) == "Alice" and "is_authenticated" in dir(user)
    assert claims == jwt.decode(request.COOKIES[V4], secret=SECRET)
    assert claims["sub"] == "7" and "sub" in claims and bool(claims)
    assert repr(claims).startswith("<LazyRequestAttribute: {")
    assert session["user"]["email"] == "a@x.io"
    with pytest.raises(TypeError):
        hash(user)  # a mapping: unhashable, like what it wraps


def test_lazy_none_token_is_falsy() -> None:
    request = attach()
    claims = request.session_token  # type: ignore[attr-defined]
    assert not claims and claims == None  # noqa: E711 (the proxy compares as what it wraps)
    assert hash(claims) == hash(None) and str(claims) == "None"


def test_existing_vary_is_extended() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        request.session_user.is_authenticated  # type: ignore[attr-defined]  # noqa: B018
        response = HttpResponse()
        response["Vary"] = "Accept-Encoding"
        return response

    from django.test import RequestFactory

    response = NextAuthMiddleware(view)(RequestFactory().get("/"))
    assert response["Vary"] == "Accept-Encoding, Cookie"


def test_custom_get_token_read_adds_vary() -> None:
    from django.test import RequestFactory

    from django_nextauth import get_token

    def view(request: HttpRequest) -> HttpResponse:
        get_token(request, secret="other")
        return HttpResponse()

    assert NextAuthMiddleware(view)(RequestFactory().get("/"))["Vary"] == "Cookie"


def test_bearer_read_adds_vary_authorization() -> None:
    from django.test import RequestFactory

    def view(request: HttpRequest) -> HttpResponse:
        request.session_user.is_authenticated  # type: ignore[attr-defined]  # noqa: B018
        return HttpResponse()

    bearer = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {token()}")
    assert NextAuthMiddleware(view)(bearer)["Vary"] == "Cookie, Authorization"
    cookie = RequestFactory().get("/", HTTP_COOKIE=f"{V4}={token()}")
    assert NextAuthMiddleware(view)(cookie)["Vary"] == "Cookie"


@pytest.mark.parametrize("is_async", [False, True])
def test_login_in_any_view_is_flushed_by_the_middleware(is_async: bool) -> None:
    import asyncio

    from django.test import RequestFactory

    from django_nextauth.session import alogin, login

    def view(request: HttpRequest) -> HttpResponse:
        login(request, {"sub": "5"})
        return HttpResponse()

    async def aview(request: HttpRequest) -> HttpResponse:
        await alogin(request, {"sub": "5"})
        return HttpResponse()

    request = RequestFactory().get("/", HTTP_COOKIE=f"{V4}={token()}")
    if is_async:
        response = asyncio.run(NextAuthMiddleware(aview)(request))
    else:
        response = NextAuthMiddleware(view)(request)
    assert jwt.decode(response.cookies[V4].value, secret=SECRET)["sub"] == "5"
    assert "Vary" not in response  # writing the cookie does not read it


@override_settings(NEXTAUTH={"SECRET": SECRET, "SESSION": {"SLIDING": True, "UPDATE_AGE": 60}})
def test_sliding_refresh_keeps_the_session_id() -> None:
    from django.test import RequestFactory

    def view(request: HttpRequest) -> HttpResponse:
        request.session_user.is_authenticated  # type: ignore[attr-defined]  # noqa: B018
        return HttpResponse()

    old = old_token(120, {**CLAIMS, "sid": "s-1", "auth_time": 5})
    response = NextAuthMiddleware(view)(RequestFactory().get("/", HTTP_COOKIE=f"{V4}={old}"))
    renewed = jwt.decode(response.cookies[V4].value, secret=SECRET)
    assert renewed["sid"] == "s-1" and renewed["auth_time"] == 5


@pytest.mark.usefixtures("request_user")
async def test_user_and_auser_share_one_lookup(async_alice: Any) -> None:
    from asgiref.sync import sync_to_async

    request = attach({V4: token({"sub": str(async_alice.pk)})})
    first = await request.auser()  # type: ignore[attr-defined]
    assert await request.auser() is first  # type: ignore[attr-defined]
    assert await sync_to_async(lambda: request.user.username)() == "alice"  # type: ignore[attr-defined]
    other = attach({V4: token({"sub": str(async_alice.pk)})})
    assert await sync_to_async(lambda: other.user.username)() == "alice"  # type: ignore[attr-defined]
    assert (await other.auser()).username == "alice"  # type: ignore[attr-defined]


@override_settings(
    NEXTAUTH={
        "SECRET": SECRET,
        "DECODE_VERSIONS": ["v4", "v5"],
        "VERSION": "v5",
        "SESSION": {"SLIDING": True, "UPDATE_AGE": 60},
    }
)
def test_sliding_never_rewrites_the_other_family() -> None:
    from django.test import RequestFactory

    def view(request: HttpRequest) -> HttpResponse:
        request.session_user.is_authenticated  # type: ignore[attr-defined]  # noqa: B018
        return HttpResponse()

    request = RequestFactory().get("/", HTTP_COOKIE=f"{V4}={old_token(120)}")
    response = NextAuthMiddleware(view)(request)
    assert request.session_user.is_authenticated  # type: ignore[attr-defined]
    assert not response.cookies
