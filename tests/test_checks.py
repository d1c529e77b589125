"""django_nextauth.checks: each check id has its own test, through ``system_checks()``
(tests/conftest.py: ``run_checks()`` as ``manage.py check`` runs it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.checks import Error, Tags, Warning
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.urls import include, path
from hypothesis import given
from hypothesis import settings as budget
from hypothesis import strategies as st

from django_nextauth import checks
from django_nextauth.middleware import NextAuthMiddleware
from tests.conftest import SECRET, system_checks
from tests.strategies import json_like

AUTH = "django.contrib.auth.middleware.AuthenticationMiddleware"
OURS = "django_nextauth.middleware.NextAuthMiddleware"
SESSIONS = "django.contrib.sessions.middleware.SessionMiddleware"


class SubclassedMiddleware(NextAuthMiddleware):
    pass


class URLConf:
    """A URLconf object for ROOT_URLCONF (hashable, unlike a SimpleNamespace)."""

    def __init__(self, *patterns: Any) -> None:
        self.urlpatterns = list(patterns)


@pytest.fixture
def django_settings(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.delenv("AUTH_SECRET", raising=False)
    monkeypatch.delenv("NEXTAUTH_SECRET", raising=False)
    settings.NEXTAUTH = {"SECRET": SECRET}
    return settings


def messages(check_id: str, tags: tuple[str, ...] | None = None) -> list[Any]:
    return [message for message in system_checks(tags=tags) if message.id == check_id]


def only(check_id: str, **nextauth: Any) -> Any:
    """The one message ``check_id`` reports for ``NEXTAUTH = {SECRET, **nextauth}``."""
    with override_settings(NEXTAUTH={"SECRET": SECRET, **nextauth}):
        (message,) = messages(check_id)
    assert message.hint
    return message


def test_the_test_settings_pass_every_error_check(django_settings: Any) -> None:
    assert [m.id for m in system_checks() if m.is_serious()] == []


def test_every_message_has_a_hint_and_an_id_of_ours(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {"SECRET": 5, "SESION": {}, "VERSION": "v6", "URL": "ftp://x"}
    ours = [m for m in system_checks() if m.id.startswith("django_nextauth.")]
    assert {m.id for m in ours} >= {
        "django_nextauth.E001",
        "django_nextauth.E002",
        "django_nextauth.E006",
        "django_nextauth.E013",
    }
    assert all(m.hint for m in ours)


# The secret: E001, W001, W002


def test_e001_no_secret_and_debug_false(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {}
    django_settings.DEBUG = False
    (message,) = messages("django_nextauth.E001")
    assert isinstance(message, Error)
    assert "No NextAuth secret" in message.msg
    assert "nextauth_secret" in message.hint
    assert not messages("django_nextauth.W001")
    with pytest.raises(SystemCheckError, match="django_nextauth.E001"):
        call_command("check", databases=[])


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("configured", [[""], [SECRET, ""], [SECRET, 1], 5])
def test_e001_a_secret_that_cannot_be_used(
    django_settings: Any, debug: bool, configured: Any
) -> None:
    django_settings.NEXTAUTH = {"SECRET": configured}
    django_settings.DEBUG = debug
    (message,) = messages("django_nextauth.E001")
    assert "non-empty string or list of strings" in message.msg


def test_e001_an_environment_secret_is_enough(
    django_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH_SECRET", SECRET)
    django_settings.NEXTAUTH = {}
    django_settings.DEBUG = False
    assert not messages("django_nextauth.E001")


def test_w001_no_secret_in_debug(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {}
    django_settings.DEBUG = True
    (message,) = messages("django_nextauth.W001", tags=(Tags.security,))
    assert isinstance(message, Warning)
    assert "derived from SECRET_KEY" in message.msg
    assert not messages("django_nextauth.E001")


@pytest.mark.parametrize("configured", ["s", "x" * 31, [SECRET, "old-and-short"]])
def test_w002_a_secret_shorter_than_32_characters(django_settings: Any, configured: Any) -> None:
    message = only("django_nextauth.W002", SECRET=configured)
    assert isinstance(message, Warning)
    assert "shorter than 32 characters" in message.msg
    assert "nextauth_secret" in message.hint


def test_w002_not_for_32_characters(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {"SECRET": "x" * 32}
    assert not messages("django_nextauth.W002")


# One id per setting (the rules are tested one by one in test_conf.py)


@pytest.mark.parametrize("version", ["v3", "V4", 4, None, ""])
def test_e002_unknown_version(django_settings: Any, version: Any) -> None:
    message = only("django_nextauth.E002", VERSION=version)
    assert isinstance(message, Error)
    assert repr(version) in message.msg


@pytest.mark.parametrize("version", ["v4", "v5"])
def test_e002_known_versions(django_settings: Any, version: str) -> None:
    django_settings.NEXTAUTH = {"SECRET": SECRET, "VERSION": version}
    assert not messages("django_nextauth.E002")


def test_e003_callbacks_stop_manage_py_check(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {"SECRET": SECRET, "CALLBACKS": {"jwt": "myproject.nope.jwt"}}
    with pytest.raises(SystemCheckError, match=r"django_nextauth\.E003.*\['jwt'\]"):
        call_command("check", databases=[])


@pytest.mark.parametrize(
    ("providers", "fragment"),
    [
        ([{"type": "oauth"}], "NEXTAUTH['PROVIDERS'][0]"),  # from the providers registry
        ({"id": "credentials"}, "must be a list of providers"),  # from the schema
    ],
)
def test_e004_providers(django_settings: Any, providers: Any, fragment: str) -> None:
    assert fragment in only("django_nextauth.E004", PROVIDERS=providers).msg


def test_e004_the_default_providers_pass(django_settings: Any) -> None:
    assert not messages("django_nextauth.E004")


@pytest.mark.parametrize(
    "keys", [{"RATE_LIMIT": {"USERNAME": "5"}}, {"NUM_PROXIES": -1}, {"RATE_LIMIT": []}]
)
def test_e005_rate_limit_and_proxies(django_settings: Any, keys: dict[str, Any]) -> None:
    assert "must be" in only("django_nextauth.E005", **keys).msg


def test_e006_url_that_is_not_http(django_settings: Any) -> None:
    assert "is not an http(s) URL" in only("django_nextauth.E006", URL="ftp://x").msg


@pytest.mark.parametrize(
    ("pages", "fragment"),
    [
        ({"SIGN_IN": "no-such-url-name"}, "does not resolve"),
        ({"LOGIN": "/login"}, "unknown key 'LOGIN'"),
        ({"signOut": "/bye"}, "NextAuth's name for 'SIGN_OUT'"),
        ({"ERROR": 5}, "not 5"),
        ("/login", "must be a dict"),
    ],
)
def test_e007_pages(django_settings: Any, pages: Any, fragment: str) -> None:
    assert fragment in only("django_nextauth.E007", PAGES=pages).msg


def test_e007_pages_that_resolve(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {
        "SECRET": SECRET,
        "PAGES": {"SIGN_IN": "/login", "SIGN_OUT": "https://example.com/bye", "ERROR": None},
    }
    assert not messages("django_nextauth.E007")


@pytest.mark.parametrize(
    ("keys", "check_id", "fragment"),
    [
        ({"DECODE_VERSIONS": "v4"}, "E008", "must be a list of 'v4' / 'v5', not 'v4'"),
        ({"USE_SECURE_COOKIES": "no"}, "E009", "True, False or None, not 'no'"),
        ({"SESSION": {"maxAge": 3600}}, "E010", "NextAuth's name for 'MAX_AGE'"),
        ({"BASE_PATH": "auth"}, "E011", "a path starting with '/'"),
        ({"SET_REQUEST_USER": 1}, "E012", "True or False, not 1"),
        ({"SESION": {"MAX_AGE": 60}}, "E013", "unknown key 'SESION'"),
        ({"useSecureCookies": True}, "E013", "NextAuth's name for 'USE_SECURE_COOKIES'"),
    ],
)
def test_e008_to_e013_one_id_per_setting(
    django_settings: Any, keys: dict[str, Any], check_id: str, fragment: str
) -> None:
    message = only(f"django_nextauth.{check_id}", **keys)
    assert isinstance(message, Error)
    assert fragment in message.msg


def test_e014_nextauth_is_not_a_dict(django_settings: Any) -> None:
    django_settings.NEXTAUTH = [("SECRET", SECRET)]
    (message,) = messages("django_nextauth.E014")
    assert message.msg == "settings.NEXTAUTH must be a dict, not list."
    assert not messages("django_nextauth.E004")  # nothing else is read from a broken NEXTAUTH


# The project's wiring: E015, W003, E016, W004, E017, W005


@pytest.mark.parametrize(
    ("middleware", "sets_user", "reported"),
    [
        ([SESSIONS, OURS, AUTH], True, True),  # the README's old place: after CSRF, before auth
        ([SESSIONS, f"{__name__}.SubclassedMiddleware", AUTH], True, True),
        ([SESSIONS, AUTH, OURS], True, False),
        ([SESSIONS, OURS, AUTH], False, False),  # request.user is Django's: order is free
        ([OURS], True, False),  # no AuthenticationMiddleware to overwrite request.user
    ],
)
def test_e015_set_request_user_needs_the_middleware_after_authentication(
    django_settings: Any, middleware: list[str], sets_user: bool, reported: bool
) -> None:
    django_settings.MIDDLEWARE = middleware
    django_settings.NEXTAUTH = {"SECRET": SECRET, "SET_REQUEST_USER": sets_user}
    found = messages("django_nextauth.E015")
    assert bool(found) == reported
    if found:
        assert "Move 'django_nextauth.middleware.NextAuthMiddleware' after" in found[0].hint


def test_e015_skipped_without_django_contrib_auth(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {"SECRET": SECRET, "SET_REQUEST_USER": True}
    django_settings.MIDDLEWARE = [OURS, AUTH]
    with override_settings(INSTALLED_APPS=["django_nextauth"]):
        assert checks.check_middleware() == []


@pytest.mark.parametrize(
    "middleware",
    [
        [SESSIONS, AUTH],
        [],
        ["no.such.Middleware", "django_nextauth", ".x", 5],  # broken entries: no crash
    ],
)
def test_w003_the_middleware_is_missing(django_settings: Any, middleware: list[Any]) -> None:
    django_settings.MIDDLEWARE = middleware
    (message,) = checks.check_middleware()
    assert isinstance(message, Warning)
    assert message.id == "django_nextauth.W003"
    assert "request.session_user" in message.msg


def test_w003_a_subclass_counts(django_settings: Any) -> None:
    django_settings.MIDDLEWARE = [f"{__name__}.SubclassedMiddleware"]
    assert not messages("django_nextauth.W003")


def test_e016_contrib_auth_and_contenttypes_must_be_installed(django_settings: Any) -> None:
    with override_settings(INSTALLED_APPS=["django_nextauth"]):
        found = checks.check_apps()
    assert [m.id for m in found] == ["django_nextauth.E016"] * 2
    assert found[0].msg == "'django.contrib.auth' is not in INSTALLED_APPS."
    assert found[1].msg == "'django.contrib.contenttypes' is not in INSTALLED_APPS."
    assert not messages("django_nextauth.E016")


#: ``manage.py check`` in a fresh interpreter (this one has contrib.auth's models loaded).
_CHECK_WITHOUT_AUTH = """
import django
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError

