"""A user saved inactive loses every session (as sign_out_everywhere), with JWT revocation
and with database sessions; other saves end nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from django_nextauth.db.models import Session
from django_nextauth.revocation import records as records_module
from tests.test_views import session_name, sign_in

pytestmark = pytest.mark.django_db


def signed_in(version: str) -> str:
    client = Client()
    assert sign_in(client).status_code == 302
    return client.cookies[session_name(version)].value


def authenticated(version: str, cookie: str) -> bool:
    client = Client()
    client.cookies[session_name(version)] = cookie
    result: bool = client.get("/whoami/").json()["authenticated"]
    return result


def test_deactivating_a_user_ends_its_jwt_sessions(
    nextauth: Any, version: str, alice: Any, django_user_model: Any
) -> None:
    caches["default"].clear()
    nextauth(VERSION=version, SESSION={"REVOCATION_CACHE": "default"})
    cookie = signed_in(version)
    alice.last_name = "L."
    alice.save()  # active: nothing ends
    alice.is_active = False
    alice.save(update_fields=["last_name"])  # this save does not touch is_active
    assert authenticated(version, cookie) is True
    alice.save()
    assert authenticated(version, cookie) is False
    # A user created inactive has no sessions: nothing is recorded for it.
    pending = django_user_model.objects.create_user("pending", is_active=False)
    assert caches["default"].get(records_module._key("user", str(pending.pk))) is None


def test_deactivating_a_user_ends_its_database_sessions(nextauth: Any, alice: Any) -> None:
    nextauth(SESSION={"STRATEGY": "database"})
    signed_in("v4")
    signed_in("v4")
    assert Session.objects.filter(user=alice).count() == 2
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert not Session.objects.filter(user=alice).exists()


def test_without_revocation_deactivating_records_nothing(nextauth: Any, alice: Any) -> None:
    nextauth()  # JWT without revocation: nothing can end the sessions, and nothing fails
    cookie = signed_in("v4")
    alice.is_active = False
    alice.save()
    assert authenticated("v4", cookie) is True
