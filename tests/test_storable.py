"""django_nextauth.storable, and the sign-in flows on SQLite, PostgreSQL and MariaDB: a value
the database cannot store (NUL, a lone surrogate, over its column's length) in a request or
an IdP's claims is refused with the flow's error before any query, never a 500.

The ``database`` fixture sends every model to one alias of tests/settings.py through a
router (as tests/test_adapter_contract_postgres.py does); PostgreSQL is where NUL used to
raise. The Hypothesis test throws such values at every flow on each database.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_nextauth.db.models import Account, VerificationToken
from django_nextauth.oauth import clear_caches
from django_nextauth.oauth import http as oauth_http
from django_nextauth.storable import ACCOUNT_LIMITS, PROFILE_LIMITS, storable, unstorable_keys

ALIASES = ["default", "postgres", "mariadb"]
# PostgreSQL and MariaDB for every test (the collations and column limits under test).
pytestmark = [pytest.mark.services, pytest.mark.django_db(databases=ALIASES)]

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
AUTH = "http://testserver/api/auth"
IDP = "https://idp.example"
#: The address and the ``sub`` at their limits: stored on every database.
LONGEST_EMAIL = "a" * 64 + "@" + "b" * 185 + ".com"
LONGEST_SUB = "s" * 255
#: What a request or an IdP may send that no database column takes.
UNSTORABLE = ["a\x00b@example.com", "\ud800@example.com", "a" * 64 + "@" + "b" * 186 + ".com"]


# --- the checks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "limit", "expected"),
    [
        ("alice@example.com", 254, True),
        ("", None, True),
        ("a" * 254, 254, True),
        ("a" * 255, 254, False),
        ("a\x00", None, False),
        ("\ud800", None, False),
        ("\udfff", None, False),
        ("\U0001f600", 1, True),  # a real astral character is one character, and storable
        (b"bytes", None, False),
        (None, None, False),
    ],
)
def test_storable(value: object, limit: int | None, expected: bool) -> None:
    assert storable(value, limit) is expected


def test_unstorable_keys_names_keys_only() -> None:
    profile = {"id": "x" * 256, "email": LONGEST_EMAIL, "name": "a\x00", "image": 7}
    assert unstorable_keys(profile, PROFILE_LIMITS) == ["id", "name"]
    account = {"providerAccountId": LONGEST_SUB, "scope": "\ud800", "expires_at": 2**63}
    assert unstorable_keys(account, ACCOUNT_LIMITS) == ["scope", "expires_at"]
    assert unstorable_keys({"expires_at": 2**63 - 1, "token_type": "bearer"}, ACCOUNT_LIMITS) == []


# --- the flows, on each database --------------------------------------------------------


class AliasRouter:
    """Every model, read and written, on one alias."""

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return self.alias

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return self.alias


class RecordingBackend:
    """An authentication backend that records that Django's ``authenticate`` reached it."""

    calls: list[dict[str, Any]] = []

    def authenticate(self, request: Any, **credentials: Any) -> None:
        self.calls.append(credentials)

    def get_user(self, user_id: Any) -> None:
        return None


@pytest.fixture(params=ALIASES)
def database(request: pytest.FixtureRequest) -> Iterator[str]:
    with override_settings(DATABASE_ROUTERS=[AliasRouter(request.param)]):
        yield request.param


@pytest.fixture
def profile() -> Iterator[dict[str, Any]]:
    """The IdP's userinfo answer (change it in place); the token set is ``profile.pop("tokens")``
    merged over a plain bearer token."""
    answer: dict[str, Any] = {"sub": "u1", "email": "idp@example.com", "name": "Idp User"}

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            body = {"access_token": "at", "token_type": "bearer", **answer.get("tokens", {})}
        else:
            body = {key: value for key, value in answer.items() if key != "tokens"}
        # ASCII JSON, as IdPs send it: a lone surrogate travels as "\ud800".
        return httpx.Response(200, content=json.dumps(body), headers={"Content-Type": JSON})

    oauth_http.set_client(httpx.Client(transport=httpx.MockTransport(handle)))
    clear_caches()
    yield answer
    oauth_http.set_client(None)


