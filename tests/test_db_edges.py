"""Edges of the persistence part: settings, custom user models, races, async paths."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import IntegrityError
from django.test import Client, RequestFactory

from django_nextauth import adapters
from django_nextauth.adapters import get_adapter
from django_nextauth.conf import validate
from django_nextauth.db import adapter as orm
from django_nextauth.db.adapter import DjangoAdapter, _user_fields
from django_nextauth.db.models import Session
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.flow.accounts import signed_in_user
from django_nextauth.revocation import sign_out_everywhere
from django_nextauth.session import abuild_session, session_state
from tests.test_views import csrf_token, form

pytestmark = pytest.mark.django_db


class NotAnAdapter:
    pass


def tag_session(*, session: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return {**session, "tagged": kwargs.get("user") is not None}


def problems(**nextauth: Any) -> list[str]:
    return [p.id for p in validate({"SECRET": "x" * 32, **nextauth}) if p.id.endswith(("8", "9"))]


def test_adapter_and_username_settings() -> None:
    assert problems(ADAPTER="django_nextauth.db.adapter.DjangoAdapter") == []
    assert problems(ADAPTER="nope.Nope") == ["django_nextauth.E018"]
    assert problems(ADAPTER=f"{__name__}.NotAnAdapter") == ["django_nextauth.E018"]
    assert problems(USERNAME_FROM_PROFILE=lambda profile: "x") == []
    assert problems(USERNAME_FROM_PROFILE="os.sep") == ["django_nextauth.E019"]


def test_get_adapter_from_settings(nextauth: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    nextauth(ADAPTER=DjangoAdapter)
    assert isinstance(get_adapter(), DjangoAdapter)
    monkeypatch.setattr(
        adapters, "nextauth_settings", SimpleNamespace(ADAPTER=NotAnAdapter, cached=_uncached)
    )
    with pytest.raises(ConfigurationError, match="not an Adapter subclass"):
        get_adapter()


def _uncached(key: str, factory: Any) -> Any:
    return factory()


def test_no_adapter_without_the_app(nextauth: Any, settings: Any) -> None:
    settings.INSTALLED_APPS = [a for a in settings.INSTALLED_APPS if a != "django_nextauth.db"]
    nextauth(SESSION={"REVOCATION_CACHE": "default"})
    assert get_adapter() is None
    assert sign_out_everywhere("1") == 0  # JWT sessions revoked, nothing stored to delete


class FakeField:
    def __init__(self, name: str) -> None:
        self.name, self.max_length = name, 254


class EmailUser:
    """A custom user model whose username is the e-mail, with ``name`` and ``image``."""

    USERNAME_FIELD = "email"
    saved: list[dict[str, Any]] = []
    _meta = SimpleNamespace(
        get_fields=lambda: [FakeField(n) for n in ("email", "name", "image")],
        get_field=lambda name: FakeField(name),
    )

    @staticmethod
    def get_email_field_name() -> str:
        return "email"

    def __init__(self, **fields: Any) -> None:
        self.fields = fields

    def set_unusable_password(self) -> None:
        pass

    def save(self) -> None:
        self.saved.append(self.fields)


def test_a_custom_user_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(orm, "get_user_model", lambda: EmailUser)
    user = DjangoAdapter().create_user({"name": "Ada", "email": "ADA@x.org", "image": "i.png"})
    assert user.fields == {"email": "ada@x.org", "name": "Ada", "image": "i.png"}
    assert _user_fields(EmailUser, {"name": "  "}) == {}


def test_a_username_race_retries(alice: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.contrib.auth.models import User

    real_save, failures = User.save, []

    def save(self: Any, *args: Any, **kwargs: Any) -> None:
        if not failures:
            failures.append(1)
            raise IntegrityError("username taken meanwhile")
        real_save(self, *args, **kwargs)

    monkeypatch.setattr(User, "save", save)
    user = DjangoAdapter().create_user({"email": "alice@elsewhere.org"})
    assert user.username.startswith("alice-") and len(user.username) == len("alice-") + 6


def test_a_username_race_that_never_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.contrib.auth.models import User

    def save(self: Any, *args: Any, **kwargs: Any) -> None:
        raise IntegrityError("always")

    monkeypatch.setattr(User, "save", save)
    with pytest.raises(IntegrityError):
        DjangoAdapter().create_user({"name": "Zed"})


def test_a_jwt_without_sub_is_not_a_stored_user(make_token: Any, rf: RequestFactory) -> None:
    token = make_token({"name": "x"})
    request = rf.get("/", HTTP_COOKIE=f"next-auth.session-token={token}")
    assert signed_in_user(request, DjangoAdapter()) is None


def test_signout_everywhere_without_sub(client: Client, nextauth: Any, make_token: Any) -> None:
    nextauth(SESSION={"REVOCATION_CACHE": "default"})
    client.cookies["next-auth.session-token"] = make_token({"name": "x"})
    response = form(
        client, "/api/auth/signout", {"csrfToken": csrf_token(client), "everywhere": "true"}
    )
    assert response["Location"].endswith("error?error=Configuration")


@pytest.mark.django_db(transaction=True)
async def test_async_database_session_with_a_session_callback(
    nextauth: Any, django_user_model: Any
) -> None:
    from asgiref.sync import sync_to_async

    nextauth(SESSION={"STRATEGY": "database"}, CALLBACKS={"session": f"{__name__}.tag_session"})
    user = await sync_to_async(django_user_model.objects.create_user)("erin", "e@x.org")
    writer = RequestFactory().get("/")
    await sync_to_async(session_state(writer).login)({"sub": str(user.pk)}, user=user)
    raw = session_state(writer)._pending[1].raw  # type: ignore[index]
    reader = RequestFactory().get("/", HTTP_COOKIE=f"next-auth.session-token={raw}")
    token, session = await session_state(reader).aresolve()
    assert session is not None and session["tagged"] is True
    rebuilt = await abuild_session(token, request=reader)  # type: ignore[arg-type]
    assert rebuilt["tagged"] is True
    assert await Session.objects.acount() == 1


class NamelessUser(EmailUser):
    _meta = SimpleNamespace(get_fields=lambda: [FakeField("email")])


def test_a_user_model_without_name_fields() -> None:
    assert _user_fields(NamelessUser, {"name": "Ada Lovelace", "image": "i.png"}) == {}
