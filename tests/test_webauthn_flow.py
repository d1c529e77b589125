"""Passkeys end to end through the routes (v5, JWT and database sessions), with a software
authenticator: sign up, sign in, add a passkey while signed in, and every refusal with
Auth.js's error code, no session and never a 5xx."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest

pytest.importorskip("webauthn", reason="the passkeys extra (py_webauthn) is not installed")
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from django_nextauth.db.models import Account, Authenticator
from tests.authenticator import SoftAuthenticator
from tests.webauthn_flow import (
    AFTER,
    FORM,
    authenticate,
    error_of,
    options,
    post,
    register,
    session_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture(params=["jwt", "database"])
def passkeys(request: pytest.FixtureRequest, nextauth: Callable[..., None]) -> Callable[..., None]:
    """A v5 site with the passkey provider, once per session strategy."""

    def apply(**provider: Any) -> None:
        nextauth(
            VERSION="v5",
            PROVIDERS=[{"type": "webauthn", **provider}],
            SESSION={"STRATEGY": request.param},
        )

    apply()
    return apply


@pytest.fixture
def key() -> SoftAuthenticator:
    return SoftAuthenticator()


def signed_up(client: Client, key: SoftAuthenticator, email: str = "new@example.com") -> Any:
    response = register(client, key, email)
    assert response.status_code == 200
    assert error_of(response) is None
    return get_user_model().objects.get(email=email)


def test_sign_up_then_sign_in(passkeys: Any, client: Client, key: SoftAuthenticator) -> None:
    user = signed_up(client, key)
    assert session_of(client)["user"]["email"] == "new@example.com"
    row = Authenticator.objects.get()
    assert (row.user, row.counter, row.transports) == (user, 0, "internal,hybrid")
    assert Account.objects.filter(user=user, type="webauthn", provider="passkey").count() == 1

    fresh = Client()
    response = authenticate(fresh, key)
    assert response.json() == {"url": AFTER}
    assert session_of(fresh)["user"]["email"] == "new@example.com"
    assert Authenticator.objects.get().counter == 1


def test_options_follow_the_inference_rules(passkeys: Any, client: Client, alice: Any) -> None:
    assert options(client).json()["action"] == "authenticate"
    register_options = options(client, email="nobody@example.com").json()
    assert register_options["action"] == "register"
    # @simplewebauthn/browser 9 (next-auth/webauthn) takes user.id as <= 64 UTF-8 bytes.
    assert len(register_options["options"]["user"]["id"]) <= 64
    assert register_options["options"]["attestation"] == "none"
    assert [p["alg"] for p in register_options["options"]["pubKeyCredParams"]] == [-7, -8, -257]
    assert options(client, email="ALICE@example.com").json()["action"] == "authenticate"
    refused = options(client, action="register", email="alice@example.com")
    assert (refused.status_code, refused.json()) == (400, {"error": "Invalid request"})
    bad = options(client, action="delete")
    assert (bad.status_code, bad.json()) == (400, {"error": "Invalid action"})


def test_a_known_address_gets_its_passkeys(
    passkeys: Any, client: Client, key: SoftAuthenticator
) -> None:
    signed_up(client, key)
    allowed = (
        Client()
        .get("/api/auth/webauthn-options/passkey", {"email": "new@example.com"})
        .json()["options"]["allowCredentials"]
    )
    assert [entry["id"] for entry in allowed] == [key.get({"challenge": "", "rpId": "x"})["id"]]


def test_the_challenge_cookie(passkeys: Any, client: Client) -> None:
    response = options(client)
    morsel = response.cookies["authjs.challenge"]
    assert morsel["max-age"] == 900 and morsel["httponly"] and morsel["samesite"] == "Lax"
    assert response["Cache-Control"].startswith("private, no-cache, no-store")


def test_signed_in_user_adds_a_passkey(
    passkeys: Any, client: Client, key: SoftAuthenticator
) -> None:
    user = signed_up(client, key)
    # Signed in, the action must be named.
    assert options(client).status_code == 400
    second = SoftAuthenticator()
    answer = options(client, action="register").json()
    assert [c["id"] for c in answer["options"]["excludeCredentials"]] == [
        key.get({"challenge": "", "rpId": "x"})["id"]
    ]
    response = post(client, "register", second.create(answer["options"]))
    assert error_of(response) is None
    assert Authenticator.objects.filter(user=user).count() == 2
    assert get_user_model().objects.count() == 1


def test_registering_needs_the_csrf_token(
    passkeys: Any, client: Client, key: SoftAuthenticator
) -> None:
    answer = options(client, email="new@example.com").json()
    response = post(client, "register", key.create(answer["options"]), csrf=False)
    assert error_of(response) == "MissingCSRF"
    assert not Authenticator.objects.exists()


def test_known_address_cannot_sign_up(passkeys: Any, client: Client, alice: Any) -> None:
    # The challenge was made while the address was free; somebody took it since.
    answer = options(client, email="late@example.com").json()
    get_user_model().objects.create_user("late", "late@example.com")
    response = post(client, "register", SoftAuthenticator().create(answer["options"]))
    assert error_of(response) == "AccountNotLinked"
    assert not Authenticator.objects.exists()


def test_sign_up_off(passkeys: Callable[..., None], client: Client) -> None:
    passkeys(allow_sign_up=False)
    assert options(client, email="new@example.com").status_code == 400


REFUSALS: dict[str, Any] = {
    "wrong origin": ({"origin": "http://evil.example"}, "WebAuthnVerificationError"),
    "wrong RP id": ({"rp_id": "evil.example"}, "WebAuthnVerificationError"),
    "tampered signature": ({"tamper": True}, "WebAuthnVerificationError"),
    "counter went backwards": ({"counter": 0}, "WebAuthnVerificationError"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_refused_assertions(
    passkeys: Any, client: Client, key: SoftAuthenticator, case: str
) -> None:
    signed_up(client, key)
    assert authenticate(Client(), key).json() == {"url": AFTER}  # counter 1
    bend, code = REFUSALS[case]
    fresh = Client()
    response = authenticate(fresh, key, **bend)
    assert response.status_code == 200
    assert error_of(response) == code
    assert session_of(fresh) is None
    assert Authenticator.objects.get().counter == 1


def test_replayed_assertion(passkeys: Any, client: Client, key: SoftAuthenticator) -> None:
    signed_up(client, key)
    fresh = Client()
    answer = options(fresh, action="authenticate").json()
    data = key.get(answer["options"], counter=0)  # an authenticator without a counter
    cookie = fresh.cookies["authjs.challenge"].value
    assert error_of(post(fresh, "authenticate", data)) is None
    replay = Client()
    replay.cookies["authjs.challenge"] = cookie
    assert error_of(post(replay, "authenticate", data)) == "Configuration"
    assert session_of(replay) is None


def test_unknown_credential(passkeys: Any, client: Client) -> None:
    response = authenticate(client, SoftAuthenticator())
    assert error_of(response) == "Configuration"
    assert session_of(client) is None


def test_challenge_of_another_provider(
    nextauth: Callable[..., None], client: Client, key: SoftAuthenticator
) -> None:
    two = [
        {"type": "webauthn"},
        {"type": "webauthn", "id": "other", "enable_conditional_ui": False},
    ]
    nextauth(VERSION="v5", PROVIDERS=two)
    signed_up(client, key)
    fresh = Client()
    answer = fresh.get("/api/auth/webauthn-options/other", {"action": "authenticate"}).json()
    response = post(fresh, "authenticate", key.get(answer["options"]))
    assert error_of(response) == "Configuration"
    assert session_of(fresh) is None


def test_expired_challenge(
    passkeys: Any, client: Client, key: SoftAuthenticator, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed_up(client, key)
    fresh = Client()
    answer = options(fresh, action="authenticate").json()
    later = time.time() + 16 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    response = post(fresh, "authenticate", key.get(answer["options"]))
    assert error_of(response) == "Configuration"
    assert session_of(fresh) is None


def test_failed_attempts_are_limited(
    passkeys: Callable[..., None], client: Client, key: SoftAuthenticator
) -> None:
    passkeys(rate_limit={"CREDENTIAL": 2, "IP": 50, "WINDOW": 60})
    signed_up(client, key)
    for _ in range(2):
        assert error_of(authenticate(Client(), key, tamper=True)) == "WebAuthnVerificationError"
    blocked = authenticate(Client(), key)
    assert blocked.status_code == 429
    assert error_of(blocked) == "TooManyAttempts"


def test_inactive_user_is_refused(passkeys: Any, client: Client, key: SoftAuthenticator) -> None:
    user = signed_up(client, key)
    user.is_active = False
    user.save()
    fresh = Client()
    assert error_of(authenticate(fresh, key)) == "AccessDenied"
    assert session_of(fresh) is None


@pytest.mark.parametrize(
    "body",
    [
        {"action": "dance"},
        {"action": "authenticate", "data": "{"},
        {"action": "register", "data": "[]"},
    ],
)
def test_malformed_callbacks(passkeys: Any, client: Client, body: dict[str, str]) -> None:
    token = client.get("/api/auth/csrf").json()["csrfToken"]
    response = client.post(
        "/api/auth/callback/passkey",
        urlencode({**body, "csrfToken": token}),
        content_type=FORM,
        headers={"X-Auth-Return-Redirect": "1"},
    )
    assert response.status_code == 200
    assert error_of(response) == "Configuration"