@pytest.fixture
def site(
    database: str, version: str, nextauth: Callable[..., None], settings: Any
) -> Callable[..., None]:
    """E-mail, credentials and OAuth providers on ``database``; call it with provider
    options to change the e-mail provider (``email={...}``)."""
    settings.AUTHENTICATION_BACKENDS = [f"{__name__}.RecordingBackend"]
    settings.ADMINS = [("Admin", "admin@example.com")]
    RecordingBackend.calls.clear()
    cache.clear()

    def apply(email: dict[str, Any] | None = None) -> None:
        oauth = {
            "id": "acme", "type": "oauth", "authorization": f"{IDP}/auth",
            "token": f"{IDP}/token", "userinfo": f"{IDP}/me", "client_id": "cid",
            "client_secret": "s" * 40, "checks": ["state"],
        }  # fmt: skip
        providers = [{"type": "email", **(email or {})}, {"type": "credentials"}, oauth]
        nextauth(VERSION=version, PROVIDERS=providers)

    apply()
    return apply


def csrf(client: Client) -> str:
    return str(client.get("/api/auth/csrf").json()["csrfToken"])


def post(client: Client, route: str, data: dict[str, Any], *, as_json: bool = False) -> Any:
    body = {"csrfToken": csrf(client), **data}
    if as_json:
        return client.post(f"/api/auth/{route}", json.dumps(body), content_type=JSON)
    return client.post(f"/api/auth/{route}", urlencode(body, errors="surrogatepass"), FORM)


def oauth_sign_in(client: Client) -> Any:
    start = post(client, "signin/acme", {})
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    return client.get("/api/auth/callback/acme", {"code": "c", "state": state})


def email_error(version: str) -> str:
    return f"{AUTH}/error?error={'EmailSignin' if version == 'v4' else 'Configuration'}"


def credentials_error(version: str) -> str:
    if version == "v4":
        return f"{AUTH}/error?error=CredentialsSignin&provider=credentials"
    return f"{AUTH}/signin?error=CredentialsSignin&code=credentials"


def oauth_error(version: str) -> str:
    return f"{AUTH}/error?error={'OAuthCallback' if version == 'v4' else 'Configuration'}"


def signed_in(response: Any) -> bool:
    return any("session-token" in name and m.value for name, m in response.cookies.items())


def test_the_issues_email_link_is_refused(site: Any, version: str) -> None:
    client = Client()
    for query in (
        "token=a&email=%00",
        f"token=a&email={UNSTORABLE[2]}",
        "token=%00&email=a%40example.com",
    ):
        response = client.get(f"/api/auth/callback/email?{query}")
        assert response.status_code == 302, query
        assert response["Location"] == f"{AUTH}/error?error=Verification"


@pytest.mark.parametrize("as_json", [False, True])
def test_an_unstorable_address_gets_no_link(
    site: Any, version: str, as_json: bool, caplog: Any
) -> None:
    client = Client()
    for address in UNSTORABLE:
        response = post(client, "signin/email", {"email": address}, as_json=as_json)
        assert response.status_code == 302
        assert response["Location"] == email_error(version)
    assert not VerificationToken.objects.exists() and not mail.outbox
    assert "refused an address (InvalidIdentifier)" in caplog.text
    assert post(client, "signin/email", {"email": LONGEST_EMAIL}).status_code == 302
    assert VerificationToken.objects.get().identifier == LONGEST_EMAIL  # the limit is exact


def nul_normalizer(address: str) -> str:
    return address.replace("@", "\x00@")


def test_a_normalize_identifier_hook_cannot_make_an_unstorable_address(
    site: Any, version: str
) -> None:
    site(email={"normalize_identifier": f"{__name__}.nul_normalizer"})
    response = post(Client(), "signin/email", {"email": "alice@example.com"})
    assert response["Location"] == email_error(version)
    assert not VerificationToken.objects.exists()


