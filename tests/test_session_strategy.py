"""django_nextauth.session.base: the strategy interface, chosen by SESSION["STRATEGY"] (a name
or a dotted path, as Django's SESSION_ENGINE)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.http import HttpRequest

from django_nextauth import get_token
from django_nextauth.conf import validate
from django_nextauth.exceptions import ConfigurationError
from django_nextauth.session import SessionStrategy, strategy
from django_nextauth.session.base import strategy_class
from django_nextauth.session.carried import Candidate, Incoming
from django_nextauth.session.database import DatabaseStrategy
from django_nextauth.session.jwt import JwtStrategy
from tests.test_session import SECRET, V4, req, v4_token

PATH = "django_nextauth.session.jwt.JwtStrategy"
WHERE = "NEXTAUTH['SESSION']['STRATEGY']"


class CookieOnlyJwt(JwtStrategy):
    """A site's own strategy: JWT sessions, never from an Authorization header."""

    reads_bearer = False

    def find(self, request: HttpRequest, candidates: Sequence[Candidate]) -> Incoming:
        found = self.find_cookie(request, candidates)
        return Incoming(None, False, False, tuple(candidates)) if found is None else found


class NotAStrategy:
    pass


def test_the_names_are_the_built_in_strategies(nextauth: Callable[..., None], db: Any) -> None:
    nextauth(SESSION={"STRATEGY": "jwt"})
    assert type(strategy()) is JwtStrategy
    nextauth(SESSION={"STRATEGY": "database"})
    current = strategy()
    assert type(current) is DatabaseStrategy
    # Siblings: the database strategy has no token cache and no revocation of its own.
    assert not isinstance(current, JwtStrategy) and not hasattr(current, "tokens")


def test_a_dotted_path_picks_the_class(nextauth: Callable[..., None]) -> None:
    nextauth(SESSION={"STRATEGY": PATH})
    assert type(strategy()) is JwtStrategy
    nextauth(SESSION={"STRATEGY": f"{__name__}.CookieOnlyJwt"})
    assert type(strategy()) is CookieOnlyJwt
    token = v4_token()
    assert get_token(req({V4: token}))["sub"] == "7"  # type: ignore[index]
    assert get_token(req(HTTP_AUTHORIZATION=f"Bearer {token}")) is None  # its own find()


def test_a_custom_path_is_valid() -> None:
    assert validate({"SECRET": SECRET, "URL": "https://x.io", "SESSION": {"STRATEGY": PATH}}) == []


@pytest.mark.parametrize(
    "value",
    ["tests.no_such_module.Strategy", f"{__name__}.NotAStrategy", f"{__name__}.PATH", "jwt ", 5],
)
def test_a_bad_strategy_is_a_check_error_naming_the_setting(
    value: Any, nextauth: Callable[..., None]
) -> None:
    problems = validate({"SECRET": SECRET, "URL": "https://x.io", "SESSION": {"STRATEGY": value}})
    (problem,) = problems
    assert problem.id == "django_nextauth.E010" and problem.path == ("SESSION", "STRATEGY")
    assert WHERE in problem.message and "SessionStrategy" in problem.message
    nextauth(SESSION={"STRATEGY": value})
    with pytest.raises(ConfigurationError, match=r"\['STRATEGY'\]"):
        strategy()


def test_loading_checks_the_class_too() -> None:
    assert strategy_class("database") is DatabaseStrategy
    with pytest.raises(ConfigurationError, match="is not a subclass of .*SessionStrategy"):
        strategy_class(f"{__name__}.NotAStrategy")
    with pytest.raises(ConfigurationError, match="cannot be imported"):
        strategy_class("tests.no_such_module.Strategy")


def test_the_interface_is_abstract() -> None:
    with pytest.raises(TypeError, match="abstract"):
        SessionStrategy()  # type: ignore[abstract]
