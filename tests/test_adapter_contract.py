"""The adapter contract: what every ``django_nextauth.adapters.Adapter`` must do.

Another adapter runs these tests against itself by subclassing :class:`AdapterContract`
with an ``adapter`` fixture::

    from tests.test_adapter_contract import AdapterContract

    class TestMyAdapter(AdapterContract):
        @pytest.fixture
        def adapter(self):
            return MyAdapter()

Users are Django users (``.pk``); sessions have ``expires`` and ``created``;
verification tokens have ``identifier``, ``token`` and ``expires``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import timezone

from django_nextauth.adapters import Adapter, hash_session_token
from django_nextauth.db.adapter import DjangoAdapter

PROFILE = {"name": "Ada Lovelace", "email": "Ada@Example.com", "image": "https://x/ada.png"}
ACCOUNT = {
    "provider": "github",
    "type": "oauth",
    "providerAccountId": "4242",
    "access_token": "gho_x",
    "token_type": "bearer",
    "scope": "read:user user:email",
    "expires_at": 1_900_000_000,
}


class AdapterContract:
    """Subclass it with an ``adapter`` fixture (see the module docstring)."""

    pytestmark = pytest.mark.django_db(transaction=True)

    @pytest.fixture
    def adapter(self) -> Adapter:
        raise NotImplementedError("give the adapter under test")

    @pytest.fixture
    def user(self, adapter: Adapter) -> Any:
        return adapter.create_user(PROFILE)

    # --- users ----------------------------------------------------------------------------------

    def test_create_user_keeps_email_lowercased_and_ignores_id(self, adapter: Adapter) -> None:
        user = adapter.create_user({**PROFILE, "id": "not-used", "emailVerified": None})
        assert user.pk is not None and str(user.pk) != "not-used"
        assert user.email == "ada@example.com"
        assert not user.has_usable_password()

    def test_get_user(self, adapter: Adapter, user: Any) -> None:
        assert adapter.get_user(str(user.pk)).pk == user.pk
        assert adapter.get_user("999999") is None
        assert adapter.get_user("not-a-pk") is None

    def test_get_user_by_email_ignores_case(self, adapter: Adapter, user: Any) -> None:
        assert adapter.get_user_by_email("ADA@example.COM").pk == user.pk
        assert adapter.get_user_by_email("nobody@example.com") is None
        assert adapter.get_user_by_email("") is None

    def test_link_account_then_find_the_user_by_it(self, adapter: Adapter, user: Any) -> None:
        assert adapter.get_user_by_account("github", "4242") is None
        adapter.link_account(user, ACCOUNT)
        assert adapter.get_user_by_account("github", "4242").pk == user.pk
        assert adapter.get_user_by_account("gitlab", "4242") is None
        assert adapter.get_user_by_account("github", "4243") is None

    def test_an_account_links_to_one_user_only(self, adapter: Adapter, user: Any) -> None:
        other = adapter.create_user({"name": "Other", "email": "other@example.com"})
        adapter.link_account(user, ACCOUNT)
        with pytest.raises(Exception):  # noqa: B017  (the store's own integrity error)
            adapter.link_account(other, ACCOUNT)
        assert adapter.get_user_by_account("github", "4242").pk == user.pk

    def test_mark_email_verified_is_an_email_account(self, adapter: Adapter, user: Any) -> None:
        adapter.mark_email_verified(user, "Ada@Example.com", "email")
        adapter.mark_email_verified(user, "ada@example.com", "email")  # idempotent
        assert adapter.get_user_by_account("email", "ada@example.com").pk == user.pk

    # --- sessions -------------------------------------------------------------------------------

    def test_session_lifecycle(self, adapter: Adapter, user: Any) -> None:
        expires = timezone.now() + timedelta(days=30)
        adapter.create_session(user, "token-1", expires)
        session, found = adapter.get_session_and_user("token-1")
        assert found.pk == user.pk
        assert abs((session.expires - expires).total_seconds()) < 1
        later = expires + timedelta(days=1)
        adapter.update_session("token-1", later)
        assert abs((adapter.get_session_and_user("token-1")[0].expires - later).total_seconds()) < 1
        assert adapter.delete_session("token-1") is True
        assert adapter.get_session_and_user("token-1") is None
        assert adapter.delete_session("token-1") is False

    def test_an_expired_session_is_still_returned(self, adapter: Adapter, user: Any) -> None:
        # Deciding what "expired" does is the strategy's job (it deletes the row).
        adapter.create_session(user, "old", timezone.now() - timedelta(seconds=1))
        assert adapter.get_session_and_user("old") is not None

    def test_unknown_session(self, adapter: Adapter) -> None:
        assert adapter.get_session_and_user("never-issued") is None

    def test_delete_user_sessions(self, adapter: Adapter, user: Any) -> None:
        other = adapter.create_user({"name": "Other", "email": "other@example.com"})
        expires = timezone.now() + timedelta(days=1)
        for token in ("a", "b", "c"):
            adapter.create_session(user, token, expires)
        adapter.create_session(other, "d", expires)
        assert adapter.delete_user_sessions(user) == 3
        assert adapter.get_session_and_user("a") is None
        assert adapter.get_session_and_user("d") is not None

    # --- verification tokens --------------------------------------------------------------------

    def test_verification_token_is_single_use(self, adapter: Adapter) -> None:
        expires = timezone.now() + timedelta(hours=1)
        adapter.create_verification_token("ada@example.com", "h1", expires)
        assert adapter.use_verification_token("ada@example.com", "h2") is None
        assert adapter.use_verification_token("eve@example.com", "h1") is None
        row = adapter.use_verification_token("ada@example.com", "h1")
        assert (row.identifier, row.token) == ("ada@example.com", "h1")
        assert adapter.use_verification_token("ada@example.com", "h1") is None

    def test_an_expired_verification_token_is_returned_and_deleted(self, adapter: Adapter) -> None:
        adapter.create_verification_token("ada@example.com", "h", timezone.now())
        row = adapter.use_verification_token("ada@example.com", "h")
        assert row is not None and row.expires <= timezone.now()
        assert adapter.use_verification_token("ada@example.com", "h") is None


class TestDjangoAdapter(AdapterContract):
    @pytest.fixture
    def adapter(self) -> Adapter:
        return DjangoAdapter()

    def test_the_session_token_is_stored_hashed(self, adapter: Adapter, user: Any) -> None:
        from django_nextauth.db.models import Session

        adapter.create_session(user, "secret-token", timezone.now() + timedelta(days=1))
        row = Session.objects.get()
        assert row.session_token_hash == hash_session_token("secret-token")
        assert "secret-token" not in str(Session.objects.values().get())

    def test_create_session_records_the_device(self, adapter: Adapter, user: Any) -> None:
        request = RequestFactory().get(
            "/", HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Firefox/128.0"
        )
        session = adapter.create_session(user, "t", timezone.now(), request=request)
        assert session.device == "Firefox on Linux"

    def test_account_fields(self, adapter: Adapter, user: Any) -> None:
        from django_nextauth.db.models import Account

        adapter.link_account(user, {**ACCOUNT, "scope": ["a", "b"], "id_token": None})
        row = Account.objects.get()
        assert (row.provider, row.provider_account_id, row.type) == ("github", "4242", "oauth")
        assert (row.scope, row.expires_at, row.id_token) == ("a b", 1_900_000_000, None)

    def test_usernames_are_unique(self, adapter: Adapter, user: Any) -> None:
        twin = adapter.create_user({"name": "Ada L", "email": "ada@elsewhere.org"})
        assert (user.username, twin.username) == ("ada", "ada-2")
        assert (twin.first_name, twin.last_name) == ("Ada", "L")
