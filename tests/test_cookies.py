from __future__ import annotations

import asyncio
import pickle
from datetime import datetime, timezone
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from hypothesis import given
from hypothesis import strategies as st

from django_nextauth import cookies
from django_nextauth.cookies import (
    NextAuthMorsel,
    cookie_name,
    decode_value,
    delete_cookie,
    encode_value,
    read_cookie,
    serialize,
    set_cookie,
    use_secure_cookies,
)
from django_nextauth.session_cookie import (
    clear_session_cookie,
    incoming_chunks,
    read_chunked,
    write_session_cookie,
)
from tests.magic_link import follow_link
from tests.test_email_flow import ask, link_of
from tests.test_hooks import OAUTH
from tests.test_storable import oauth_sign_in, post, profile  # noqa: F401 (the profile fixture)

rf = RequestFactory()
WHEN = datetime(2026, 12, 27, 13, 1, 28, 999000, tzinfo=timezone.utc)
NAME = "next-auth.session-token"


def request_with(cookie_header: str, *, secure: bool = False) -> object:
    return rf.get("/", HTTP_COOKIE=cookie_header, secure=secure)


def set_cookie_headers(response: HttpResponse) -> list[str]:
    return [m.output(header="") for m in response.cookies.values()]


@pytest.mark.parametrize(
    ("kind", "version", "secure", "expected"),
    [
        ("session_token", "v4", False, "next-auth.session-token"),
        ("session_token", "v4", True, "__Secure-next-auth.session-token"),
        ("session_token", "v5", False, "authjs.session-token"),
        ("session_token", "v5", True, "__Secure-authjs.session-token"),
        ("csrf_token", "v4", True, "__Host-next-auth.csrf-token"),
        ("csrf_token", "v5", False, "authjs.csrf-token"),
        ("csrf_token", "v5", True, "__Host-authjs.csrf-token"),
        ("callback_url", "v4", True, "__Secure-next-auth.callback-url"),
        ("callback_url", "v5", False, "authjs.callback-url"),
    ],
)
def test_cookie_name(kind: cookies.CookieKind, version: str, secure: bool, expected: str) -> None:
    assert cookie_name(kind, version=version, secure=secure) == expected


def test_use_secure_cookies_follows_request_scheme() -> None:
    assert use_secure_cookies(rf.get("/", secure=True)) is True
    assert use_secure_cookies(rf.get("/")) is False


@pytest.mark.parametrize("forced", [True, False])
def test_use_secure_cookies_setting_wins(forced: bool) -> None:
    with override_settings(NEXTAUTH={"SECRET": "s", "USE_SECURE_COOKIES": forced}):
        assert use_secure_cookies(rf.get("/", secure=not forced)) is forced


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("abc|def", "abc%7Cdef"),
        ("http://x/y?a=1&b=2", "http%3A%2F%2Fx%2Fy%3Fa%3D1%26b%3D2"),
        ("!*'()-_.~", "!*'()-_.~"),
        ('a b"c;d,e\\', "a%20b%22c%3Bd%2Ce%5C"),
        ("é€😀", "%C3%A9%E2%82%AC%F0%9F%98%80"),
    ],
)
def test_encode_value_is_encode_uri_component(value: str, encoded: str) -> None:
    assert encode_value(value) == encoded
    assert decode_value(encoded) == value


@pytest.mark.parametrize("raw", ["100%", "%zz", "%C3", "%E2%82", "a%2"])
def test_decode_value_keeps_malformed_values(raw: str) -> None:
    assert decode_value(raw) == raw


def test_serialize_session_cookie() -> None:
    assert serialize("authjs.session-token", "a.b", secure=False, expires=WHEN) == (
        "authjs.session-token=a.b; Path=/; Expires=Sun, 27 Dec 2026 13:01:28 GMT; "
        "HttpOnly; SameSite=Lax"
    )


def test_serialize_secure_deletion_and_session_cookie() -> None:
    assert serialize("__Secure-x", "", secure=True, max_age=0) == (
        "__Secure-x=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax"
    )
    assert serialize("__Host-next-auth.csrf-token", "t|h", secure=True) == (
        "__Host-next-auth.csrf-token=t%7Ch; Path=/; HttpOnly; Secure; SameSite=Lax"
    )


