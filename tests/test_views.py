"""Every route of the /api/auth API, for both wire versions (docs/protocol.md §3-§8)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import django
import pytest
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import Signal
from django.test import Client, override_settings
from django.urls import path
from django.utils.log import AdminEmailHandler

from django_nextauth import signals, views
from django_nextauth.db.adapter import DjangoAdapter
from tests.conftest import system_checks

SECRET = "views-tests-secret"
AUTH = "http://testserver/api/auth"
FORM = "application/x-www-form-urlencoded"
NO_CACHE = {"Cache-Control": "private, no-cache, no-store", "Pragma": "no-cache", "Expires": "0"}
V4_BAD_REQUEST = "Error: This action with HTTP {} is not supported by NextAuth.js"


# --- callbacks and hooks the tests configure ------------------------------------------


def rename_on_update(
    *, token: dict[str, Any], trigger: str | None = None, session: Any = None, **kwargs: Any
) -> dict[str, Any]:
    if trigger == "update" and isinstance(session, dict):
        return {**token, "name": session.get("name")}
    return token


def jwt_none(**kwargs: Any) -> None:
    return None


def jwt_unserializable(*, token: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return {**token, "when": object()}


def jwt_raises(**kwargs: Any) -> None:
    raise RuntimeError("jwt callback secret detail")


def deny(**kwargs: Any) -> bool:
    return False


def deny_loudly(**kwargs: Any) -> bool:
    raise RuntimeError("sign_in secret detail")


def send_elsewhere(**kwargs: Any) -> str:
    return "/welcome"


def leaky_authorize(credentials: dict[str, Any], request: Any) -> Any:
    raise ValueError(f"bad password {credentials.get('password')}")


def dict_authorize(credentials: dict[str, Any], request: Any) -> Any:
    user = {"name": "Dict User", "email": "dict@example.com"}
    if credentials.get("with_id"):
        user["id"] = 42
    return user


def truthy_authorize(credentials: dict[str, Any], request: Any) -> Any:
    return "yes"


# --- helpers ---------------------------------------------------------------------------


def nextauth(version: str, **extra: Any) -> Any:
    return override_settings(NEXTAUTH={"SECRET": SECRET, "VERSION": version, **extra})


@pytest.fixture(params=["v4", "v5"])
def version(request: pytest.FixtureRequest) -> Iterator[str]:
    cache.clear()
    with nextauth(request.param):
        yield request.param


@pytest.fixture
def alice(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(
        "alice", "alice@example.com", "pw", first_name="Alice", last_name="Liddell"
    )


def family(version: str) -> str:
    return "next-auth" if version == "v4" else "authjs"


def session_name(version: str) -> str:
    return f"{family(version)}.session-token"


def csrf_token(client: Client) -> str:
    token: str = client.get("/api/auth/csrf").json()["csrfToken"]
    return token


def form(client: Client, path: str, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(path, urlencode(data), content_type=FORM, **extra)


def sign_in(client: Client, password: str = "pw", **fields: Any) -> Any:
    """POST the credentials form; ``HTTP_*`` keyword arguments are request headers."""
    headers = {k: fields.pop(k) for k in list(fields) if k.startswith("HTTP_")}
    body = {"username": "alice", "password": password, "csrfToken": csrf_token(client), **fields}
    return form(client, "/api/auth/callback/credentials", body, **headers)


def set_cookie(response: Any, name: str) -> str | None:
    morsel = response.cookies.get(name)
    return None if morsel is None else str(morsel.OutputString())


def empty_session(version: str) -> Any:
    return {} if version == "v4" else None


class Recorder:
    """Collects the keyword arguments a signal is sent with."""

    def __init__(self, signal: Signal) -> None:
        self.signal, self.calls = signal, []

    def __call__(self, sender: Any, **kwargs: Any) -> None:
        self.calls.append({"sender": sender, **kwargs})

    def __enter__(self) -> Recorder:
        self.signal.connect(self, weak=False)
        return self

    def __exit__(self, *exc: object) -> None:
        self.signal.disconnect(self)


# --- GET /csrf and /providers ----------------------------------------------------------


def test_csrf(client: Client, version: str) -> None:
    response = client.get("/api/auth/csrf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert {k: response[k] for k in NO_CACHE} == NO_CACHE
    token = response.json()["csrfToken"]
    assert re.fullmatch(r"[0-9a-f]{64}", token)
    csrf_cookie = set_cookie(response, f"{family(version)}.csrf-token")
    assert csrf_cookie is not None
    assert csrf_cookie.startswith(f"{family(version)}.csrf-token={token}%7C")
    assert csrf_cookie.endswith("; Path=/; HttpOnly; SameSite=Lax")
    assert set_cookie(response, f"{family(version)}.callback-url") == (
        f"{family(version)}.callback-url=http%3A%2F%2Ftestserver; Path=/; HttpOnly; SameSite=Lax"
    )
    again = client.get("/api/auth/csrf")
    assert again.json()["csrfToken"] == token
    assert not again.cookies  # both cookies are already right


def test_secure_cookie_names(client: Client, version: str) -> None:
    with nextauth(version, USE_SECURE_COOKIES=True):
        response = client.get("/api/auth/csrf")
    assert set(response.cookies) == {
        f"__Host-{family(version)}.csrf-token",
        f"__Secure-{family(version)}.callback-url",
    }
    assert all("; Secure; SameSite=Lax" in m.OutputString() for m in response.cookies.values())


def test_providers(client: Client, version: str) -> None:
    response = client.get("/api/auth/providers")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "Cache-Control" not in response
    assert not response.cookies
    assert response.json() == {
        "credentials": {
            "id": "credentials",
            "name": "Credentials",
            "type": "credentials",
            "signinUrl": f"{AUTH}/signin/credentials",
            "callbackUrl": f"{AUTH}/callback/credentials",
        }
    }


def test_urls_follow_the_mount_point_and_configured_url(client: Client) -> None:
    with nextauth("v4", URL="https://auth.example.com"):
        body = client.get("/api/auth/providers").json()
    assert (
        body["credentials"]["signinUrl"] == "https://auth.example.com/api/auth/signin/credentials"
    )


# --- /session ------------------------------------------------------------------------


def test_session_signed_out(client: Client, version: str) -> None:
    response = client.get("/api/auth/session")
    assert response.status_code == 200
    assert response.json() == empty_session(version)
    assert {k: response[k] for k in NO_CACHE} == NO_CACHE
    assert f"{family(version)}.csrf-token" in response.cookies
    assert session_name(version) not in response.cookies


@pytest.mark.django_db
def test_session_signed_in_reissues_the_cookie(client: Client, version: str, alice: Any) -> None:
    sign_in(client)
    response = client.get("/api/auth/session")
    body = response.json()
    assert body["user"] == {"name": "Alice Liddell", "email": "alice@example.com"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["expires"])
    assert {k: response[k] for k in NO_CACHE} == NO_CACHE
    cookie = set_cookie(response, session_name(version))
    assert cookie is not None
    assert re.search(
        r"; Path=/; Expires=\w{3}, \d\d \w{3} \d{4} [\d:]{8} GMT; HttpOnly; SameSite=Lax$", cookie
    )


def test_bad_session_cookie_is_deleted(client: Client, version: str) -> None:
    client.cookies[session_name(version)] = "not-a-jwe"
    response = client.get("/api/auth/session")
    assert response.json() == empty_session(version)
    assert set_cookie(response, session_name(version)) == (
        f"{session_name(version)}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
    )


@pytest.mark.django_db
def test_session_route_ignores_bearer_tokens(client: Client, version: str, alice: Any) -> None:
    signed_in = sign_in(client)
    token = signed_in.cookies[session_name(version)].value
    response = Client().get("/api/auth/session", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.json() == empty_session(version)
    assert session_name(version) not in response.cookies


@pytest.mark.django_db
@pytest.mark.parametrize("callback", ["jwt_none", "jwt_raises"])
def test_session_jwt_callback_ending_the_session(
    client: Client, version: str, alice: Any, callback: str, caplog: Any
) -> None:
    sign_in(client)
    with nextauth(version, CALLBACKS={"jwt": f"{__name__}.{callback}"}):
        response = client.get("/api/auth/session")
    assert response.status_code == 200
    assert response.json() == empty_session(version)
    assert "Max-Age=0" in str(set_cookie(response, session_name(version)))
    assert "secret detail" not in caplog.text


@pytest.mark.django_db
def test_session_update(client: Client, version: str, alice: Any) -> None:
    sign_in(client)
    with (
        nextauth(version, CALLBACKS={"jwt": f"{__name__}.rename_on_update"}),
        Recorder(signals.session_updated) as updated,
    ):
        response = client.post(
            "/api/auth/session",
            {"csrfToken": csrf_token(client), "data": {"name": "Queen Alice"}},
            content_type="application/json",
        )
        assert response.status_code == 200
        assert response.json()["user"]["name"] == "Queen Alice"
        assert response["Cache-Control"] == "private, no-store"  # it writes the cookie
        assert session_name(version) in response.cookies
        # The new cookie carries the new name.
        assert client.get("/api/auth/session").json()["user"]["name"] == "Queen Alice"
    (call,) = updated.calls
    assert call["data"] == {"name": "Queen Alice"}
    assert call["token"]["name"] == "Queen Alice"
    assert call["session"]["user"]["name"] == "Queen Alice"


def test_session_update_signed_out(client: Client, version: str) -> None:
    response = client.post(
        "/api/auth/session", {"csrfToken": csrf_token(client)}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == empty_session(version)


@pytest.mark.django_db
def test_session_update_jwt_none_signs_out(client: Client, version: str, alice: Any) -> None:
    sign_in(client)
    with nextauth(version, CALLBACKS={"jwt": f"{__name__}.jwt_none"}):
        response = client.post(
            "/api/auth/session", {"csrfToken": csrf_token(client)}, content_type="application/json"
        )
    assert response.json() == empty_session(version)
    assert "Max-Age=0" in str(set_cookie(response, session_name(version)))


@pytest.mark.django_db
def test_session_update_jwt_raising_signs_out(client: Client, version: str, alice: Any) -> None:
    sign_in(client)
    with nextauth(version, CALLBACKS={"jwt": f"{__name__}.jwt_raises"}):
        response = client.post(
            "/api/auth/session", {"csrfToken": csrf_token(client)}, content_type="application/json"
        )
    assert (response.status_code, response.json()) == (200, empty_session(version))
    assert "Max-Age=0" in str(set_cookie(response, session_name(version)))


# --- GET /signin ---------------------------------------------------------------------


def test_signin_page(client: Client, version: str) -> None:
    response = client.get("/api/auth/signin")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    token = client.cookies[f"{family(version)}.csrf-token"].value.split("|")[0]
    assert '<html lang="en">' in html
    assert "<title>Sign In</title>" in html
    assert f'<form action="{AUTH}/callback/credentials" method="POST"' in html
    assert f'<input type="hidden" name="csrfToken" value="{token}">' in html
    assert '<label for="input-username-for-credentials-provider">Username</label>' in html
    assert (
        '<input autocomplete="current-password" id="input-password-for-credentials-provider" '
        'name="password" type="password">'
    ) in html
    assert 'role="alert"' not in html
    assert "Sign in with Credentials" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("error=CredentialsSignin", "Sign in failed. Check the details you provided are correct."),
        ("error=SessionRequired", "Please sign in to access this page."),
        ("error=OAuthAccountNotLinked", "To confirm your identity, sign in with the same account"),
        ("error=Callback", "Try signing in with a different account."),
        ("error=EmailSignin", "The e-mail could not be sent."),
        ("error=TooManyAttempts", "Too many failed sign-in attempts."),
        ("error=MissingCSRF", "The sign-in form expired. Please try again."),
        ("csrf=true", "The sign-in form expired. Please try again."),
        ("error=Whatever", "Unable to sign in."),
    ],
)
def test_signin_error_banner(client: Client, version: str, query: str, message: str) -> None:
    html = client.get(f"/api/auth/signin?{query}").content.decode()
    assert 'role="alert"' in html
    assert message in html


def test_signin_page_escapes_the_error_code(client: Client, version: str) -> None:
    html = client.get("/api/auth/signin", {"error": '"><script>x()</script>'}).content.decode()
    assert "<script>" not in html
    assert "Unable to sign in." in html


def test_signin_page_renders_custom_fields_safely(client: Client) -> None:
    providers = [
        {
            "id": "otp",
            "name": "One-time <code>",
            "credentials": {
                "email": {"label": "E-mail <b>", "type": "email", "placeholder": 'a"b'},
                "code": {
                    "label": "Code",
                    "inputmode": "numeric",
                    "onclick": "evil()",
                    "required": True,
                    "autocomplete": "one-time-code",
                    "pattern": ["not", "a", "scalar"],
                },
            },
        }
    ]
    with nextauth("v4", PROVIDERS=providers):
        html = client.get("/api/auth/signin/otp").content.decode()
    assert "One-time &lt;code&gt;" in html
    assert "E-mail &lt;b&gt;" in html
    assert 'placeholder="a&quot;b"' in html
    assert 'autocomplete="email"' in html
    assert 'inputmode="numeric"' in html
    assert " required" in html
    assert "onclick" not in html
    assert 'autocomplete="one-time-code"' in html
    assert "pattern" not in html


def test_signin_redirects_to_custom_page(client: Client, version: str) -> None:
    with nextauth(version, PAGES={"SIGN_IN": "/login"}):
        response = client.get("/api/auth/signin?callbackUrl=/dash&error=SessionRequired")
    assert response.status_code == 302
    assert response["Location"] == (
        "http://testserver/login?callbackUrl=http%3A%2F%2Ftestserver%2Fdash&error=SessionRequired"
    )


# --- POST /signin/<provider> ---------------------------------------------------------


def test_signin_post_for_credentials_goes_to_the_form(client: Client, version: str) -> None:
    token = csrf_token(client)
    response = form(client, "/api/auth/signin/credentials", {"csrfToken": token})
    assert response.status_code == 302
    assert response["Location"] == f"{AUTH}/signin"
    response = form(client, "/api/auth/signin/credentials", {"csrfToken": token, "json": "true"})
    assert response.json() == {"url": f"{AUTH}/signin"}


@pytest.mark.parametrize(
    "path", ["/api/auth/signin/credentials", "/api/auth/signin/nope", "/api/auth/signin"]
)
def test_signin_post_without_csrf(client: Client, version: str, path: str) -> None:
    response = form(client, path, {"csrfToken": "0" * 64})
    expected = f"{AUTH}/signin?csrf=true" if version == "v4" else f"{AUTH}/signin?error=MissingCSRF"
    assert response["Location"] == expected


def test_signin_post_unknown_provider(client: Client, version: str) -> None:
    response = form(client, "/api/auth/signin/nope", {"csrfToken": csrf_token(client)})
    expected = f"{AUTH}/signin?csrf=true" if version == "v4" else f"{AUTH}/signin"
    assert response["Location"] == expected


# --- POST /callback/credentials -------------------------------------------------------


@pytest.mark.django_db
def test_credentials_sign_in(client: Client, version: str, alice: Any) -> None:
    with Recorder(signals.user_signed_in) as signed_in:
        response = sign_in(client, callbackUrl="/dashboard")
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/dashboard"
    names = list(response.cookies)
    assert names[-1] == session_name(version)
    assert f"{family(version)}.callback-url" in names
    cookie = set_cookie(response, session_name(version))
    assert cookie is not None and cookie.endswith("GMT; HttpOnly; SameSite=Lax")
    (call,) = signed_in.calls
    assert call["sender"] == "credentials"
    assert call["user"] == alice
    assert call["account"] == {
        "providerAccountId": str(alice.pk),
        "type": "credentials",
        "provider": "credentials",
    }
    assert call["token"] == {
        "name": "Alice Liddell",
        "email": "alice@example.com",
        "sub": str(alice.pk),
    }


@pytest.mark.django_db
def test_credentials_sign_in_json_modes(client: Client, version: str, alice: Any) -> None:
    response = sign_in(client, json="true", callbackUrl="/a")
    assert (response.status_code, response.json()) == (200, {"url": "http://testserver/a"})
    assert session_name(version) in response.cookies
    response = sign_in(client, callbackUrl="/b", HTTP_X_AUTH_RETURN_REDIRECT="1")
    assert (response.status_code, response.json()) == (200, {"url": "http://testserver/b"})


@pytest.mark.django_db
def test_credentials_sign_in_with_json_body(client: Client, version: str, alice: Any) -> None:
    body = {"username": "alice", "password": "pw", "csrfToken": csrf_token(client), "json": True}
    response = client.post("/api/auth/callback/credentials", body, content_type="application/json")
    assert response.json() == {"url": "http://testserver"}
    assert session_name(version) in response.cookies


@pytest.mark.django_db
def test_failed_sign_in(client: Client, version: str, alice: Any) -> None:
    plain = sign_in(client, password="wrong")
    v4_json = sign_in(client, password="wrong", json="true")
    v5_json = sign_in(client, password="wrong", HTTP_X_AUTH_RETURN_REDIRECT="1")
    if version == "v4":
        url = f"{AUTH}/error?error=CredentialsSignin&provider=credentials"
        assert (v4_json.status_code, v4_json.json()) == (401, {"url": url})
    else:
        url = f"{AUTH}/signin?error=CredentialsSignin&code=credentials"
        assert (v4_json.status_code, v4_json.json()) == (401, {"url": url})
    assert (plain.status_code, plain["Location"]) == (302, url)
    assert (v5_json.status_code, v5_json.json()) == (200, {"url": url})
    for response in (plain, v4_json, v5_json):
        assert session_name(version) not in response.cookies


@pytest.mark.django_db
def test_failed_sign_in_sends_each_signal_once(client: Client, version: str, alice: Any) -> None:
    with Recorder(signals.sign_in_failed) as failed, Recorder(user_login_failed) as django_failed:
        sign_in(client, password="wrong")
    (call,) = failed.calls
    assert call["sender"] == call["provider"] == "credentials"
    assert call["error"] == "CredentialsSignin"
    assert call["credentials"] == {"username": "alice", "password": "********************"}
    (django_call,) = django_failed.calls
    assert django_call["credentials"]["password"] == "********************"


@pytest.mark.django_db
def test_failing_hook_sends_django_signal_once(client: Client, version: str, caplog: Any) -> None:
    providers = [{"authorize": f"{__name__}.leaky_authorize"}]
    with (
        nextauth(version, PROVIDERS=providers),
        Recorder(user_login_failed) as django_failed,
        caplog.at_level(logging.DEBUG),
    ):
        response = sign_in(client, password="hunter2", json="true")
    assert response.status_code == 401
    assert "CredentialsSignin" in response.json()["url"]
    assert "hunter2" not in response.content.decode()
    assert "hunter2" not in caplog.text
    assert "ValueError" in caplog.text
    (call,) = django_failed.calls
    assert call["sender"] == "django_nextauth"
    assert "csrfToken" not in call["credentials"]


@pytest.mark.django_db
@pytest.mark.parametrize("hook", ["truthy_authorize"])
def test_unusable_authorize_result_is_a_failure(client: Client, version: str, hook: str) -> None:
    with nextauth(version, PROVIDERS=[{"authorize": f"{__name__}.{hook}"}]):
        response = sign_in(client, json="true")
    assert response.status_code == 401
    assert session_name(version) not in response.cookies


@pytest.mark.django_db
def test_inactive_user_from_hook_is_refused(client: Client, version: str, alice: Any) -> None:
    alice.is_active = False
    alice.save()
    # Django's ModelBackend already refuses inactive users; so does the view for any hook.
    with nextauth(version, PROVIDERS=[{"authorize": lambda c, r: alice}]):
        response = sign_in(client, json="true")
    assert response.status_code == 401


@pytest.mark.parametrize("with_id", [True, False])
def test_authorize_returning_a_dict(client: Client, version: str, with_id: bool) -> None:
    with (
        nextauth(version, PROVIDERS=[{"authorize": f"{__name__}.dict_authorize"}]),
        Recorder(signals.user_signed_in) as signed_in,
    ):
        response = sign_in(client, json="true", **({"with_id": "1"} if with_id else {}))
    assert response.status_code == 200
    token = signed_in.calls[0]["token"]
    assert token["name"] == "Dict User"
    if with_id:
        assert token["sub"] == "42"
    elif version == "v5":
        assert re.fullmatch(r"[0-9a-f-]{36}", token["sub"])  # @auth/core assigns a UUID
    else:
        assert "sub" not in token  # v4 leaves it out


def test_callback_route_refuses_get_and_unknown_providers(client: Client, version: str) -> None:
    for response in (
        client.get("/api/auth/callback/credentials"),
        form(client, "/api/auth/callback/nope", {"csrfToken": csrf_token(client)}),
    ):
        assert response.status_code == 400
        assert session_name(version) not in response.cookies


@pytest.mark.django_db
@pytest.mark.parametrize("callback", ["deny", "deny_loudly"])
def test_sign_in_callback_denies(
    client: Client, version: str, alice: Any, callback: str, caplog: Any
) -> None:
    with (
        nextauth(version, CALLBACKS={"sign_in": f"{__name__}.{callback}"}),
        Recorder(signals.sign_in_failed) as failed,
    ):
        v4_json = sign_in(client, json="true")
        plain = sign_in(client)
    url = f"{AUTH}/error?error=AccessDenied"
    assert (v4_json.status_code, v4_json.json()) == (403, {"url": url})
    assert plain["Location"] == url
    assert session_name(version) not in v4_json.cookies
    assert [c["error"] for c in failed.calls] == ["AccessDenied", "AccessDenied"]
    assert "secret detail" not in caplog.text


@pytest.mark.django_db
def test_sign_in_callback_redirect(client: Client, version: str, alice: Any) -> None:
    with nextauth(version, CALLBACKS={"sign_in": f"{__name__}.send_elsewhere"}):
        response = sign_in(client)
    assert response["Location"] == "http://testserver/welcome"
    assert session_name(version) not in response.cookies


@pytest.mark.django_db
def test_jwt_callback_none_at_sign_in(client: Client, version: str, alice: Any) -> None:
    with nextauth(version, CALLBACKS={"jwt": f"{__name__}.jwt_none"}):
        response = sign_in(client, callbackUrl="/x")
    assert response["Location"] == "http://testserver/x"
    assert session_name(version) not in response.cookies


@pytest.mark.django_db
def test_jwt_callback_unusable_token_at_sign_in(client: Client, version: str, alice: Any) -> None:
    with nextauth(version, CALLBACKS={"jwt": f"{__name__}.jwt_unserializable"}):
        response = sign_in(client)
    assert response.status_code == 302
    assert response["Location"].endswith("/error?error=Configuration")
    assert session_name(version) not in response.cookies


@pytest.mark.django_db
def test_failing_signal_receiver_does_not_break_sign_in(
    client: Client, version: str, alice: Any, caplog: Any
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("receiver bug")

    signals.user_signed_in.connect(broken)
    try:
        response = sign_in(client, json="true")
    finally:
        signals.user_signed_in.disconnect(broken)
    assert response.status_code == 200
    assert session_name(version) in response.cookies
    assert "RuntimeError" in caplog.text


# --- /signout --------------------------------------------------------------------------


def test_signout_page(client: Client, version: str) -> None:
    response = client.get("/api/auth/signout")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Are you sure you want to sign out?" in html
    assert f'<form action="{AUTH}/signout" method="POST">' in html
    assert 'name="csrfToken"' in html


def test_signout_redirects_to_custom_page(client: Client, version: str) -> None:
    with nextauth(version, PAGES={"SIGN_OUT": "https://example.com/bye"}):
        response = client.get("/api/auth/signout")
    assert response["Location"] == "https://example.com/bye"


@pytest.mark.django_db
def test_signout(client: Client, version: str, alice: Any) -> None:
    sign_in(client)
    with Recorder(signals.user_signed_out) as signed_out:
        response = form(
            client, "/api/auth/signout", {"csrfToken": csrf_token(client), "callbackUrl": "/bye"}
        )
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/bye"
    assert set_cookie(response, session_name(version)) == (
        f"{session_name(version)}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
    )
    (call,) = signed_out.calls
    assert call["token"]["sub"] == str(alice.pk)
    assert client.get("/api/auth/session").json() == empty_session(version)


def test_signout_deletes_every_chunk(client: Client, version: str) -> None:
    name = session_name(version)
    client.cookies[f"{name}.0"] = "aaa"
    client.cookies[f"{name}.1"] = "bbb"
    with Recorder(signals.user_signed_out) as signed_out:
        response = form(
            client, "/api/auth/signout", {"csrfToken": csrf_token(client), "json": "true"}
        )
    assert response.json() == {"url": "http://testserver"}
    assert (
        set_cookie(response, f"{name}.0") == f"{name}.0=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
    )
    assert (
        set_cookie(response, f"{name}.1") == f"{name}.1=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
    )
    assert signed_out.calls[0]["token"] is None  # unreadable, as NextAuth passes it


def test_signout_without_session(client: Client, version: str) -> None:
    with Recorder(signals.user_signed_out) as signed_out:
        response = form(client, "/api/auth/signout", {"csrfToken": csrf_token(client)})
    assert response["Location"] == "http://testserver"
    assert session_name(version) not in response.cookies
    assert not signed_out.calls


# --- CSRF-less and wrong-CSRF POSTs never sign anyone in or out -------------------------

_FORGED_TOKEN = "f" * 64


def _attack_csrf(client: Client, attack: str) -> dict[str, Any]:
    """Set up the browser for ``attack`` and return the extra body fields it sends."""
    cookie_name = next(n for n in client.cookies if n.endswith("csrf-token"))
    if attack == "no cookie, no token":
        del client.cookies[cookie_name]
        return {}
    if attack == "cookie, no token":
        return {}
    if attack == "wrong token":
        return {"csrfToken": _FORGED_TOKEN}
    if attack == "token of another browser":
        return {"csrfToken": csrf_token(Client())}
    if attack == "forged cookie with matching token":
        client.cookies[cookie_name] = f"{_FORGED_TOKEN}%7C{'0' * 64}"
        return {"csrfToken": _FORGED_TOKEN}
    if attack == "cookie value as token":
        return {"csrfToken": client.cookies[cookie_name].value}
    raise AssertionError(attack)


ATTACKS = [
    "no cookie, no token",
    "cookie, no token",
    "wrong token",
    "token of another browser",
    "forged cookie with matching token",
    "cookie value as token",
]


@pytest.mark.django_db
@pytest.mark.parametrize("attack", ATTACKS)
def test_csrf_failures_never_sign_in(client: Client, version: str, alice: Any, attack: str) -> None:
    csrf_token(client)
    extra = _attack_csrf(client, attack)
    body = {"username": "alice", "password": "pw", **extra}
    with Recorder(signals.user_signed_in) as signed_in:
        plain = form(client, "/api/auth/callback/credentials", body)
        as_json = form(client, "/api/auth/callback/credentials", {**body, "json": "true"})
        # The token in the query string or a header does not count either.
        token = extra.get("csrfToken", _FORGED_TOKEN)
        query = form(
            client,
            f"/api/auth/callback/credentials?csrfToken={token}",
            body,
            HTTP_X_CSRF_TOKEN=token,
        )
    expected = f"{AUTH}/signin?csrf=true" if version == "v4" else f"{AUTH}/signin?error=MissingCSRF"
    assert plain["Location"] == expected
    assert as_json.json() == {"url": expected}
    assert query["Location"] == expected
    for response in (plain, as_json, query):
        assert session_name(version) not in response.cookies
    assert not signed_in.calls
    assert client.get("/api/auth/session").json() == empty_session(version)


@pytest.mark.django_db
@pytest.mark.parametrize("attack", ATTACKS)
def test_csrf_failures_never_sign_out(
    client: Client, version: str, alice: Any, attack: str
) -> None:
    sign_in(client)
    extra = _attack_csrf(client, attack)
    with Recorder(signals.user_signed_out) as signed_out:
        response = form(client, "/api/auth/signout", extra)
    expected = (
        f"{AUTH}/signout?csrf=true" if version == "v4" else f"{AUTH}/signin?error=MissingCSRF"
    )
    assert response["Location"] == expected
    assert session_name(version) not in response.cookies
    assert not signed_out.calls
    assert client.get("/api/auth/session").json()["user"]["name"] == "Alice Liddell"


@pytest.mark.django_db
@pytest.mark.parametrize("attack", ATTACKS)
def test_csrf_failures_never_update(client: Client, version: str, alice: Any, attack: str) -> None:
    sign_in(client)
    extra = _attack_csrf(client, attack)
    with nextauth(version, CALLBACKS={"jwt": f"{__name__}.rename_on_update"}):
        response = client.post(
            "/api/auth/session",
            {**extra, "data": {"name": "Mallory"}},
            content_type="application/json",
        )
        assert response.status_code == 400
        assert response.json() == empty_session(version)
        assert session_name(version) not in response.cookies
        assert client.get("/api/auth/session").json()["user"]["name"] == "Alice Liddell"


def test_views_skip_djangos_csrf_middleware_only(client: Client, version: str) -> None:
    strict = Client(enforce_csrf_checks=True)
    token = csrf_token(strict)
    response = strict.post("/api/auth/signout", urlencode({"csrfToken": token}), content_type=FORM)
    assert response.status_code == 302  # not Django's 403
    exempt = [
        views.csrf,
        views.providers,
        views.session,
        views.signin,
        views.callback,
        views.signout,
        views.error,
        views.log,
        views.not_found,
    ]
    assert all(getattr(view, "csrf_exempt", False) for view in exempt)


# --- /error --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["CredentialsSignin", "SessionRequired", "OAuthSignin", "TooManyAttempts"]
)
def test_v4_error_route_sends_sign_in_errors_to_the_form(client: Client, code: str) -> None:
    with nextauth("v4"):
        response = client.get(f"/api/auth/error?error={code}")
    assert response["Location"] == f"{AUTH}/signin?error={code}"


@pytest.mark.parametrize(
    ("version_", "code", "status", "heading"),
    [
        # NextAuth answers 500; a visitor must not be able to trigger a 5xx (issue 9).
        ("v4", "Configuration", 200, "Server error"),
        ("v4", "configuration", 200, "Server error"),
        ("v4", "AccessDenied", 403, "Access Denied"),
        ("v4", "accessdenied", 403, "Access Denied"),
        ("v4", "Verification", 403, "Unable to sign in"),
        ("v4", "Other", 200, "Error"),
        ("v5", "Configuration", 200, "Server error"),
        ("v5", "AccessDenied", 403, "Access Denied"),
        ("v5", "accessdenied", 200, "Error"),
        ("v5", "Verification", 403, "Unable to sign in"),
        ("v5", "CredentialsSignin", 200, "Error"),
        ("v5", "", 200, "Error"),
    ],
)
def test_error_page(client: Client, version_: str, code: str, status: int, heading: str) -> None:
    with nextauth(version_):
        response = client.get("/api/auth/error", {"error": code})
    html = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in html
    assert ("Sign in</a>" in html) == (
        code.lower() in ("accessdenied", "verification") and status != 200
    )
    if heading == "Error":
        assert '<a class="site" href="http://testserver">testserver</a>' in html


def test_error_redirects_to_custom_page(client: Client, version: str) -> None:
    with nextauth(version, PAGES={"ERROR": "/oops?x=1"}):
        response = client.get("/api/auth/error?error=AccessDenied")
    assert response["Location"] == "http://testserver/oops?x=1&error=AccessDenied"


def test_error_page_escapes_input(client: Client, version: str) -> None:
    response = client.get("/api/auth/error", {"error": "<img src=x onerror=alert(1)>"})
    assert b"<img" not in response.content


# --- _log, unknown routes and methods, configuration --------------------------------


def test_log(client: Client, version: str) -> None:
    response = form(client, "/api/auth/_log", {"level": "error", "code": "CLIENT_FETCH_ERROR"})
    if version == "v4":
        assert (response.status_code, response.content) == (200, b"")
    else:
        assert (response.status_code, response.json()) == (400, "Bad request.")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/auth/"),
        ("GET", "/api/auth/nope"),
        ("POST", "/api/auth/nope/more/segments"),
        ("GET", "/api/auth/csrf/"),
        ("GET", "/api/auth/session/extra"),
        ("POST", "/api/auth/csrf"),
        ("POST", "/api/auth/providers"),
        ("POST", "/api/auth/error"),
        ("GET", "/api/auth/_log"),
        ("PUT", "/api/auth/session"),
        ("DELETE", "/api/auth/signout"),
        ("PATCH", "/api/auth/signin"),
        ("OPTIONS", "/api/auth/csrf"),
        ("HEAD", "/api/auth/session"),
    ],
)
def test_unknown_actions_and_methods(client: Client, version: str, method: str, path: str) -> None:
    response = client.generic(method, path)
    assert response.status_code == 400
    if version == "v4":
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        if method != "HEAD":
            assert response.content.decode() == V4_BAD_REQUEST.format(method)
    elif method != "HEAD":
        assert response.json() == "Bad request."


@pytest.mark.parametrize(("version_", "wording"), [("v4", "There is a"), ("v5", "There was a")])
def test_missing_secret_is_nextauths_configuration_error(
    client: Client, version_: str, wording: str
) -> None:
    with override_settings(NEXTAUTH={"VERSION": version_}, DEBUG=False):
        response = client.get("/api/auth/csrf")
    assert response.status_code == 500
    assert response.json()["message"].startswith(wording)


def test_invalid_providers_are_a_configuration_error(client: Client) -> None:
    with nextauth("v4", PROVIDERS="nope"):
        response = client.get("/api/auth/providers")
    assert response.status_code == 500


def test_configuration_error_on_a_page_shows_the_error_page(client: Client) -> None:
    with nextauth("v4", PROVIDERS=[{"type": "nope"}]):
        page = client.get("/api/auth/signin")
        api = form(client, "/api/auth/callback/credentials", {})
    assert page.status_code == 500
    assert b"<h1>Server error</h1>" in page.content
    assert (api.status_code, api["Content-Type"]) == (500, "application/json")


@pytest.mark.parametrize(
    ("pages", "ok"),
    [
        ({"SIGN_IN": "/login"}, True),
        ({"SIGN_IN": "https://example.com/login", "ERROR": None}, True),
        ({"SIGN_IN": "no-such-url-name"}, False),
        ({"LOGIN": "/login"}, False),
        ({"ERROR": 5}, False),
        ("/login", False),
    ],
)
def test_pages_check_e007(pages: Any, ok: bool) -> None:
    with nextauth("v4", PAGES=pages):
        ids = [m.id for m in system_checks()]
    assert ("django_nextauth.E007" not in ids) == ok


def test_unresolvable_page_is_a_configuration_error(client: Client) -> None:
    with nextauth("v5", PAGES={"SIGN_IN": "no-such-url-name"}):
        response = client.get("/api/auth/signin")
    assert response.status_code == 500


@override_settings(ROOT_URLCONF=__name__)
def test_views_mounted_without_the_namespace_use_base_path(client: Client) -> None:
    with nextauth("v4", BASE_PATH="/auth"):
        body = client.get("/auth/providers").json()
    assert body["credentials"]["callbackUrl"] == "http://testserver/auth/callback/credentials"


def test_disallowed_host_is_400(client: Client, version: str) -> None:
    assert client.get("/api/auth/csrf", HTTP_HOST="evil.com").status_code == 400


urlpatterns = [path("auth/providers", views.providers)]


# --- hardening (issue 9) ------------------------------------------------------------


def test_multipart_bodies_are_refused_before_parsing(
    client: Client, version: str, monkeypatch: Any
) -> None:
    def parse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the multipart body was parsed")

    monkeypatch.setattr("django.http.multipartparser.MultiPartParser.parse", parse)
    token = csrf_token(client)
    for route in ("/api/auth/callback/credentials", "/api/auth/signout", "/api/auth/session"):
        response = client.post(route, {"csrfToken": token, "file": b"x" * 1024})
        assert response.status_code == 415
        assert not response.cookies


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "http://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": "https://testserver"},  # another scheme is another origin
        {"HTTP_REFERER": "http://sub.testserver/page"},
    ],
)
@pytest.mark.django_db
def test_posts_from_another_origin_are_refused(
    client: Client, version: str, alice: Any, headers: dict[str, str], caplog: Any
) -> None:
    token = csrf_token(client)
    response = sign_in(client, **headers)
    assert response["Location"].endswith("csrf=true" if version == "v4" else "error=MissingCSRF")
    assert session_name(version) not in response.cookies
    refused = form(client, "/api/auth/session", {"csrfToken": token, "data": "x"}, **headers)
    assert refused.status_code == 400
    signout = form(client, "/api/auth/signout", {"csrfToken": token}, **headers)
    assert "csrf" in signout["Location"].lower()
    assert "refused a POST from another origin" in caplog.text


@pytest.mark.django_db
@override_settings(CSRF_TRUSTED_ORIGINS=["https://*.example.com", "http://app.test:3000"])
def test_posts_from_the_site_or_a_trusted_origin_are_accepted(
    client: Client, version: str, alice: Any
) -> None:
    for headers in (
        {},
        {"HTTP_ORIGIN": "http://testserver"},
        {"HTTP_REFERER": "http://testserver/api/auth/signin"},
        {"HTTP_ORIGIN": "https://app.example.com"},
        {"HTTP_ORIGIN": "http://app.test:3000"},
    ):
        client.cookies.clear()
        response = sign_in(client, **headers)
        assert response["Location"] == "http://testserver", headers


def create_session_database_down(*args: Any, **kwargs: Any) -> None:
    raise ConnectionError("database down")


# Django 6.0 takes plain addresses and deprecates (name, address) pairs, which 5.2 needs.
ADMINS: list[Any] = (
    ["admin@example.com"] if django.VERSION >= (6, 0) else [("Admin", "admin@example.com")]
)


@pytest.mark.django_db
@pytest.mark.parametrize("as_json", [False, True])
def test_passwords_never_reach_error_reports(
    version: str, alice: Any, mailoutbox: Any, as_json: bool, monkeypatch: Any
) -> None:
    alice.set_password("pw-Sup3rSecret")
    alice.save()
    client = Client(raise_request_exception=False)
    # Django's default LOGGING mails ADMINS with AdminEmailHandler (DEBUG is off); make it
    # include the HTML report too, with every frame's local variables.
    (handler,) = [
        h for h in logging.getLogger("django").handlers if isinstance(h, AdminEmailHandler)
    ]
    monkeypatch.setattr(handler, "include_html", True)
    # A session store that is down: an outage, the one failure a sign-in answers with a 500.
    monkeypatch.setattr(DjangoAdapter, "create_session", create_session_database_down)
    with (
        nextauth(version, SESSION={"STRATEGY": "database"}),
        override_settings(ADMINS=ADMINS),
    ):
        body = {"username": "alice", "password": "pw-Sup3rSecret", "csrfToken": csrf_token(client)}
        if as_json:
            response = client.post(
                "/api/auth/callback/credentials", body, content_type="application/json"
            )
        else:
            response = form(client, "/api/auth/callback/credentials", body)
    assert response.status_code == 500
    (mail,) = mailoutbox
    report = mail.body + "".join(str(content) for content, _ in mail.alternatives)
    assert "ConnectionError" in report
    assert "create_session_database_down" in report  # the frames are there ...
    assert "pw-Sup3rSecret" not in report  # ... but not the password


def test_the_configuration_error_page_is_not_a_server_error(
    client: Client, version: str, caplog: Any
) -> None:
    response = client.get("/api/auth/error?error=Configuration")
    assert response.status_code == 200
    assert b"There is a problem with the server configuration." in response.content
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# --- the view class ------------------------------------------------------------------


def test_finish_puts_nextauths_cookies_before_the_handlers(rf: Any, version: str) -> None:
    from django.http import HttpResponse

    from django_nextauth.flow.context import build_context
    from django_nextauth.views.base import finish

    ctx = build_context(rf.get("/api/auth/signin"))
    response = HttpResponse()
    response.set_cookie("provider.state", "s")  # e.g. an OAuth provider's check cookie
    names = list(finish(ctx, response).cookies)
    prefix = family(version)
    assert names == [f"{prefix}.csrf-token", f"{prefix}.callback-url", "provider.state"]


def test_a_route_must_write_handle(rf: Any, version: str) -> None:
    from django_nextauth.views.base import AuthView

    with pytest.raises(NotImplementedError):
        AuthView().handle(None)  # type: ignore[arg-type]


def test_pages_without_any_form(client: Client, version: str) -> None:
    with nextauth(version, PROVIDERS=[{}]):
        assert b"No sign-in method is configured." in client.get("/api/auth/signin").content


class _NoNamespace:
    urlpatterns = [path("auth/signin", views.signin), path("auth/error", views.error)]


@override_settings(ROOT_URLCONF=_NoNamespace)
def test_action_urls_without_the_namespace_are_relative_to_the_base_path(client: Client) -> None:
    with nextauth("v4", BASE_PATH="/auth"):
        page = client.get("/auth/signin").content.decode()
        error = client.get("/auth/error?error=AccessDenied").content.decode()
    assert 'action="http://testserver/auth/callback/credentials"' in page
    assert 'href="http://testserver/auth/signin"' in error
