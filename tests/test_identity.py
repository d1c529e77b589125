"""Who a person is (django_nextauth/identity.py): addresses compared in Python, never by a
collation, and deactivated users refused on every sign-in path.

The look-alike cases run on SQLite, the real PostgreSQL and the real MariaDB (their default
collations fold what Python must not: PostgreSQL's ``upper('ı') = 'I'``, MariaDB's
``utf8mb4_general_ci`` folds accents and the dotless ı), through the ORM adapter, the e-mail
provider's send and callback, and OAuth linking with ``allow_dangerous_email_account_linking``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client, RequestFactory

from django_nextauth.db.adapter import DjangoAdapter
from django_nextauth.db.models import Account
from django_nextauth.dialect import dialect
from django_nextauth.flow.complete import complete_sign_in
from django_nextauth.flow.context import build_context
from django_nextauth.identity import email_key, is_active, stored_email, user_with_email
from django_nextauth.session import flush, session_state
from tests.magic_link import follow_link

FORM = "application/x-www-form-urlencoded"
DAVE = "dave@gmail.com"

#: Spellings that are *not* dave@gmail.com, each folded onto it by some database collation,
#: Unicode case mapping or a careless normalisation.
LOOK_ALIKES = [
    "dave@gmaıl.com",  # dotless ı: PostgreSQL upper('ı') = 'I'; MariaDB general_ci
    "dave@gmaİl.com",  # dotted capital İ
    "dave@gmäil.com",  # an accent: MariaDB general_ci folds ä to a
    "dаve@gmail.com",  # Cyrillic а (U+0430)
    "da\u200bve@gmail.com",  # a zero-width space
    "dave@gmail.com\u200d",  # a trailing zero-width joiner
    "dave@ɡmail.com",  # Latin script ɡ (U+0261)
]
#: Spellings that *are* dave@gmail.com for NextAuth's normalisation (NFKC, trim, lower case).
SAME = ["Dave@Gmail.COM", "ｄａｖｅ@ｇｍａｉｌ.ｃｏｍ", " dave@gmail.com\u3000", "\u212aevin@x.io"]


@pytest.fixture
def dave(database: str) -> Any:
    return get_user_model().objects.create_user("dave", DAVE, "pw")


# --- the rules, as plain functions -------------------------------------------------------------


@pytest.mark.parametrize("spelling", LOOK_ALIKES)
def test_a_look_alike_has_another_key(spelling: str) -> None:
    assert email_key(spelling) != email_key(DAVE)


@pytest.mark.parametrize("spelling", SAME[:3])
def test_case_width_and_space_are_one_address(spelling: str) -> None:
    assert email_key(spelling) == DAVE


class FoldingAdapter(DjangoAdapter):
    """An adapter whose query folds like a lax collation: it answers dave for anything."""

    def get_user_by_email(self, email: str) -> Any | None:
        return get_user_model().objects.filter(email=DAVE).first()


@pytest.mark.django_db
@pytest.mark.parametrize("spelling", LOOK_ALIKES)
def test_user_with_email_rechecks_what_an_adapter_answers(spelling: str) -> None:
    get_user_model().objects.create_user("dave", DAVE, "pw")
    adapter = FoldingAdapter()
    assert user_with_email(adapter, spelling) is None
    assert user_with_email(adapter, "DAVE@gmail.com").username == "dave"
    assert user_with_email(adapter, "") is None


def test_stored_email_and_is_active_read_users_and_dicts() -> None:
    assert stored_email({"email": "a@b.c"}) == "a@b.c"
    assert stored_email({"email": ""}) is None
    assert is_active({"id": "1"}) is True
    assert is_active(type("U", (), {"is_active": False})()) is False


# --- the ORM adapter on each database ----------------------------------------------------------


@pytest.mark.parametrize("spelling", LOOK_ALIKES)
def test_the_adapter_never_answers_a_look_alike(dave: Any, spelling: str) -> None:
    assert DjangoAdapter().get_user_by_email(spelling) is None


def test_the_adapter_finds_the_stored_address_in_any_case(dave: Any) -> None:
    assert DjangoAdapter().get_user_by_email("DAVE@GMAIL.COM").pk == dave.pk


def test_the_oldest_of_two_real_matches_wins_over_an_older_look_alike(database: str) -> None:
    users = get_user_model().objects
    users.create_user("lookalike", "dave@gmaıl.com", "pw")  # older, folded by the collations
    real = users.create_user("dave", "Dave@Gmail.com", "pw")
    users.create_user("dave2", DAVE, "pw")
    assert DjangoAdapter().get_user_by_email(DAVE).pk == real.pk
    assert DjangoAdapter().get_user_by_email("dave@gmaıl.com").username == "lookalike"


# --- e-mail links on each database -------------------------------------------------------------


def ask_link(client: Client, email: str) -> Any:
    token = client.get("/api/auth/csrf").json()["csrfToken"]
    data = {"csrfToken": token, "email": email, "callbackUrl": "http://testserver/after"}
    return client.post("/api/auth/signin/email", urlencode(data), content_type=FORM)


@pytest.fixture
def email_site(nextauth: Any, version: str, database: str) -> None:
    cache.clear()
    nextauth(VERSION=version, PROVIDERS=[{"type": "email"}])


@pytest.mark.parametrize("spelling", LOOK_ALIKES)
def test_a_link_for_a_look_alike_never_signs_in_as_the_user(
    client: Client, email_site: None, dave: Any, spelling: str, mailoutbox: Any
) -> None:
    answer = ask_link(client, spelling)
    if not mailoutbox:  # Django's mail cannot address a non-ASCII local part: a clean refusal
        assert answer.status_code == 302 and "error=" in answer["Location"]
        return
    (message,) = mailoutbox
    assert message.to != [DAVE]
    link = next(word for word in message.body.split() if "/callback/email?" in word)
    response = follow_link(client, link)
    assert response.status_code == 302
    claims = session_state(_request_with(client)).claims
    assert claims is not None
    assert claims["sub"] != str(dave.pk)
    assert not Account.objects.filter(user=dave).exists()


@pytest.mark.parametrize("spelling", SAME[:2])
def test_a_known_user_s_link_goes_to_the_stored_address(
    client: Client, email_site: None, database: str, spelling: str, mailoutbox: Any
) -> None:
    dave = get_user_model().objects.create_user("dave", "Dave@Gmail.com", "pw")
    ask_link(client, spelling)
    (message,) = mailoutbox
    assert message.to == [dave.email] == ["Dave@gmail.com"]  # the stored spelling, not the typed
    link = next(word for word in message.body.split() if "/callback/email?" in word)
    assert parse_qs(urlsplit(link).query)["email"] == [DAVE]  # NextAuth's link, unchanged
    follow_link(client, link)
    claims = session_state(_request_with(client)).claims
    assert claims is not None and claims["sub"] == str(dave.pk)


def _request_with(client: Client) -> Any:
    request = RequestFactory().get("/")
    request.COOKIES.update({key: morsel.value for key, morsel in client.cookies.items()})
    return request


# --- OAuth linking on each database ------------------------------------------------------------


class DangerousProvider:
    id = "oidc-test"
    type = "oidc"
    allow_dangerous_email_account_linking = True


def oidc_sign_in(rf: RequestFactory, email: str, **profile: Any) -> tuple[Any, Any]:
    request = rf.get("/api/auth/callback/oidc-test")
    account = {"provider": "oidc-test", "type": "oidc", "providerAccountId": "sub-1"}
    user = {"id": "sub-1", "name": "Mallory", "email": email, "image": None}
    response = complete_sign_in(
        build_context(request),
        provider=DangerousProvider(),  # type: ignore[arg-type]
        user=user,
        account=account,
        profile={"sub": "sub-1", "email": email, **profile},
    )
    flush(request, response)
    return request, response


@pytest.fixture
def oidc_site(nextauth: Any, version: str, database: str) -> None:
    nextauth(VERSION=version)


@pytest.mark.parametrize("spelling", LOOK_ALIKES)
def test_dangerous_linking_never_links_a_look_alike(
    oidc_site: None, dave: Any, spelling: str, rf: RequestFactory
) -> None:
    request, _ = oidc_sign_in(rf, spelling, email_verified=True)
    assert not Account.objects.filter(user=dave).exists()
    claims: Mapping[str, Any] | None = session_state(request).claims
    assert claims is not None and claims["sub"] != str(dave.pk)


def test_dangerous_linking_links_the_same_address(
    oidc_site: None, dave: Any, rf: RequestFactory
) -> None:
    request, _ = oidc_sign_in(rf, "DAVE@gmail.com", email_verified=True)
    assert Account.objects.get().user_id == dave.pk
    assert session_state(request).claims["sub"] == str(dave.pk)  # type: ignore[index]


def test_dangerous_linking_wants_a_verified_address(
    oidc_site: None, dave: Any, rf: RequestFactory
) -> None:
    request, response = oidc_sign_in(rf, DAVE, email_verified=False)
    assert not Account.objects.exists()
    assert session_state(request).claims is None
    assert "OAuthAccountNotLinked" in response["Location"]


# --- deactivated users, on every sign-in path ---------------------------------------------------


@pytest.fixture
def inactive_dave(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("dave", DAVE, "pw", is_active=False)


@pytest.mark.django_db
def test_a_magic_link_does_not_sign_in_a_deactivated_user(
    client: Client, nextauth: Any, version: str, inactive_dave: Any, mailoutbox: Any
) -> None:
    nextauth(VERSION=version, PROVIDERS=[{"type": "email"}])
    cache.clear()
    ask_link(client, DAVE)
    assert mailoutbox == []  # nothing mailed, the same answer as for any address
    inactive_dave.is_active = True
    inactive_dave.save()
    ask_link(client, DAVE)
    link = next(word for word in mailoutbox[0].body.split() if "/callback/email?" in word)
    inactive_dave.is_active = False  # deactivated while the link is in the mailbox
    inactive_dave.save()
    response = follow_link(client, link)
    assert "AccessDenied" in response["Location"]
    assert session_state(_request_with(client)).claims is None
    assert not Account.objects.exists()


@pytest.mark.django_db
def test_dangerous_linking_does_not_link_a_deactivated_user(
    nextauth: Any, version: str, inactive_dave: Any, rf: RequestFactory
) -> None:
    nextauth(VERSION=version)
    request, response = oidc_sign_in(rf, DAVE, email_verified=True)
    assert "AccessDenied" in response["Location"]
    assert session_state(request).claims is None
    assert not Account.objects.exists()


@pytest.mark.django_db
def test_an_account_is_not_linked_to_a_signed_in_deactivated_user(
    nextauth: Any, version: str, inactive_dave: Any, rf: RequestFactory, make_token: Any
) -> None:
    """A JWT session outlives a deactivation; it must not gain a new way in."""
    nextauth(VERSION=version)
    request = rf.get("/api/auth/callback/oidc-test")
    name = dialect(version).cookie("session_token", secure=False)
    request.COOKIES[name] = make_token({"sub": str(inactive_dave.pk)}, version=version)
    response = complete_sign_in(
        build_context(request),
        provider=DangerousProvider(),  # type: ignore[arg-type]
        user={"id": "sub-1", "email": "other@example.com"},
        account={"provider": "oidc-test", "type": "oidc", "providerAccountId": "sub-1"},
        profile={"sub": "sub-1"},
        bound_to_session=True,  # even a flow this session started
    )
    assert "AccessDenied" in response["Location"]
    assert not Account.objects.exists()


@pytest.mark.django_db
def test_a_provider_handing_over_a_deactivated_user_is_refused(
    nextauth: Any, version: str, inactive_dave: Any, rf: RequestFactory
) -> None:
    """Whatever a provider found, complete_sign_in issues no session for a deactivated user."""
    nextauth(VERSION=version)
    request = rf.post("/api/auth/callback/credentials")
    response = complete_sign_in(
        build_context(request),
        provider=DangerousProvider(),  # type: ignore[arg-type]
        user=inactive_dave,
        account={"provider": "custom", "type": "custom", "providerAccountId": "1"},
    )
    flush(request, response)
    assert "AccessDenied" in response["Location"]
    assert session_state(request).claims is None