def test_set_cookie_emits_unquoted_value_in_order() -> None:
    response = HttpResponse()
    set_cookie(response, "next-auth.callback-url", "http://x/(a)", secure=False)
    set_cookie(response, "b", "2", secure=True, expires=WHEN, max_age=5)
    morsel = response.cookies["next-auth.callback-url"]
    assert isinstance(morsel, NextAuthMorsel)
    assert morsel.value == "http://x/(a)"
    assert morsel.coded_value == "http%3A%2F%2Fx%2F(a)"
    assert set_cookie_headers(response) == [
        "next-auth.callback-url=http%3A%2F%2Fx%2F(a); Path=/; HttpOnly; SameSite=Lax",
        "b=2; Max-Age=5; Path=/; Expires=Sun, 27 Dec 2026 13:01:28 GMT; HttpOnly; Secure; "
        "SameSite=Lax",
    ]
    assert morsel.output() == "Set-Cookie: " + set_cookie_headers(response)[0]
    assert "Set-Cookie: next-auth.callback-url=http%3A%2F%2Fx%2F(a); Path" in str(response.cookies)


def test_a_morsel_renders_the_attributes_it_holds() -> None:
    response = HttpResponse()
    set_cookie(response, "a", "1", secure=False)
    morsel = response.cookies["a"]
    morsel["path"] = "/api/auth"
    morsel["httponly"] = False
    assert morsel.OutputString() == "a=1; Path=/api/auth; SameSite=Lax"


@given(
    value=st.text(max_size=20),
    secure=st.booleans(),
    expires=st.none() | st.just(WHEN),
    max_age=st.none() | st.integers(0, 10**9),
    same_site=st.sampled_from(["Lax", "None", "Strict"]),
)
def test_set_cookie_stores_what_item_assignment_stores(
    value: str, secure: bool, expires: datetime | None, max_age: int | None, same_site: str
) -> None:
    # set_cookie's speed trick (one dict.update) against the morsel built key by key.
    response = HttpResponse()
    set_cookie(
        response, "n", value, secure=secure, expires=expires, max_age=max_age, same_site=same_site
    )
    expected = NextAuthMorsel()
    expected.set("n", value, cookies.encode_value(value))
    expected["path"] = "/"
    expected["httponly"] = True
    expected["samesite"] = same_site
    if secure:
        expected["secure"] = True
    if expires is not None:
        expected["expires"] = "Sun, 27 Dec 2026 13:01:28 GMT"
    if max_age is not None:
        expected["max-age"] = max_age
    morsel = response.cookies["n"]
    assert dict(morsel) == dict(expected)
    assert (morsel.key, morsel.value, morsel.coded_value) == ("n", value, expected.coded_value)
    assert morsel.OutputString() == expected.OutputString()


def test_set_cookie_replaces_and_reorders() -> None:
    response = HttpResponse()
    set_cookie(response, "a", "1", secure=False)
    set_cookie(response, "b", "2", secure=False)
    set_cookie(response, "a", "3", secure=False)
    assert [m.key for m in response.cookies.values()] == ["b", "a"]
    assert response.cookies["a"].value == "3"


def test_morsel_survives_pickle_and_copy() -> None:
    response = HttpResponse()
    set_cookie(response, "x", "a|b", secure=True, expires=WHEN)
    morsel = response.cookies["x"]
    clone = pickle.loads(pickle.dumps(morsel))
    assert clone.OutputString() == morsel.OutputString()
    # A plain Morsel copy keeps the unquoted value and every attribute.
    copied = morsel.copy()
    assert copied.OutputString().startswith("x=a%7Cb; ")
    assert "Secure" in copied.OutputString()


def test_delete_cookie() -> None:
    response = HttpResponse()
    delete_cookie(response, NAME, secure=False)
    assert set_cookie_headers(response) == [f"{NAME}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"]
    assert response.cookies[NAME]["max-age"] == 0


def test_read_cookie_percent_decodes() -> None:
    request = request_with("next-auth.callback-url=http%3A%2F%2Fx%2Fy; other=1")
    assert read_cookie(request, "next-auth.callback-url") == "http://x/y"
    assert read_cookie(request, "missing") is None


