"""Account linking through the adapter (docs/protocol-providers.md §1.10): every rule, and the
refusals, driven through ``complete_sign_in`` with NextAuth-shaped user and account dicts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponseBase
from django.test import RequestFactory

from django_nextauth import signals
from django_nextauth.db.adapter import DjangoAdapter
from django_nextauth.db.models import Account, Session
from django_nextauth.flow.complete import complete_sign_in
from django_nextauth.flow.context import build_context
from django_nextauth.session import flush, session_state
from tests.test_views import Recorder, session_name

pytestmark = pytest.mark.django_db
AUTH = "http://testserver/api/auth"

PROFILE_USER = {
    "id": "583231",
    "name": "The Octocat",
    "email": "octocat@github.com",
    "image": "https://avatars.githubusercontent.com/u/583231?v=4",
}
GITHUB = {
    "provider": "github",
    "type": "oauth",
    "providerAccountId": "583231",
    "access_token": "gho_16C7e42F292c6912E7710c838347Ae178B4a",
    "token_type": "bearer",
    "scope": "read:user,user:email",
}
OIDC = {
    "provider": "oidc-test",
    "type": "oidc",
    "providerAccountId": "sub-0001",
    "access_token": "at",
    "expires_at": 1_900_000_000,
    "id_token": "eyJhbGciOiJSUzI1NiJ9.e30.sig",
    "scope": "openid profile email",
    "token_type": "Bearer",
}

jwt_calls: list[dict[str, Any]] = []
sign_in_calls: list[dict[str, Any]] = []


def record_jwt(*, token: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    jwt_calls.append({"token": dict(token), **kwargs})
    return token


def record_sign_in(**kwargs: Any) -> bool:
    sign_in_calls.append(kwargs)
    return True


def handle_from_name(profile: dict[str, Any]) -> str:
    return "gh_" + str(profile["name"]).split()[-1].lower()


@dataclass
class OAuthProvider:
    id: str = "github"
    type: str = "oauth"
    allow_dangerous_email_account_linking: bool = False


@pytest.fixture
def signin(
    nextauth: Any, version: str, rf: RequestFactory
) -> Callable[..., tuple[HttpRequest, HttpResponseBase]]:
    jwt_calls.clear()
    sign_in_calls.clear()
    nextauth(
        VERSION=version,
        CALLBACKS={"jwt": f"{__name__}.record_jwt", "sign_in": f"{__name__}.record_sign_in"},
    )

    def run(
        user: dict[str, Any] = PROFILE_USER,
        account: dict[str, Any] = GITHUB,
        *,
        provider: Any = None,
        cookies: dict[str, str] | None = None,
        bound_to_session: bool = False,
    ) -> tuple[HttpRequest, HttpResponseBase]:
        request = rf.get("/api/auth/callback/github")
        request.COOKIES.update(cookies or {})
        response = complete_sign_in(
            build_context(request),
            provider=provider or OAuthProvider(),
            user=dict(user),
            account=dict(account),
            profile={"login": "octocat", **user},
            bound_to_session=bound_to_session,
        )
        flush(request, response)
        return request, response

    return run


def signed_in_as(request: HttpRequest) -> Any:
    claims = session_state(request).claims
    return None if claims is None else claims["sub"]


def cookie_of(user: Any, version: str, rf: RequestFactory) -> dict[str, str]:
    request = rf.get("/")
    session_state(request).login({"name": "x", "sub": str(user.pk)})
    response = HttpResponseBase()
    flush(request, response)
    return {session_name(version): response.cookies[session_name(version)].value}


def test_a_first_sign_in_creates_the_user_and_links_the_account(signin: Any) -> None:
    with Recorder(signals.user_created) as created, Recorder(signals.account_linked) as linked:
        request, response = signin()
    assert response.status_code == 302
    user = get_user_model().objects.get()
    assert (user.username, user.email, user.first_name, user.last_name) == (
        "octocat",
        "octocat@github.com",
        "The",
        "Octocat",
    )
    assert not user.has_usable_password()
    account = Account.objects.get()
    assert (account.user, account.provider, account.provider_account_id) == (
        user,
        "github",
        "583231",
    )
    assert account.access_token == GITHUB["access_token"]
    (call,) = jwt_calls
    assert (call["trigger"], call["is_new_user"], call["user"]) == ("signUp", True, user)
    assert call["token"] == {
        "name": "The Octocat",
        "email": "octocat@github.com",
        "picture": PROFILE_USER["image"],
        "sub": str(user.pk),  # the Django user's id, not the provider's
    }
    assert signed_in_as(request) == str(user.pk)
    assert [c["user"] for c in created.calls] == [user]
    assert [(c["sender"], c["account"]["providerAccountId"]) for c in linked.calls] == [
        ("github", "583231")
    ]


def test_a_known_account_signs_in_as_its_user(signin: Any, alice: Any) -> None:
    DjangoAdapter().link_account(alice, OIDC)
    request, _response = signin(account=OIDC, provider=OAuthProvider(id="oidc-test"))
    assert signed_in_as(request) == str(alice.pk)
    (call,) = jwt_calls
    assert (call["trigger"], call["is_new_user"]) == ("signIn", False)
    # The sign_in callback sees the stored user, as NextAuth's getUserByAccount() result.
    assert sign_in_calls[0]["user"] == alice
    assert get_user_model().objects.count() == 1


def test_a_known_account_of_someone_else_is_refused(
    signin: Any, alice: Any, django_user_model: Any, version: str, rf: RequestFactory
) -> None:
    bob = django_user_model.objects.create_user("bob", "bob@example.com")
    DjangoAdapter().link_account(bob, GITHUB)
    request, response = signin(cookies=cookie_of(alice, version, rf))
    expected = (
        f"{AUTH}/error?error=OAuthAccountNotLinked"
        if version == "v4"
        else f"{AUTH}/signin?error=OAuthAccountNotLinked"
    )
    assert response["Location"] == expected
    assert signed_in_as(request) == str(alice.pk)  # still alice
    assert jwt_calls == []


def test_the_same_account_while_signed_in_as_its_user(
    signin: Any, alice: Any, version: str, rf: RequestFactory
) -> None:
    DjangoAdapter().link_account(alice, GITHUB)
    request, response = signin(cookies=cookie_of(alice, version, rf))
    assert response.status_code == 302 and signed_in_as(request) == str(alice.pk)


def test_signed_in_plus_a_new_account_links_it(
    signin: Any, alice: Any, version: str, rf: RequestFactory
) -> None:
    with Recorder(signals.account_linked) as linked:
        request, _response = signin(cookies=cookie_of(alice, version, rf), bound_to_session=True)
    assert Account.objects.get().user == alice
    assert signed_in_as(request) == str(alice.pk)
    assert [c["user"] for c in linked.calls] == [alice]
    assert get_user_model().objects.count() == 1


def test_signed_in_plus_a_new_account_from_a_flow_it_did_not_start_is_refused(
    signin: Any, alice: Any, version: str, rf: RequestFactory
) -> None:
    cookies = cookie_of(alice, version, rf)
    with Recorder(signals.account_linked) as linked:
        request, response = signin(cookies=cookies)
    assert "error=OAuthAccountNotLinked" in response["Location"]
    assert not Account.objects.exists() and linked.calls == []
    assert signed_in_as(request) == str(alice.pk)  # still alice's session, untouched
    assert session_name(version) not in response.cookies


def test_a_taken_e_mail_is_refused(signin: Any, django_user_model: Any, version: str) -> None:
    django_user_model.objects.create_user("octo", "OctoCat@GitHub.com")
    request, response = signin()
    assert "error=OAuthAccountNotLinked" in response["Location"]
    assert not Account.objects.exists() and signed_in_as(request) is None


def test_dangerous_e_mail_linking(signin: Any, django_user_model: Any) -> None:
    owner = django_user_model.objects.create_user("octo", "octocat@github.com")
    request, _response = signin(provider=OAuthProvider(allow_dangerous_email_account_linking=True))
    assert Account.objects.get().user == owner
    assert signed_in_as(request) == str(owner.pk)
    assert jwt_calls[0]["is_new_user"] is False


def test_an_inactive_user_is_denied(signin: Any, alice: Any, version: str) -> None:
    DjangoAdapter().link_account(alice, GITHUB)
    alice.is_active = False
    alice.save()
    request, response = signin()
    assert "error=AccessDenied" in response["Location"]
    assert signed_in_as(request) is None


def test_the_username_derivation_is_configurable(
    signin: Any, nextauth: Any, django_user_model: Any
) -> None:
    nextauth(USERNAME_FROM_PROFILE=f"{__name__}.handle_from_name")
    django_user_model.objects.create_user("gh_octocat", "x@example.com")
    signin()
    assert django_user_model.objects.get(email="octocat@github.com").username == "gh_octocat-2"


def test_a_concurrent_first_sign_in_uses_the_winner(
    signin: Any, django_user_model: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    winner = django_user_model.objects.create_user("winner", "w@example.com")
    DjangoAdapter().link_account(winner, GITHUB)  # the other request, committed meanwhile
    real_lookup = DjangoAdapter.get_user_by_account
    lookups: list[int] = []

    def late(self: DjangoAdapter, provider: str, provider_account_id: str) -> Any:
        lookups.append(1)  # the first lookup ran before the other request committed
        return None if len(lookups) == 1 else real_lookup(self, provider, provider_account_id)

    monkeypatch.setattr(DjangoAdapter, "get_user_by_account", late)
    request, _response = signin()
    assert signed_in_as(request) == str(winner.pk)
    assert list(django_user_model.objects.all()) == [winner]  # the loser's user rolled back


def test_an_integrity_error_without_a_winner_is_a_refusal(
    signin: Any, monkeypatch: pytest.MonkeyPatch, version: str, django_user_model: Any
) -> None:
    def broken(self: DjangoAdapter, user: Any, account: Any) -> None:
        raise IntegrityError("something else")

    monkeypatch.setattr(DjangoAdapter, "link_account", broken)
    request, response = signin()
    code = "Callback" if version == "v4" else "Configuration"
    assert response["Location"] == f"http://testserver/api/auth/error?error={code}"
    assert signed_in_as(request) is None
    assert not django_user_model.objects.exists()  # the new user rolled back with it


def test_credentials_accounts_are_not_linked(signin: Any, alice: Any) -> None:
    account = {"provider": "credentials", "type": "credentials", "providerAccountId": "1"}
    signin(user={"id": str(alice.pk), "name": "Alice"}, account=account)
    assert not Account.objects.exists()


def test_database_sessions_for_oauth_sign_ins(
    nextauth: Any, rf: RequestFactory, django_user_model: Any
) -> None:
    jwt_calls.clear()
    nextauth(SESSION={"STRATEGY": "database"}, CALLBACKS={"jwt": f"{__name__}.record_jwt"})
    request = rf.get("/api/auth/callback/github")
    with Recorder(signals.user_signed_in) as signed_in:
        response = complete_sign_in(
            build_context(request),
            provider=OAuthProvider(),  # type: ignore[arg-type]
            user=dict(PROFILE_USER),
            account=dict(GITHUB),
        )
    flush(request, response)
    user = django_user_model.objects.get()
    assert Session.objects.get().user == user
    assert jwt_calls == []  # NextAuth runs no jwt callback for database sessions
    (call,) = signed_in.calls
    assert call["is_new_user"] is True and call["token"]["sub"] == str(user.pk)


def test_signed_in_with_a_database_session_links_to_its_user(
    nextauth: Any, rf: RequestFactory, alice: Any
) -> None:
    nextauth(SESSION={"STRATEGY": "database"})
    request = rf.get("/")
    session_state(request).login({"sub": str(alice.pk)}, user=alice)
    response = HttpResponseBase()
    flush(request, response)
    cookie = response.cookies["next-auth.session-token"].value
    request = rf.get("/api/auth/callback/github", HTTP_COOKIE=f"next-auth.session-token={cookie}")
    complete_sign_in(
        build_context(request),
        provider=OAuthProvider(),  # type: ignore[arg-type]
        user=dict(PROFILE_USER),
        account=dict(GITHUB),
        bound_to_session=True,
    )
    assert Account.objects.get().user == alice
