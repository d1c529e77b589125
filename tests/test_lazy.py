"""LazyRequestAttribute behaves like Django's SimpleLazyObject for what views do with
``request.session_user`` / ``session_token`` / ``nextauth_session`` (django_nextauth/lazy.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils.functional import SimpleLazyObject
from hypothesis import given, settings
from hypothesis import strategies as st

from django_nextauth.lazy import LazyRequestAttribute
from django_nextauth.users import SessionUser
from tests.strategies import json_like

REQUEST = RequestFactory().get("/")
json_values = json_like(st.none() | st.booleans() | st.integers() | st.text(max_size=5))


def both(value: Any) -> tuple[Any, Any]:
    return LazyRequestAttribute(lambda r: value, REQUEST), SimpleLazyObject(lambda: value)


@settings(max_examples=60, deadline=None)
@given(json_values)
def test_same_answers_as_simple_lazy_object(value: Any) -> None:
    ours, django = both(value)
    assert bool(ours) == bool(django)
    assert (ours == value) == (django == value)
    assert str(ours) == str(django)
    assert isinstance(ours, type(value)) and isinstance(django, type(value))
    if isinstance(value, (list, dict)):
        assert len(ours) == len(django)
        assert list(iter(ours)) == list(iter(django))
        for key in list(value)[:2]:
            assert (key in ours) == (key in django)
            if isinstance(value, dict):
                assert ours[key] == django[key]
    else:
        assert hash(ours) == hash(django)


def test_attributes_and_dir_of_a_session_user() -> None:
    user = SessionUser({"name": "Alice", "email": "a@example.com"}, sub="1")
    ours, _ = both(user)
    assert ours.is_authenticated and ours.name == "Alice"
    assert "is_authenticated" in dir(ours)
    with pytest.raises(AttributeError):
        ours.missing  # noqa: B018


def test_computed_once_on_first_use_and_repr_does_not_compute() -> None:
    calls: list[HttpRequest] = []

    def factory(request: HttpRequest) -> dict[str, int]:
        calls.append(request)
        return {"a": 1}

    lazy = LazyRequestAttribute(factory, REQUEST)
    assert repr(lazy) == "<LazyRequestAttribute: not evaluated>" and calls == []
    assert lazy["a"] == 1 and lazy["a"] == 1
    assert calls == [REQUEST]
    assert repr(lazy) == "<LazyRequestAttribute: {'a': 1}>"