@pytest.mark.parametrize("field", ["username", "password"])
def test_credentials_with_nul_never_reach_authenticate(site: Any, version: str, field: str) -> None:
    client = Client()
    for value in ("a\x00b", "\ud800"):
        credentials = {"username": "alice", "password": "pw", field: value}
        response = post(client, "callback/credentials", credentials, as_json=True)
        assert response["Location"] == credentials_error(version)
    assert RecordingBackend.calls == []
    post(client, "callback/credentials", {"username": "a" * 300, "password": "pw"})
    assert RecordingBackend.calls == [{"username": "a" * 300, "password": "pw"}]


@pytest.mark.parametrize(
    "claims",
    [
        {"email": "a\x00b@example.com"},
        {"email": UNSTORABLE[2]},
        {"name": "Eve\x00"},
        {"picture": "https://example.com/\ud800"},
        {"sub": "u\x00"},
        {"sub": LONGEST_SUB + "s"},
        {"tokens": {"scope": "openid\x00"}},
        {"tokens": {"expires_in": 10**20}},
    ],
    ids=lambda claims: next(iter(claims)) + str(len(str(claims))),
)
def test_unstorable_claims_are_refused(
    site: Any, version: str, profile: dict[str, Any], claims: dict[str, Any], caplog: Any
) -> None:
    profile.update(claims)
    response = oauth_sign_in(Client())
    assert response.status_code == 302
    assert response["Location"] == oauth_error(version)
    assert not signed_in(response)
    assert not get_user_model().objects.exists() and not Account.objects.exists()
    (line,) = [r.getMessage() for r in caplog.records if "cannot be stored" in r.getMessage()]
    assert "\x00" not in line and "s" * 50 not in line  # the keys, never the values


def test_claims_at_the_limits_sign_in(site: Any, version: str, profile: dict[str, Any]) -> None:
    profile.update(sub=LONGEST_SUB, email=LONGEST_EMAIL, tokens={"expires_in": 3600})
    response = oauth_sign_in(Client())
    assert response["Location"] == "http://testserver" and signed_in(response)
    user = get_user_model().objects.get()
    assert user.email == LONGEST_EMAIL
    assert Account.objects.get(user=user).provider_account_id == LONGEST_SUB


# --- Hypothesis: never a 5xx, never an error report -------------------------------------

HOSTILE = st.lists(
    st.sampled_from(["\x00", "\ud800", "\udc00", "a" * 255, "@", ".com", "\r\n", "%00", "é"])
    | st.text(max_size=8),
    max_size=5,
).map("".join)


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def request_errors() -> Iterator[list[logging.LogRecord]]:
    """What Django's ``django.request`` logger reports (and mails to ADMINS) at ERROR."""
    handler = _Errors()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    flow=st.sampled_from(["send", "link", "credentials", "oauth", "signout"]),
    values=st.fixed_dictionaries({"a": HOSTILE, "b": HOSTILE, "c": HOSTILE}),
    as_json=st.booleans(),
)
def test_unstorable_values_never_answer_5xx(
    site: Any,
    profile: dict[str, Any],
    request_errors: list[logging.LogRecord],
    flow: str,
    values: dict[str, str],
    as_json: bool,
) -> None:
    cache.clear()  # the send and attempt limits would answer first
    client = Client(raise_request_exception=False)
    a, b, c = values["a"], values["b"], values["c"]
    if flow == "send":
        response = post(client, "signin/email", {"email": a, "callbackUrl": b}, as_json=as_json)
    elif flow == "link":
        query = urlencode({"token": a, "email": b, "callbackUrl": c}, errors="surrogatepass")
        response = client.get(f"/api/auth/callback/email?{query}")
    elif flow == "credentials":
        fields = {"username": a, "password": b, "callbackUrl": c}
        response = post(client, "callback/credentials", fields, as_json=as_json)
    elif flow == "oauth":
        profile.update(sub=a or "u1", email=b, name=c, picture=c)
        response = oauth_sign_in(client)
    else:
        response = post(client, "signout", {"callbackUrl": a}, as_json=as_json)
    assert response.status_code < 500, flow
    assert request_errors == []
    assert not [m for m in mail.outbox if m.to == ["admin@example.com"]]
