"""OAuth end to end with an adapter and database sessions, against the real oidc-provider
(``tests/interop/idp/harness.py``): the first sign-in creates a Django user and links the
account, the next one finds it, and the session lives in a row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from django_nextauth.adapters import hash_session_token
from django_nextauth.db.models import Account, Session
from tests.interop.idp.harness import IdP
from tests.test_providers_oauth import _fresh, corp, idp, sign_in  # noqa: F401 (fixtures)
from tests.test_views import csrf_token, form

# npm's OpenID provider; DEBUG on for the http loopback issuers (loopback_idp)
pytestmark = [pytest.mark.interop, pytest.mark.django_db, pytest.mark.usefixtures("loopback_idp")]


@pytest.fixture(autouse=True)
def _close_idp_connections() -> Iterator[None]:
    """The OAuth HTTP client keeps connections alive: close them before this module's IdP
    stops, or their sockets are reported (ResourceWarning) in whatever test runs next."""
    yield
    from django_nextauth.oauth import http

    http.set_client(None)


def test_oidc_sign_in_with_database_sessions(
    client: Client,
    idp: IdP,  # noqa: F811
    version: str,
    nextauth: Any,
) -> None:
    nextauth(VERSION=version, PROVIDERS=[corp(idp)], SESSION={"STRATEGY": "database"})
    done = sign_in(client, idp, "corp")
    assert done.status_code == 302 and done["Location"] == "http://testserver/after"
    user = get_user_model().objects.get()
    assert (user.username, user.email) == ("alice", "alice@example.com")
    account = Account.objects.get()
    assert (account.user, account.provider, account.provider_account_id) == (user, "corp", "alice")
    assert account.id_token and account.access_token
    cookie = client.cookies[
        "next-auth.session-token" if version == "v4" else "authjs.session-token"
    ]
    assert Session.objects.get().session_token_hash == hash_session_token(cookie.value)
    session = client.get("/api/auth/session").json()
    assert session["user"] == {"name": "Alice Liddell", "email": "alice@example.com"}

    # Signed out, then in again through the IdP: the same Django user, a new session row.
    form(client, "/api/auth/signout", {"csrfToken": csrf_token(client)})
    assert not Session.objects.exists()
    assert sign_in(client, idp, "corp").status_code == 302
    assert get_user_model().objects.count() == 1 and Account.objects.count() == 1
    assert Session.objects.get().user == user