def test_read_chunked_plain() -> None:
    assert read_chunked(request_with(f"{NAME}=abc"), NAME) == "abc"
    assert read_chunked(request_with("other=1"), NAME) is None
    assert read_chunked(request_with(f"{NAME}="), NAME) is None


def test_read_chunked_joins_in_numeric_order() -> None:
    header = "; ".join(f"{NAME}.{i}=p{i}" for i in (10, 2, 0, 1, 3, 4, 5, 6, 7, 8, 9))
    assert read_chunked(request_with(header), NAME) == "".join(f"p{i}" for i in range(11))


def test_read_chunked_percent_decodes_after_joining() -> None:
    # An escape split across two chunks still decodes.
    assert read_chunked(request_with(f"{NAME}.0=a%7; {NAME}.1=Cb"), NAME) == "a|b"


@pytest.mark.parametrize(
    "header",
    [
        f"{NAME}.0=a; {NAME}.2=c",  # missing chunk
        f"{NAME}.1=b",  # missing first chunk
        f"{NAME}=x; {NAME}.0=a; {NAME}.1=b",  # plain and chunks
    ],
)
def test_read_chunked_inconsistent_sets_are_present_but_empty(header: str) -> None:
    assert read_chunked(request_with(header), NAME) == ""


def test_duplicate_cookie_last_wins_like_django() -> None:
    header = f"{NAME}=first; {NAME}=second"
    parsed = request_with(header)
    assert parsed.COOKIES[NAME] == "second"
    assert read_chunked(request_with(header), NAME) == read_chunked(parsed, NAME) == "second"


def test_foreign_suffixes_are_not_chunks() -> None:
    request = request_with(
        f"{NAME}.x=1; {NAME}.01=2; {NAME}extra=3; {NAME}.-1=4; {NAME}.\xb2=5; {NAME}=ok"
    )
    assert read_chunked(request, NAME) == "ok"
    assert incoming_chunks(request, NAME) == [NAME]


@pytest.mark.parametrize("digits", [4, 4_400])
def test_long_chunk_indices_are_not_chunks(digits: int) -> None:
    """Python's int() refuses 4,300+ digits; such a suffix must never reach it (issue 9)."""
    request = request_with(f"{NAME}.{'1' * digits}=x; {NAME}.0=ok")
    assert read_chunked(request, NAME) == "ok"
    assert incoming_chunks(request, NAME) == [f"{NAME}.0"]


def test_three_digit_chunk_indices_are_chunks() -> None:
    chunks = "; ".join(f"{NAME}.{i}={i % 10}" for i in range(101))
    assert read_chunked(request_with(chunks), NAME) == "".join(str(i % 10) for i in range(101))


def test_incoming_chunks_in_request_order_without_empty_values() -> None:
    request = request_with(f"{NAME}.1=b; x=1; {NAME}.0=a; {NAME}=")
    assert incoming_chunks(request, NAME) == [f"{NAME}.1", f"{NAME}.0"]


def test_write_session_cookie_unchunked_deletes_old_chunks() -> None:
    request = request_with(f"{NAME}.0=a; {NAME}.1=b")
    response = HttpResponse()
    write_session_cookie(
        response, request, NAME, "tok", secure=False, expires=WHEN, chunk_size=3933
    )
    assert set_cookie_headers(response) == [
        f"{NAME}.0=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
        f"{NAME}.1=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
        f"{NAME}=tok; Path=/; Expires=Sun, 27 Dec 2026 13:01:28 GMT; HttpOnly; SameSite=Lax",
    ]


@pytest.mark.parametrize(("version", "size"), [("v4", 3933), ("v5", 3936)])
def test_write_session_cookie_chunks(version: str, size: int) -> None:
    name = "__Secure-authjs.session-token"
    token = "".join(chr(ord("a") + i % 26) for i in range(size * 2 + 5))
    request = request_with(f"{name}=old; {name}.1=x; {name}.3=y", secure=True)
    response = HttpResponse()
    write_session_cookie(response, request, name, token, secure=True, expires=WHEN, chunk_size=size)
    morsels = list(response.cookies.values())
    # Deletions for incoming names first; a re-issued name keeps its place (NextAuth's order).
    assert [(m.key, m.value == "") for m in morsels] == [
        (name, True),
        (f"{name}.1", False),
        (f"{name}.3", True),
        (f"{name}.0", False),
        (f"{name}.2", False),
    ]
    chunks = {m.key: m.value for m in morsels if m.value}
    assert [len(chunks[f"{name}.{i}"]) for i in range(3)] == [size, size, 5]
    assert "".join(chunks[f"{name}.{i}"] for i in range(3)) == token
    assert all("; Secure; SameSite=Lax" in m.OutputString() for m in morsels)


