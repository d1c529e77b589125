"""An unknown OAuth account is linked to the signed-in user only when that same session
started the sign-in (``django_nextauth/providers/binding.py``, linking rule 2).

Through Django's routes with an adapter, against the plain OAuth server
(``tests/interop/idp/acme.py``, which redirects straight back with a code). The attacks:
a flow started signed out and finished in a browser that is signed in by then (a planted
session), a session swapped between the start and the callback, a provider without check
cookies; each with ``state`` switched off, so that only the binding stands in the way. They
end on ``OAuthAccountNotLinked`` with no account linked and the session untouched.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from django_nextauth import jwt, oauth
from django_nextauth.db.models import Account
from django_nextauth.oauth.check_cookies import create_checks, read_checks
from django_nextauth.providers.binding import session_binding, started_by_this_session
from django_nextauth.session import flush, session_state
from tests.conftest import CLAIMS, SECRET
from tests.interop.idp import acme as acme_server
from tests.interop.idp.acme import AcmeState, start_acme
from tests.test_providers_oauth import begin
from tests.test_providers_oauth_shapes import follow
from tests.test_views import session_name

# The test OAuth servers of tests/interop/idp, on 127.0.0.1 in this process.
pytestmark = [pytest.mark.loopback, pytest.mark.django_db]


@pytest.fixture(scope="module")
def acme() -> Iterator[AcmeState]:
    with start_acme() as server:
        yield server


@pytest.fixture
def configure(version: str, nextauth: Callable[..., None], acme: AcmeState) -> Callable[..., None]:
    oauth.clear_caches()

    def apply(checks: list[str] | None = None, **keys: Any) -> None:
        base = acme.base
        provider = {
            "id": "acme", "type": "oauth",
            "authorization": {"url": f"{base}/authorize", "params": {"scope": "read:user"}},
            "token": f"{base}/token", "userinfo": f"{base}/user",
            "client_id": acme_server.CLIENT_ID, "client_secret": acme_server.CLIENT_SECRET,
            "profile": "tests.test_providers_oauth_shapes.acme_profile",
            **({} if checks is None else {"checks": checks}),
        }  # fmt: skip
        nextauth(VERSION=version, PROVIDERS=[provider], **keys)

    return apply


@pytest.fixture
def bob(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("bob", "bob@example.com", "pw")


def jwt_session(user: Any, version: str, make_token: Callable[..., str], sid: str) -> str:
    return make_token({**CLAIMS, "sub": str(user.pk), "sid": sid}, version=version)


def callback(client: Client, params: dict[str, str]) -> Any:
    return client.get("/api/auth/callback/acme", params)


def assert_not_linked(response: Any, client: Client, version: str, cookie: str) -> None:
    assert response.status_code == 302
    assert "error=OAuthAccountNotLinked" in response["Location"]
    assert not Account.objects.exists()
    assert session_name(version) not in response.cookies  # no new session written
    assert client.cookies[session_name(version)].value == cookie


def test_the_session_that_started_the_flow_links(
    client: Client, configure: Any, version: str, alice: Any, make_token: Any
) -> None:
    configure()  # the defaults: pkce + state
    client.cookies[session_name(version)] = jwt_session(alice, version, make_token, "s-1")
    start = begin(client, "acme")
    params = follow(start["Location"])
    # The session is re-issued meanwhile (a new token, the same sid): still the same session.
    client.cookies[session_name(version)] = jwt_session(alice, version, make_token, "s-1")
    done = callback(client, params)
    assert done["Location"] == "http://testserver/after"
    account = Account.objects.get()
    assert (account.user, account.provider, account.provider_account_id) == (alice, "acme", "4242")


def test_a_flow_started_signed_out_does_not_link_to_a_planted_session(
    client: Client, configure: Any, version: str, alice: Any, make_token: Any
) -> None:
    configure(checks=["pkce"])  # state off: only the binding stands in the way
    start = begin(client, "acme")
    params = follow(start["Location"])
    planted = client.cookies[session_name(version)] = jwt_session(alice, version, make_token, "p")
    assert_not_linked(callback(client, params), client, version, planted)


def test_a_session_swapped_before_the_callback_does_not_link(
    client: Client, configure: Any, version: str, alice: Any, bob: Any, make_token: Any
) -> None:
    configure(checks=["pkce"])
    client.cookies[session_name(version)] = jwt_session(alice, version, make_token, "a")
    params = follow(begin(client, "acme")["Location"])
    swapped = client.cookies[session_name(version)] = jwt_session(bob, version, make_token, "b")
    assert_not_linked(callback(client, params), client, version, swapped)


def test_another_session_of_the_same_user_does_not_link(
    client: Client, configure: Any, version: str, alice: Any, make_token: Any
) -> None:
    configure(checks=["pkce"])
    client.cookies[session_name(version)] = jwt_session(alice, version, make_token, "one")
    params = follow(begin(client, "acme")["Location"])
    other = client.cookies[session_name(version)] = jwt_session(alice, version, make_token, "two")
    assert_not_linked(callback(client, params), client, version, other)


def test_without_check_cookies_nothing_is_linked_while_signed_in(
    client: Client, configure: Any, version: str, alice: Any, make_token: Any
) -> None:
    configure(checks=["none"])  # no cookie can carry the binding
    cookie = client.cookies[session_name(version)] = jwt_session(alice, version, make_token, "n")
    params = follow(begin(client, "acme")["Location"])
    assert_not_linked(callback(client, params), client, version, cookie)


def test_database_sessions_are_bound_by_their_session_token(
    client: Client, configure: Any, version: str, alice: Any, bob: Any
) -> None:
    configure(SESSION={"STRATEGY": "database"})
    stored = _database_session(client, alice, version)
    params = follow(begin(client, "acme")["Location"])
    done = callback(client, params)
    assert done["Location"] == "http://testserver/after"
    assert Account.objects.get().user == alice
    assert stored != client.cookies[session_name(version)].value  # a sign-in renews it
    assert client.get("/api/auth/session").json()["user"]["email"] == "alice@example.com"

    Account.objects.all().delete()
    params = follow(begin(client, "acme")["Location"])
    swapped = _database_session(client, bob, version)
    assert_not_linked(callback(client, params), client, version, swapped)


def _database_session(client: Client, user: Any, version: str) -> str:
    """A stored session for ``user``, as the database strategy writes it, set on ``client``."""
    request = RequestFactory().get("/")
    session_state(request).login({"sub": str(user.pk)}, user=user)
    response = HttpResponse()
    flush(request, response)
    value = response.cookies[session_name(version)].value
    client.cookies[session_name(version)] = value
    return value


# --- the pieces ---------------------------------------------------------------------------------


def test_the_binding_rides_in_every_check_cookie(version: str) -> None:
    made = create_checks(
        "acme", ("state", "pkce", "nonce"), version=version, secret=SECRET, secure=False,
        session="bound",
    )  # fmt: skip
    cookies = {cookie.name: cookie.value for cookie in made.cookies}
    for name, value in cookies.items():
        claims = jwt.decode(value, secret=SECRET, salt=name, version=version)  # type: ignore[arg-type]
        assert claims["session"] == "bound"
    read = read_checks(
        cookies, "acme", ("state", "pkce", "nonce"), version=version, secret=SECRET, secure=False
    )
    assert read.session == "bound"
    # Cookies of two different flows (a swapped cookie) agree on nothing: no binding.
    other = create_checks("acme", ("pkce",), version=version, secret=SECRET, secure=False)
    mixed = {**cookies, **{cookie.name: cookie.value for cookie in other.cookies}}
    both = ("state", "pkce")
    read = read_checks(mixed, "acme", both, version=version, secret=SECRET, secure=False)
    assert read.session is None


def test_the_binding_of_a_request(rf: RequestFactory, make_token: Any, alice: Any) -> None:
    def request_with(cookie: str | None, **headers: str) -> Any:
        request = rf.get("/", **headers)
        if cookie is not None:
            request.COOKIES[session_name("v4")] = cookie
        return request

    sid = str(uuid.uuid4())
    first = session_binding(request_with(jwt_session(alice, "v4", make_token, sid)))
    again = session_binding(request_with(jwt_session(alice, "v4", make_token, sid)))
    assert first is not None and first == again and sid not in first
    no_sid = make_token({**CLAIMS, "sub": str(alice.pk)})
    assert session_binding(request_with(no_sid)) not in (None, first)
    assert session_binding(request_with(None)) is None
    bearer = request_with(None, HTTP_AUTHORIZATION=f"Bearer {no_sid}")
    assert session_binding(bearer) is None  # an API token is no browser session
    assert not started_by_this_session(request_with(None), None)
    assert not started_by_this_session(request_with(None), first)
    assert started_by_this_session(request_with(jwt_session(alice, "v4", make_token, sid)), first)
