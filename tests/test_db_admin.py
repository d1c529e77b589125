"""The admin pages of django_nextauth.db: sessions listed and ended, tokens never shown."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib import messages
from django.contrib.admin.sites import AdminSite
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import OperationalError, connection
from django.test import RequestFactory
from django.utils import timezone

from django_nextauth.adapters import hash_session_token
from django_nextauth.db import admin as db_admin
from django_nextauth.db.devices import device_summary
from django_nextauth.db.models import Account, Session, VerificationToken

pytestmark = pytest.mark.django_db


def request_for(user: Any) -> Any:
    request = RequestFactory().post("/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_ending_sessions_from_the_admin(alice: Any, django_user_model: Any) -> None:
    bob = django_user_model.objects.create_user("bob")
    expires = timezone.now() + timedelta(days=1)
    for owner, token in ((alice, "a1"), (alice, "a2"), (bob, "b1")):
        Session.objects.create(
            session_token_hash=hash_session_token(token), user=owner, expires=expires
        )
    model_admin = db_admin.SessionAdmin(Session, AdminSite())
    request = request_for(alice)
    db_admin.end_sessions(model_admin, request, Session.objects.filter(user=alice))
    assert list(Session.objects.values_list("user__username", flat=True)) == ["bob"]
    assert [str(m) for m in request._messages] == ["Ended 2 session(s)."]
    assert not model_admin.has_add_permission(request)


def test_ending_sessions_that_cannot_be_deleted_says_so(alice: Any, caplog: Any) -> None:
    expires = timezone.now() + timedelta(days=1)
    Session.objects.create(session_token_hash=hash_session_token("a1"), user=alice, expires=expires)
    model_admin = db_admin.SessionAdmin(Session, AdminSite())
    request = request_for(alice)

    def refuse_deletes(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.lstrip().upper().startswith("DELETE"):
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_deletes):
        db_admin.end_sessions(model_admin, request, Session.objects.all())
    assert Session.objects.count() == 1
    assert [(m.level, str(m)) for m in request._messages] == [
        (messages.ERROR, "The sessions could not be ended (database error): none was signed out.")
    ]
    assert "could not end sessions" in caplog.text


def test_tokens_are_not_in_the_account_form() -> None:
    model_admin = db_admin.AccountAdmin(Account, AdminSite())
    assert {"access_token", "refresh_token", "id_token"} <= set(model_admin.exclude or ())


def test_inlines_cannot_add(alice: Any) -> None:
    request = request_for(alice)
    for inline in (db_admin.SessionInline, db_admin.AccountInline):
        assert not inline(alice.__class__, AdminSite()).has_add_permission(request)


def test_models_describe_themselves(alice: Any) -> None:
    expires = timezone.now() + timedelta(days=1)
    session = Session(user=alice, expires=expires, device="Chrome on Android")
    assert str(session).startswith("alice (Chrome on Android, until ")
    assert str(Session(user=alice, expires=expires)).startswith("alice (unknown device")
    assert str(Account(provider="github", provider_account_id="1")) == "github:1"
    assert str(VerificationToken(identifier="a@b.c", expires=expires)).startswith("a@b.c (until ")


def test_register_on_a_site() -> None:
    site = AdminSite()
    db_admin.register(site)
    assert {Session, Account, VerificationToken} <= set(site._registry)


@pytest.mark.parametrize(
    ("agent", "summary"),
    [
        (None, ""),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Version/17.0 Mobile Safari/604.1",
            "Safari on iOS",
        ),
        ("Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36 Edg/120.0", "Edge on Windows"),
        ("curl/8.5.0", "curl"),
        ("Mozilla/5.0 (X11; Linux x86_64)", "Linux"),
        ("SomeBot/1.0", "SomeBot"),
    ],
)
def test_device_summary(agent: str | None, summary: str) -> None:
    assert device_summary(agent) == summary
