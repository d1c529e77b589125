"""A pytest fixture for your own tests: ``nextauth_login`` signs pytest-django's ``client`` in.

Enable it in your top-level ``conftest.py``::

    pytest_plugins = ["django_nextauth.pytest_plugin"]

then::

    def test_dashboard(nextauth_login, django_user_model):
        alice = django_user_model.objects.create_user("alice", password="pw")
        client = nextauth_login(alice)          # pytest-django's client, signed in
        assert client.get("/dashboard/").status_code == 200

``nextauth_login(user_or_claims, client=None, **options)`` takes the options of
:func:`django_nextauth.test.login` and returns the client it signed in (default: the
``client`` fixture). Needs pytest-django; this module is not imported unless you list it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .test import CookieClient, login

__all__ = ["nextauth_login"]


@pytest.fixture
def nextauth_login(client: Any) -> Callable[..., Any]:
    """``nextauth_login(user_or_claims, client=None, **options)``: sign a client in."""
    default = client

    def sign_in(user_or_claims: Any, client: CookieClient | None = None, **options: Any) -> Any:
        target = default if client is None else client
        login(target, user_or_claims, **options)
        return target

    return sign_in
