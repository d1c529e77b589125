"""The curated top level: every public name resolves to the object documented for it."""

from __future__ import annotations

import pytest

import django_nextauth
from django_nextauth import decorators, exceptions, session


def test_every_exported_name_resolves() -> None:
    for name in django_nextauth.__all__:
        assert getattr(django_nextauth, name) is not None


@pytest.mark.parametrize(
    ("name", "module"),
    [
        ("get_token", session),
        ("aget_server_session", session),
        ("get_session_user", session),
        ("login", session),
        ("alogout", session),
        ("login_required_session", decorators),
        ("LoginRequiredSessionMixin", decorators),
        ("ConfigurationError", exceptions),
        ("TokenExpired", exceptions),
    ],
)
def test_names_come_from_their_modules(name: str, module: object) -> None:
    assert getattr(django_nextauth, name) is getattr(module, name)


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'issue_session'"):
        django_nextauth.issue_session  # noqa: B018
