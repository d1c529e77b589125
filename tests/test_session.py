from __future__ import annotations

import re
import time
from datetime import datetime, timezone
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from django_nextauth import aget_server_session, aget_token, get_server_session, get_token, jwt
from django_nextauth.exceptions import MissingSecret
from django_nextauth.session import (
    AnonymousSessionUser,
    SessionUser,
    abuild_session,
    aget_session_user,
    build_session,
    clear_session,
    get_session_user,
    issue_session,
    peek_request_session,
    session_was_read,
)

SECRET = "6cJ1U0xoiR8dQh1Xg0o3H1Cq5Yc9ZfZk1w3yQ0Gm2xE="
V4 = "next-auth.session-token"
V5 = "authjs.session-token"
SECURE_V4 = "__Secure-next-auth.session-token"
SECURE_V5 = "__Secure-authjs.session-token"
CLAIMS = {"name": "Alice", "email": "a@x.io", "sub": "7"}
ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

rf = RequestFactory()


def v4_token(claims: dict[str, Any] = CLAIMS, **kwargs: Any) -> str:
    return jwt.encode(claims, secret=kwargs.pop("secret", SECRET), version="v4", **kwargs)


def v5_token(name: str = V5, claims: dict[str, Any] = CLAIMS, **kwargs: Any) -> str:
    return jwt.encode(claims, secret=SECRET, version="v5", salt=name, **kwargs)


def req(
    cookies: dict[str, str] | None = None, *, secure: bool = False, **extra: Any
) -> HttpRequest:
    header = "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())
    return rf.get("/", HTTP_COOKIE=header, secure=secure, **extra)


def expired_v4() -> str:
    return v4_token(max_age=-60)


def tampered(token: str) -> str:
    head, _, rest = token.rpartition(".")
    return f"{head}.{'A' if rest[0] != 'A' else 'B'}{rest[1:]}"


v5 = override_settings(NEXTAUTH={"SECRET": SECRET, "VERSION": "v5"})
both = override_settings(NEXTAUTH={"SECRET": SECRET, "DECODE_VERSIONS": ["v4", "v5"]})


# --- get_token -------------------------------------------------------------------------------


def test_get_token_v4_cookie() -> None:
    claims = get_token(req({V4: v4_token()}))
    assert isinstance(claims, dict)
    assert claims["sub"] == "7" and claims["name"] == "Alice"


@v5
def test_get_token_v5_salt_is_cookie_name() -> None:
    assert get_token(req({V5: v5_token()}))["sub"] == "7"  # type: ignore[index]
    # A token encrypted for the plain name does not open under the secure name.
    assert get_token(req({SECURE_V5: v5_token(V5)}, secure=True)) is None
    assert get_token(req({SECURE_V5: v5_token(SECURE_V5)}, secure=True))["sub"] == "7"  # type: ignore[index]


def test_https_never_falls_back_to_plain_name() -> None:
    assert get_token(req({V4: v4_token()}, secure=True)) is None
    assert get_token(req({SECURE_V4: v4_token()}, secure=True)) is not None
    assert get_token(req({SECURE_V4: v4_token()})) is None


@override_settings(NEXTAUTH={"SECRET": SECRET, "USE_SECURE_COOKIES": True})
def test_use_secure_cookies_setting_picks_the_name() -> None:
    assert get_token(req({SECURE_V4: v4_token()})) is not None


