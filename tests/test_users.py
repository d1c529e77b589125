from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template

from django_nextauth.session.shape import session_user
from django_nextauth.users import (
    ANONYMOUS,
    AnonymousSessionUser,
    SessionUser,
    adjango_user_for_token,
    django_user_for_token,
)


def test_session_user_mapping_and_attributes() -> None:
    user = SessionUser({"name": "Al", "email": "a@x", "image": None}, sub="9")
    assert user["name"] == user.name == "Al"
    assert user.image is None
    assert dict(user) == {"name": "Al", "email": "a@x", "image": None}
    assert len(user) == 3 and "email" in user
    assert user.pk == user.id == "9"
    assert user.is_authenticated is True and user.is_anonymous is False
    assert str(user) == "Al"
    assert repr(user) == "<SessionUser pk='9'>"
    with pytest.raises(AttributeError):
        user.missing  # noqa: B018
    with pytest.raises(KeyError):
        user["missing"]


def test_session_user_is_read_only_and_truthy_when_empty() -> None:
    user = SessionUser({}, sub=None)
    assert bool(user) is True
    assert str(user) == ""
    with pytest.raises(AttributeError):
        user.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        user["name"] = "x"  # type: ignore[index]


def test_session_user_id_field_wins_over_sub() -> None:
    assert SessionUser({"id": "u-1"}, sub="7").pk == "u-1"
    assert str(SessionUser({"email": "e@x"}, sub="7")) == "e@x"
    assert str(SessionUser({}, sub="7")) == "7"


def test_anonymous_user() -> None:
    anon = AnonymousSessionUser()
    assert anon.is_authenticated is False and anon.is_anonymous is True
    assert anon.pk is None and anon.id is None
    assert (anon.name, anon.email, anon.image) == ("", "", "")
    assert not anon and len(anon) == 0 and list(anon) == []
    assert str(anon) == "" and repr(anon) == "<AnonymousSessionUser>"
    with pytest.raises(KeyError):
        anon["name"]


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        (SessionUser({"name": "Al"}, sub="1"), "[Al|1|yes]"),
        (ANONYMOUS, "[||no]"),
    ],
)
def test_templates_render_fields(user: Any, expected: str) -> None:
    template = Template(
        "[{{ u.name }}|{{ u.pk|default_if_none:'' }}|{% if u.is_authenticated %}yes{% else %}no"
        "{% endif %}]{{ u.nickname }}"
    )
    assert template.render(Context({"u": user})) == expected


def test_session_user_from_session_dict() -> None:
    user = session_user({"user": {"name": "Al"}, "expires": "x"}, {"sub": "5"})
    assert isinstance(user, SessionUser) and user.pk == "5" and user.name == "Al"
    assert session_user(None, None) is ANONYMOUS
    assert session_user("not a session", {"sub": "5"}) is ANONYMOUS
    odd = session_user({"user": "not a mapping"}, None)
    assert isinstance(odd, SessionUser) and len(odd) == 0 and odd.pk is None


@pytest.fixture
def alice(db: None) -> Any:
    return get_user_model().objects.create_user(username="alice")


def test_django_user_for_token(alice: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        assert django_user_for_token({"sub": str(alice.pk)}) == alice
    with django_assert_num_queries(0):
        assert django_user_for_token({"sub": "not-an-int"}) is None
        assert django_user_for_token({}) is None
        assert django_user_for_token(None) is None
    assert django_user_for_token({"sub": "424242"}) is None
    alice.is_active = False
    alice.save()
    assert django_user_for_token({"sub": str(alice.pk)}) is None


@pytest.mark.django_db(transaction=True)
async def test_adjango_user_for_token() -> None:
    user = await get_user_model().objects.acreate(username="bob")
    assert await adjango_user_for_token({"sub": str(user.pk)}) == user
    assert await adjango_user_for_token({"sub": "x"}) is None
    assert await adjango_user_for_token(None) is None