settings.configure(
    SECRET_KEY="x",
    INSTALLED_APPS=["django.contrib.contenttypes", "django_nextauth"],
    MIDDLEWARE=["django_nextauth.middleware.NextAuthMiddleware"],
    ROOT_URLCONF="django_nextauth.urls",
    NEXTAUTH={"SECRET": "%s", "PROVIDERS": [{"type": "credentials"}, {"type": "email"}]},
)
django.setup()
try:
    call_command("check", databases=[])
except SystemCheckError as exc:
    print(str(exc))
"""


@pytest.mark.multiprocess  # manage.py check in a fresh interpreter
def test_e016_is_reported_by_manage_py_check_not_a_crash() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _CHECK_WITHOUT_AUTH % SECRET],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        check=False,
    )
    assert "RuntimeError" not in result.stderr
    assert "(django_nextauth.E016) 'django.contrib.auth' is not in INSTALLED_APPS." in (
        result.stdout
    ), result.stderr


def test_w004_the_api_is_not_mounted(django_settings: Any) -> None:
    django_settings.ROOT_URLCONF = URLConf()
    (message,) = messages("django_nextauth.W004", tags=(Tags.urls,))
    assert isinstance(message, Warning)
    assert "include('django_nextauth.urls')" in message.hint


@pytest.mark.parametrize(
    ("mount", "keys", "source"),
    [
        ("auth/", {}, "NEXTAUTH['BASE_PATH'] says '/api/auth'"),
        ("api/auth/", {"BASE_PATH": "/auth"}, "NEXTAUTH['BASE_PATH'] says '/auth'"),
        ("api/auth/", {"URL": "https://example.com/custom/auth"}, "URL'] says '/custom/auth'"),
        ("api/auth/", {"URL": "example.com/custom/auth/"}, "says '/custom/auth'"),
    ],
)
def test_e017_the_api_is_mounted_elsewhere(
    django_settings: Any, mount: str, keys: dict[str, Any], source: str
) -> None:
    django_settings.ROOT_URLCONF = URLConf(path(mount, include("django_nextauth.urls")))
    message = only("django_nextauth.E017", **keys)
    assert isinstance(message, Error)
    assert f"mounted at '/{mount}'" in message.msg
    assert source in message.msg


@pytest.mark.parametrize(
    ("mount", "keys"),
    [
        ("api/auth/", {}),
        ("api/auth/", {"URL": "https://example.com"}),
        ("api/auth/", {"URL": "https://example.com/"}),
        ("auth/", {"BASE_PATH": "/auth/"}),
        ("auth/", {"URL": "https://example.com/auth", "BASE_PATH": "/api/auth"}),
        ("api/auth/", {"URL": 5, "BASE_PATH": 5}),  # broken values: E006 / E011, no crash
    ],
)
def test_e017_the_api_is_where_the_settings_say(
    django_settings: Any, mount: str, keys: dict[str, Any]
) -> None:
    django_settings.ROOT_URLCONF = URLConf(path(mount, include("django_nextauth.urls")))
    django_settings.NEXTAUTH = {"SECRET": SECRET, **keys}
    assert checks.check_urls() == []


def test_e017_skipped_when_nextauth_is_not_a_dict(django_settings: Any) -> None:
    django_settings.NEXTAUTH = "oops"
    assert checks.check_urls() == []


def deploy_messages(check_id: str, tags: tuple[str, ...] | None = None) -> list[Any]:
    found = system_checks(tags=tags, include_deployment_checks=True)
    return [message for message in found if message.id == check_id]


def test_w005_no_url_and_debug_off(django_settings: Any) -> None:
    django_settings.DEBUG = False
    (message,) = deploy_messages("django_nextauth.W005", tags=(Tags.security,))
    assert isinstance(message, Warning)
    assert "ALLOWED_HOSTS" in message.hint
    django_settings.NEXTAUTH = {"SECRET": SECRET, "URL": "https://example.com"}
    assert not deploy_messages("django_nextauth.W005")
    django_settings.NEXTAUTH = {"SECRET": SECRET}
    django_settings.DEBUG = True
    assert not deploy_messages("django_nextauth.W005")


# No check crashes on a broken value

ANYTHING = json_like(
    st.none() | st.booleans() | st.integers() | st.text("abv45./_", max_size=8),
    keys=st.text(max_size=6),
    max_leaves=6,
)


@budget(max_examples=60, deadline=None)
@given(
    st.sampled_from(["SECRET", "URL", "BASE_PATH", "PAGES", "PROVIDERS", "SET_REQUEST_USER"]),
    ANYTHING,
)
def test_no_check_crashes(key: str, value: Any) -> None:
    with override_settings(NEXTAUTH={"SECRET": SECRET, key: value}):
        for check in (
            checks.check_secret,
            checks.check_callbacks,
            checks.check_settings,
            checks.check_middleware,
            checks.check_urls,
        ):
            assert isinstance(check(), list)