def test_get_token_reassembles_chunks() -> None:
    token = v4_token({**CLAIMS, "blob": "x" * 9000})
    count = -(-len(token) // 3933)
    assert count > 2
    chunks = {f"{V4}.{i}": token[i * 3933 : (i + 1) * 3933] for i in range(count)}
    assert get_token(req(dict(reversed(chunks.items()))))["blob"] == "x" * 9000  # type: ignore[index]


def test_get_token_raw() -> None:
    token = v4_token()
    assert get_token(req({V4: token}), raw=True) == token
    assert get_token(req({V4: "not-a-token"}), raw=True) == "not-a-token"
    assert get_token(req(), raw=True) is None


@pytest.mark.parametrize(
    "cookies",
    [
        {V4: "garbage"},
        {V4: "a.b.c.d.e"},
        {V4: "%E0%A4%A"},
        {V4: expired_v4()},
        {V4: tampered(v4_token())},
        {V4: v4_token(secret="another secret")},
        {V4: v5_token()},
        {f"{V4}.0": v4_token({"blob": "x" * 9000})[:3933]},  # missing chunk
        {V4: v4_token(), f"{V4}.0": "x"},
    ],
    ids=["garbage", "dots", "bad-escape", "expired", "tampered", "secret", "v5", "chunk", "mixed"],
)
def test_get_token_bad_cookie_is_none(cookies: dict[str, str]) -> None:
    request = req(cookies)
    assert get_token(request) is None
    assert get_server_session(request) is None
    assert peek_request_session(request).is_bad  # type: ignore[union-attr]


def test_bearer_fallback() -> None:
    token = v4_token()
    assert get_token(req(HTTP_AUTHORIZATION=f"Bearer {token}"))["sub"] == "7"  # type: ignore[index]
    # Percent-decoded, like decodeURIComponent.
    encoded = token.replace(".", "%2E")
    assert get_token(req(HTTP_AUTHORIZATION=f"Bearer {encoded}"))["sub"] == "7"  # type: ignore[index]


@pytest.mark.parametrize(
    "header", ["bearer {t}", "Token {t}", "Bearer", "Bearer ", "Bearer  {t}", "Bearer {t}%zz"]
)
def test_bearer_must_be_exact(header: str) -> None:
    assert get_token(req(HTTP_AUTHORIZATION=header.format(t=v4_token()))) is None


def test_bearer_only_when_no_cookie() -> None:
    request = req({V4: "garbage"}, HTTP_AUTHORIZATION=f"Bearer {v4_token()}")
    assert get_token(request) is None
    assert peek_request_session(request).from_cookie  # type: ignore[union-attr]


def test_bearer_never_marks_cookie_bad() -> None:
    request = req(HTTP_AUTHORIZATION="Bearer garbage")
    assert get_token(request) is None
    assert not peek_request_session(request).is_bad  # type: ignore[union-attr]


def test_get_token_explicit_options() -> None:
    token = jwt.encode(CLAIMS, secret="other", version="v4")
    request = req({"custom": token})
    assert get_token(request, cookie_name="custom", secret="other")["sub"] == "7"  # type: ignore[index]
    assert get_token(request, cookie_name="custom") is None
    assert session_was_read(request)
    secure = req({SECURE_V4: v4_token()})
    assert get_token(secure, secure_cookie=True)["sub"] == "7"  # type: ignore[index]
    salted = req({V4: jwt.encode(CLAIMS, secret=SECRET, salt="pepper", version="v4")})
    assert get_token(salted, salt="pepper")["sub"] == "7"  # type: ignore[index]
    assert get_token(salted) is None


@v5
def test_v5_secret_rotation() -> None:
    old = jwt.encode(CLAIMS, secret="old-secret", version="v5", salt=V5)
    request = req({V5: old})
    assert get_token(request, secret=["new-secret", "old-secret"])["sub"] == "7"  # type: ignore[index]


@both
def test_decode_versions_accepts_both_families() -> None:
    assert get_token(req({V4: v4_token()}))["sub"] == "7"  # type: ignore[index]
    assert get_token(req({V5: v5_token()}))["sub"] == "7"  # type: ignore[index]
    assert get_token(req(HTTP_AUTHORIZATION=f"Bearer {v5_token()}"))["sub"] == "7"  # type: ignore[index]
    request = req({V5: v5_token()})
    get_token(request)
    state = peek_request_session(request)
    assert state is not None and state.dialect.version == "v5" and state.name == V5


@override_settings(NEXTAUTH={"SECRET": SECRET, "DECODE_VERSIONS": "v4"})
def test_decode_versions_must_be_a_list() -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        get_token(req())


@override_settings(NEXTAUTH={}, DEBUG=False)
def test_missing_secret_is_a_configuration_error() -> None:
    with pytest.raises(MissingSecret):
        get_token(req({V4: v4_token()}))


def test_decrypts_once_per_request(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = jwt.decrypt

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(jwt, "decrypt", counting)
    request = req({V4: v4_token()})
    get_token(request)
    get_server_session(request)
    get_session_user(request)
    assert len(calls) == 1


def test_nothing_read_nothing_decoded() -> None:
    request = req({V4: v4_token()})
    assert peek_request_session(request) is None
    assert not session_was_read(request)


@pytest.mark.django_db
def test_zero_queries(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        request = req({V4: v4_token()})
        assert get_server_session(request) is not None
        assert get_session_user(request).is_authenticated


async def test_aget_token() -> None:
    assert (await aget_token(req({V4: v4_token()})))["sub"] == "7"  # type: ignore[index]
    assert await aget_token(req({V4: "bad"})) is None
    assert await aget_token(req({V4: "bad"}), raw=True) == "bad"


# --- get_server_session / build_session --------------------------------------------------------


def test_server_session_default_shape() -> None:
    before = time.time()
    session = get_server_session(req({V4: v4_token()}))
    assert session is not None
    assert session["user"] == {"name": "Alice", "email": "a@x.io"}
    assert ISO_MS_Z.match(session["expires"])
    expires = datetime.strptime(session["expires"], "%Y-%m-%dT%H:%M:%S.%fZ")
    delta = expires.replace(tzinfo=timezone.utc).timestamp() - before
    assert 30 * 86400 - 1 <= delta <= 30 * 86400 + 2


def test_server_session_image_null_kept_and_picture_mapped() -> None:
    no_image = get_server_session(req({V4: v4_token({"name": None, "picture": None, "sub": "1"})}))
    assert no_image == {"user": {"name": None, "image": None}, "expires": no_image["expires"]}  # type: ignore[index]
    pic = get_server_session(req({V4: v4_token({"picture": "https://i/x.png"})}))
    assert pic["user"] == {"image": "https://i/x.png"}  # type: ignore[index]


@override_settings(NEXTAUTH={"SECRET": SECRET, "SESSION": {"MAX_AGE": 60}})
def test_session_expires_follows_max_age() -> None:
    session = build_session(dict(CLAIMS))
    expires = datetime.strptime(session["expires"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert abs(expires.replace(tzinfo=timezone.utc).timestamp() - time.time() - 60) < 2


def add_role(*, token: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return {**token, "role": "admin", "name": "From JWT"}


def expose_role(*, session: dict[str, Any], token: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return {**session, "user": {**session["user"], "role": token["role"], "id": "u-1"}}


def end_session(**kwargs: Any) -> None:
    return None


async def async_add_role(**kwargs: Any) -> dict[str, Any]:
    return add_role(**kwargs)


async def async_expose_role(**kwargs: Any) -> dict[str, Any]:
    return expose_role(**kwargs)


ROLE_CALLBACKS = {"jwt": f"{__name__}.add_role", "session": f"{__name__}.expose_role"}


@override_settings(NEXTAUTH={"SECRET": SECRET, "CALLBACKS": ROLE_CALLBACKS})
def test_callbacks_shape_the_session_v4() -> None:
    request = req({V4: v4_token()})
    session = get_server_session(request)
    # v4 builds the session from the decoded token, before the jwt callback.
    assert session["user"] == {"name": "Alice", "email": "a@x.io", "role": "admin", "id": "u-1"}  # type: ignore[index]
    user = get_session_user(request)
    assert user.pk == "u-1" and user.role == "admin"


@override_settings(NEXTAUTH={"SECRET": SECRET, "VERSION": "v5", "CALLBACKS": ROLE_CALLBACKS})
def test_callbacks_shape_the_session_v5() -> None:
    session = get_server_session(req({V5: v5_token()}))
    # v5 builds it from the jwt callback's result.
    assert session["user"]["name"] == "From JWT"  # type: ignore[index]


@override_settings(NEXTAUTH={"SECRET": SECRET, "CALLBACKS": {"jwt": f"{__name__}.end_session"}})
def test_jwt_callback_returning_none_ends_the_session() -> None:
    request = req({V4: v4_token()})
    assert get_server_session(request) is None
    assert get_session_user(request).is_authenticated is False
    assert peek_request_session(request).is_bad  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "callbacks",
    [
        ROLE_CALLBACKS,
        {"jwt": f"{__name__}.async_add_role", "session": f"{__name__}.async_expose_role"},
    ],
    ids=["sync", "async"],
)
async def test_aget_server_session_runs_callbacks(callbacks: dict[str, str]) -> None:
    with override_settings(NEXTAUTH={"SECRET": SECRET, "CALLBACKS": callbacks}):
        request = req({V4: v4_token()})
        session = await aget_server_session(request)
        assert session["user"]["role"] == "admin"  # type: ignore[index]
        user = await aget_session_user(request)
        assert user.is_authenticated and user.pk == "u-1"


async def test_aget_server_session_signed_out() -> None:
    request = req({V4: "garbage"})
    assert await aget_server_session(request) is None
    assert (await aget_session_user(request)).is_authenticated is False


@override_settings(NEXTAUTH={"SECRET": SECRET, "CALLBACKS": ROLE_CALLBACKS})
async def test_build_session_twins() -> None:
    token = {**CLAIMS, "role": "staff"}
    assert build_session(token)["user"]["role"] == "staff"
    assert (await abuild_session(token))["user"]["role"] == "staff"


def test_session_user_pk_is_sub() -> None:
    user = get_session_user(req({V4: v4_token()}))
    assert isinstance(user, SessionUser)
    assert user.pk == user.id == "7"
    assert isinstance(get_session_user(req()), AnonymousSessionUser)


# --- issue_session / clear_session -----------------------------------------------------------


def test_issue_session_v4() -> None:
    response = HttpResponse()
    issue_session(response, req(), {"name": "Bob", "sub": "3"})
    morsel = response.cookies[V4]
    claims = jwt.decode(morsel.value, secret=SECRET, version="v4")
    assert claims["sub"] == "3" and claims["exp"] - claims["iat"] == 30 * 86400
    assert "; HttpOnly; SameSite=Lax" in morsel.OutputString()
    expires = datetime.strptime(morsel["expires"], "%a, %d %b %Y %H:%M:%S GMT")
    assert abs(expires.replace(tzinfo=timezone.utc).timestamp() - claims["exp"]) <= 1


@override_settings(NEXTAUTH={"SECRET": SECRET, "VERSION": "v5"})
def test_issue_session_v5_secure_uses_secure_name_as_salt() -> None:
    response = HttpResponse()
    issue_session(response, req(secure=True), {"sub": "3"}, max_age=120)
    morsel = response.cookies[SECURE_V5]
    assert morsel["secure"] is True
    claims = jwt.decode(morsel.value, secret=SECRET, version="v5", salt=SECURE_V5)
    assert claims["exp"] - claims["iat"] == 120


def test_issue_session_chunks_and_deletes_stale() -> None:
    response = HttpResponse()
    request = req({V4: v4_token()})
    issue_session(response, request, {"blob": "y" * 5000})
    assert [m.key for m in response.cookies.values()] == [V4, f"{V4}.0", f"{V4}.1"]
    assert response.cookies[V4]["max-age"] == 0
    joined = response.cookies[f"{V4}.0"].value + response.cookies[f"{V4}.1"].value
    assert jwt.decode(joined, secret=SECRET)["blob"] == "y" * 5000


@both
def test_clear_session_deletes_every_family_and_chunk() -> None:
    response = HttpResponse()
    clear_session(response, req({f"{V4}.0": "a", f"{V4}.1": "b", V5: "c", "other": "d"}))
    assert {m.key: m["max-age"] for m in response.cookies.values()} == {
        f"{V4}.0": 0,
        f"{V4}.1": 0,
        V5: 0,
    }


async def async_end_session(**kwargs: Any) -> None:
    return None


@override_settings(
    NEXTAUTH={"SECRET": SECRET, "CALLBACKS": {"jwt": f"{__name__}.async_end_session"}}
)
async def test_async_jwt_callback_returning_none_ends_the_session() -> None:
    request = req({V4: v4_token()})
    assert await aget_server_session(request) is None
    assert (await aget_session_user(request)).is_authenticated is False
    assert peek_request_session(request).is_bad  # type: ignore[union-attr]


@override_settings(NEXTAUTH={"SECRET": SECRET, "DECODE_VERSIONS": ["v4", "v6"]})
def test_decode_versions_must_be_known() -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="DECODE_VERSIONS"):
        get_token(req())


def test_empty_authorization_header_is_no_token() -> None:
    assert get_token(req(HTTP_AUTHORIZATION="")) is None


@override_settings(NEXTAUTH={"SECRET": SECRET, "CALLBACKS": {"jwt": f"{__name__}.add_role"}})
async def test_custom_jwt_with_default_session_callback() -> None:
    request = req({V4: v4_token()})
    session = get_server_session(request)
    assert session is not None and session["user"]["name"] == "Alice"  # v4: from the claims
    assert peek_request_session(request).token["role"] == "admin"  # type: ignore[index,union-attr]
    user = get_session_user(request)
    assert get_session_user(request) is user is await aget_session_user(request)


# --- login / logout / flush ------------------------------------------------------------------


def test_login_writes_on_flush_and_reads_see_it_at_once() -> None:
    from django_nextauth.session import flush, login

    request = req()
    assert get_token(request) is None
    login(request, {"name": "Bob", "sub": "3"})
    claims = get_token(request)
    assert claims is not None and claims["sub"] == "3" and get_session_user(request).name == "Bob"
    response = HttpResponse()
    flush(request, response)
    written = jwt.decode(response.cookies[V4].value, secret=SECRET)
    assert written == claims
    assert isinstance(written["sid"], str) and written["auth_time"] == written["iat"]
    again = HttpResponse()
    flush(request, again)  # idempotent: nothing pending any more
    assert not again.cookies


def test_flush_without_anything_pending_is_a_no_op() -> None:
    from django_nextauth.session import flush

    response = HttpResponse()
    request = req({V4: v4_token()})
    flush(request, response)  # no state at all
    get_token(request)
    flush(request, response)  # state, nothing pending
    assert not response.cookies


def test_reissue_keeps_sid_and_auth_time_and_changes_jti() -> None:
    from django_nextauth.session import flush, login

    first = HttpResponse()
    request = req()
    login(request, {"sub": "3"})
    flush(request, first)
    old = jwt.decode(first.cookies[V4].value, secret=SECRET)
    second = HttpResponse()
    renewed = req({V4: first.cookies[V4].value})
    login(renewed, get_token(renewed))  # type: ignore[arg-type]
    flush(renewed, second)
    new = jwt.decode(second.cookies[V4].value, secret=SECRET)
    assert (new["sid"], new["auth_time"]) == (old["sid"], old["auth_time"])
    assert new["jti"] != old["jti"]
    other = HttpResponse()
    fresh = req()
    login(fresh, {"sub": "3", "sid": ""})  # not a usable sid: a new one
    flush(fresh, other)
    assert jwt.decode(other.cookies[V4].value, secret=SECRET)["sid"] not in ("", old["sid"])


async def test_alogout_deletes_every_incoming_chunk_and_reads_see_nobody() -> None:
    from django_nextauth.session import alogin, alogout, flush

    request = req({f"{V4}.0": "a", f"{V4}.1": "b"})
    await alogin(request, {"sub": "1"})
    await alogout(request)  # the later call wins
    assert get_token(request) is None
    assert not (await aget_session_user(request)).is_authenticated
    response = HttpResponse()
    flush(request, response)
    assert {m.key: m["max-age"] for m in response.cookies.values()} == {
        f"{V4}.0": 0,
        f"{V4}.1": 0,
    }


def test_login_max_age() -> None:
    response = HttpResponse()
    issue_session(response, req(), {"sub": "3"}, max_age=60)
    claims = jwt.decode(response.cookies[V4].value, secret=SECRET)
    assert claims["exp"] - claims["iat"] == 60


# --- SESSION["ABSOLUTE_MAX_AGE"] -------------------------------------------------------------

absolute = override_settings(
    NEXTAUTH={"SECRET": SECRET, "SESSION": {"MAX_AGE": 3600, "ABSOLUTE_MAX_AGE": 600}}
)


@absolute
def test_absolute_lifetime_ends_reading_and_renewal(monkeypatch: pytest.MonkeyPatch) -> None:
    signed_in = int(time.time()) - 500
    token = v4_token({**CLAIMS, "auth_time": signed_in})
    assert get_token(req({V4: token})) is not None
    response = HttpResponse()
    request = req({V4: token})
    issue_session(response, request, get_token(request))  # type: ignore[arg-type]
    renewed = jwt.decode(response.cookies[V4].value, secret=SECRET)
    assert renewed["exp"] == signed_in + 600  # capped by the absolute lifetime
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 101)
    assert get_token(req({V4: token})) is None  # cache hit, refused all the same
    assert get_token(req({V4: response.cookies[V4].value})) is None


@absolute
def test_absolute_lifetime_refuses_tokens_without_a_sign_in_time() -> None:
    assert get_token(req({V4: v4_token()})) is None
    assert get_token(req({V4: v4_token({**CLAIMS, "auth_time": "now"})})) is None


def test_absolute_lifetime_is_off_by_default() -> None:
    assert get_token(req({V4: v4_token({**CLAIMS, "auth_time": 0})})) is not None