def test_write_exactly_one_chunk_keeps_plain_name() -> None:
    response = HttpResponse()
    write_session_cookie(
        response, request_with(""), NAME, "a" * 3933, secure=False, expires=WHEN, chunk_size=3933
    )
    assert list(response.cookies) == [NAME]


def test_clear_session_cookie() -> None:
    request = request_with(f"{NAME}.0=a; {NAME}.1=b; unrelated=1", secure=True)
    response = HttpResponse()
    clear_session_cookie(response, request, NAME, secure=True)
    assert set_cookie_headers(response) == [
        f"{NAME}.0=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax",
        f"{NAME}.1=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax",
    ]


@pytest.mark.django_db  # the WSGI handler's request_started signal checks connections
def test_wsgi_handler_emits_headers_verbatim() -> None:
    from django.core.handlers.wsgi import WSGIHandler

    response = HttpResponse()
    set_cookie(response, "a", "(x)", secure=False)
    seen: list[tuple[str, str]] = []
    handler = WSGIHandler()
    handler.get_response = lambda request: response  # type: ignore[method-assign]
    environ = rf.get("/").environ
    handler(environ, lambda status, headers: seen.extend(headers))
    assert ("Set-Cookie", "a=(x); Path=/; HttpOnly; SameSite=Lax") in seen


@pytest.mark.django_db(transaction=True)
async def test_asgi_handler_emits_headers_verbatim() -> None:
    from django.core.handlers.asgi import ASGIHandler

    response = HttpResponse()
    set_cookie(response, "a", "x|(y)", secure=True, expires=WHEN)

    class Handler(ASGIHandler):
        async def get_response_async(self, request: Any) -> HttpResponse:
            request.close()  # BaseHandler.get_response_async arranges this; the override skips it
            return response

    sent: list[dict[str, Any]] = []

    messages = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop()
        await asyncio.Event().wait()  # no disconnect: Django cancels this once it responds
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}
    await Handler()(scope, receive, send)
    headers = sent[0]["headers"]
    assert (
        b"Set-Cookie",
        b"a=x%7C(y); Path=/; Expires=Sun, 27 Dec 2026 13:01:28 GMT; HttpOnly; Secure; SameSite=Lax",
    ) in headers


# --- Cache-Control: no-store wherever the session cookie is written or deleted ------------


def no_store(response: Any) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives and "public" not in directives


def test_writing_or_clearing_the_session_cookie_marks_the_response_no_store() -> None:
    written, cleared = HttpResponse(), HttpResponse()
    written["Cache-Control"] = "public, max-age=600"
    write_session_cookie(written, rf.get("/"), NAME, "t", secure=False, expires=WHEN, chunk_size=9)
    clear_session_cookie(cleared, request_with(f"{NAME}=x"), NAME, secure=False)
    assert no_store(written) and no_store(cleared)


def session_written(response: Any) -> bool:
    return any("session-token" in name for name in response.cookies)


@pytest.mark.django_db
def test_every_sign_in_sign_out_and_update_answer_is_no_store(
    version: str,
    nextauth: Any,
    alice: Any,
    profile: dict[str, Any],  # noqa: F811
    mailoutbox: Any,
) -> None:
    nextauth(VERSION=version, PROVIDERS=[{"type": "credentials"}, {"type": "email"}, OAUTH])
    client = Client()
    credentials = {"username": "alice", "password": "pw"}
    answers = {
        "credentials": post(client, "callback/credentials", credentials),
        "update": post(client, "session", {"data": "{}"}),
        "signout": post(client, "signout", {}),
        "oauth": oauth_sign_in(client),
    }
    client.cookies.clear()
    ask(client, "alice@example.com")
    answers["email"] = follow_link(client, link_of(mailoutbox[0]))
    for path, response in answers.items():
        assert response.status_code in (200, 302) and session_written(response), path
    assert [path for path, response in answers.items() if not no_store(response)] == []
