"""django_nextauth.conf: the NEXTAUTH settings object, its schema and validate()."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as budget
from hypothesis import strategies as st

from django_nextauth.conf import DEFAULTS, IMPORT_STRINGS, Problem, nextauth_settings, validate
from django_nextauth.dialect import V4, V5
from django_nextauth.exceptions import ConfigurationError, MissingSecret
from tests.conftest import SECRET
from tests.strategies import json_like

NOT_CALLABLE = 42
URL = {"URL": "https://example.com"}  # no W005 (DEBUG is off in the test settings)


def a_callback(**kwargs: Any) -> Any:
    return kwargs


@pytest.fixture
def no_env_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTH_SECRET", raising=False)
    monkeypatch.delenv("NEXTAUTH_SECRET", raising=False)


@pytest.fixture
def django_settings(settings: Any, no_env_secret: None) -> Any:
    """pytest-django's settings, with no secret from the environment."""
    return settings


# Defaults and merging


def test_defaults(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {"SECRET": SECRET}
    assert nextauth_settings.VERSION == "v4"
    assert nextauth_settings.SESSION["MAX_AGE"] == 30 * 24 * 60 * 60
    assert nextauth_settings.BASE_PATH == "/api/auth"
    for name, default in DEFAULTS.items():
        if name != "SECRET":
            assert getattr(nextauth_settings, name) == default


def test_no_nextauth_setting_at_all(django_settings: Any) -> None:
    del django_settings.NEXTAUTH
    assert nextauth_settings.VERSION == "v4"
    assert nextauth_settings.SECRET is None


def test_nested_dicts_merge_key_by_key(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {"SESSION": {"MAX_AGE": 60}}
    assert {**DEFAULTS["SESSION"], "MAX_AGE": 60} == nextauth_settings.SESSION


def test_a_non_dict_nested_value_is_refused_naming_the_setting(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {"PAGES": None}
    with pytest.raises(ConfigurationError, match=r"NEXTAUTH\['PAGES'\] must be a dict"):
        nextauth_settings.PAGES  # noqa: B018


def test_defaults_are_never_mutated(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {}
    nextauth_settings.SESSION["MAX_AGE"] = 1
    nextauth_settings.PROVIDERS.append({})
    assert DEFAULTS["SESSION"]["MAX_AGE"] == 30 * 24 * 60 * 60
    assert len(DEFAULTS["PROVIDERS"]) == 1


def test_unknown_setting() -> None:
    with pytest.raises(AttributeError, match="Invalid NEXTAUTH setting: 'SESION'"):
        nextauth_settings.SESION  # noqa: B018


def test_changes_are_seen(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {"VERSION": "v5"}
    assert nextauth_settings.VERSION == "v5"
    django_settings.NEXTAUTH = {"VERSION": "v4"}
    assert nextauth_settings.VERSION == "v4"


def test_cached_values_reset_when_settings_change(django_settings: Any) -> None:
    calls = []

    def factory() -> int:
        calls.append(1)
        return len(calls)

    assert nextauth_settings.cached("test-key", factory) == 1
    assert nextauth_settings.cached("test-key", factory) == 1
    django_settings.NEXTAUTH = {"VERSION": "v5"}
    assert nextauth_settings.cached("test-key", factory) == 2


# Secrets


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        (SECRET, (SECRET,)),
        ([SECRET, "old"], (SECRET, "old")),
        ((SECRET,), (SECRET,)),
    ],
)
def test_secrets(django_settings: Any, configured: Any, expected: tuple[str, ...]) -> None:
    django_settings.NEXTAUTH = {"SECRET": configured}
    assert nextauth_settings.secrets == expected
    assert nextauth_settings.secret_is_configured


@pytest.mark.parametrize("configured", [[""], [SECRET, ""], [SECRET, 1], 5, {"a": SECRET}])
def test_invalid_secrets(django_settings: Any, configured: Any) -> None:
    django_settings.NEXTAUTH = {"SECRET": configured}
    with pytest.raises(MissingSecret, match="must be a non-empty string or list of strings"):
        nextauth_settings.secrets  # noqa: B018


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"AUTH_SECRET": "from-auth"}, "from-auth"),
        ({"NEXTAUTH_SECRET": "from-nextauth"}, "from-nextauth"),
        ({"AUTH_SECRET": "from-auth", "NEXTAUTH_SECRET": "from-nextauth"}, "from-auth"),
    ],
)
def test_secret_from_the_environment(
    django_settings: Any, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    django_settings.NEXTAUTH = {}
    assert nextauth_settings.secret_is_configured
    assert nextauth_settings.secrets == (expected,)


def test_the_setting_wins_over_the_environment(
    django_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH_SECRET", "from-env")
    django_settings.NEXTAUTH = {"SECRET": SECRET}
    assert nextauth_settings.secrets == (SECRET,)


@pytest.mark.parametrize("configured", [None, "", []])
def test_no_secret_outside_debug(django_settings: Any, configured: Any) -> None:
    django_settings.NEXTAUTH = {"SECRET": configured}
    django_settings.DEBUG = False
    assert not nextauth_settings.secret_is_configured
    with pytest.raises(MissingSecret, match="No NextAuth secret"):
        nextauth_settings.secrets  # noqa: B018


def test_debug_derives_a_secret_from_secret_key(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {}
    django_settings.DEBUG = True
    django_settings.SECRET_KEY = "dev-key"
    (derived,) = nextauth_settings.secrets
    assert derived == hashlib.sha256(b"django-nextauth:dev-key").hexdigest()
    assert "dev-key" not in derived
    assert not nextauth_settings.secret_is_configured  # the W001 system check says so
    django_settings.SECRET_KEY = "another-dev-key"
    assert nextauth_settings.secrets != (derived,)


def test_the_secret_is_read_lazily(django_settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    django_settings.NEXTAUTH = {}
    monkeypatch.setenv("AUTH_SECRET", "set-after-startup")
    assert nextauth_settings.secrets == ("set-after-startup",)


def test_the_secret_from_the_environment_is_checked_too(
    django_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEXTAUTH_SECRET", "Xq9-tiny")
    django_settings.NEXTAUTH = {}
    (problem,) = [p for p in validate() if p.path == ("SECRET",)]
    assert problem.id == "django_nextauth.W002"
    assert problem.message.startswith("The NEXTAUTH_SECRET environment variable holds a secret")
    assert "Xq9" not in problem.message + problem.hint  # never print a secret
    assert nextauth_settings.secrets == ("Xq9-tiny",)  # a warning, not an error


# The schema: DEFAULTS and validate()


def test_every_default_is_valid(django_settings: Any) -> None:
    assert validate({"SECRET": SECRET, **URL}) == []
    assert DEFAULTS["SESSION"]["ABSOLUTE_MAX_AGE"] is None
    assert IMPORT_STRINGS == {"CALLBACKS": ("jwt", "session", "sign_in", "redirect")}


def ids(problems: list[Problem]) -> list[str]:
    return [problem.id for problem in problems]


# (NEXTAUTH, the problem's path, its id, a fragment of its message, a fragment of its hint)
MISTAKES = [
    # The mistakes `manage.py check` was silent about (issue 8).
    ({"DECODE_VERSIONS": "v4"}, ("DECODE_VERSIONS",), "E008", "not 'v4'", "['v4', 'v5']"),
    ({"USE_SECURE_COOKIES": "no"}, ("USE_SECURE_COOKIES",), "E009", "not 'no'", "'no'"),
    (
        {"SESSION": {"maxAge": 3600}},
        ("SESSION", "maxAge"),
        "E010",
        "unknown key 'maxAge' (NextAuth's name for 'MAX_AGE')",
        "Rename 'maxAge' to 'MAX_AGE'.",
    ),
    ({"SESION": {}}, ("SESION",), "E013", "NEXTAUTH has an unknown key", "mean 'SESSION'?"),
    # NextAuth's spellings of our keys, at every level.
    ({"secret": SECRET}, ("secret",), "E013", "name for 'SECRET'", "to 'SECRET'"),
    ({"NEXTAUTH_URL": "https://x"}, ("NEXTAUTH_URL",), "E013", "for 'URL'", "to 'URL'"),
    ({"basePath": "/auth"}, ("basePath",), "E013", "'basePath'", "to 'BASE_PATH'"),
    ({"useSecureCookies": True}, ("useSecureCookies",), "E013", "", "'USE_SECURE_COOKIES'"),
    ({"SESSION": {"updateAge": 1}}, ("SESSION", "updateAge"), "E010", "", "'UPDATE_AGE'"),
    ({"CALLBACKS": {"signIn": None}}, ("CALLBACKS", "signIn"), "E003", "", "to 'sign_in'"),
    ({"PAGES": {"signIn": "/login"}}, ("PAGES", "signIn"), "E007", "", "to 'SIGN_IN'"),
    ({"PAGES": {"error": "/oops"}}, ("PAGES", "error"), "E007", "", "to 'ERROR'"),
    # Other unknown keys: the closest key, else the list.
    ({"SESSION": {"max_age": 60}}, ("SESSION", "max_age"), "E010", "", "mean 'MAX_AGE'?"),
    ({"RATE_LIMIT": {"IPS": 3}}, ("RATE_LIMIT", "IPS"), "E005", "", "mean 'IP'?"),
    ({"zzz": 1}, ("zzz",), "E013", "'zzz'", "The keys are 'SECRET', 'VERSION'"),
    ({5: 1}, ("5",), "E013", "unknown key 5.", "The keys are"),
    # Wrong values and types.
    ({"VERSION": "v6"}, ("VERSION",), "E002", "must be 'v4' or 'v5', not 'v6'", "Auth.js"),
    ({"DECODE_VERSIONS": ["v4", "v6"]}, ("DECODE_VERSIONS",), "E008", "'v6'", "None"),
    ({"DECODE_VERSIONS": ["v5"]}, ("DECODE_VERSIONS",), "E008", "leaves out VERSION", "'v4'"),
    ({"URL": "ftp://example.com"}, ("URL",), "E006", "not an http(s) URL", "https://"),
    ({"URL": 5}, ("URL",), "E006", "5", "NEXTAUTH_URL"),
    ({"BASE_PATH": "api/auth"}, ("BASE_PATH",), "E011", "starting with '/'", "basePath"),
    ({"SESSION": 3600}, ("SESSION",), "E010", "must be a dict, not 3600", "'MAX_AGE'"),
    ({"SESSION": {"MAX_AGE": "3600"}}, ("SESSION", "MAX_AGE"), "E010", "not '3600'", "seconds"),
    ({"SESSION": {"MAX_AGE": 0}}, ("SESSION", "MAX_AGE"), "E010", "positive", ""),
    ({"SESSION": {"MAX_AGE": 36.5}}, ("SESSION", "MAX_AGE"), "E010", "36.5", ""),
    ({"SESSION": {"MAX_AGE": True}}, ("SESSION", "MAX_AGE"), "E010", "True", ""),
    ({"SESSION": {"UPDATE_AGE": -1}}, ("SESSION", "UPDATE_AGE"), "E010", "-1", ""),
    ({"SESSION": {"SLIDING": "yes"}}, ("SESSION", "SLIDING"), "E010", "True or False", ""),
    (
        {"SESSION": {"ABSOLUTE_MAX_AGE": 0}},
        ("SESSION", "ABSOLUTE_MAX_AGE"),
        "E010",
        "None or a positive number",
        "",
    ),
    ({"CALLBACKS": ["jwt"]}, ("CALLBACKS",), "E003", "must be a dict", "dotted paths"),
    (
        {"CALLBACKS": {"jwt": "tests.no_such_module.jwt"}},
        ("CALLBACKS", "jwt"),
        "E003",
        "NEXTAUTH['CALLBACKS']['jwt'] = 'tests.no_such_module.jwt' cannot be imported",
        "",
    ),
    (
        {"CALLBACKS": {"session": f"{__name__}.NOT_CALLABLE"}},
        ("CALLBACKS", "session"),
        "E003",
        "NEXTAUTH['CALLBACKS']['session'] is not callable.",
        "",
    ),
    ({"CALLBACKS": {"redirect": 5}}, ("CALLBACKS", "redirect"), "E003", "not callable", ""),
    ({"CALLBACKS": {"jwt": ".jwt"}}, ("CALLBACKS", "jwt"), "E003", "Empty module name.", ""),
    ({"CALLBACKS": {"jwt": "..jwt"}}, ("CALLBACKS", "jwt"), "E003", "cannot be imported", ""),
    ({"PROVIDERS": {"id": "x"}}, ("PROVIDERS",), "E004", "a list of providers", "credentials"),
    ({"PAGES": "/login"}, ("PAGES",), "E007", "must be a dict", "SIGN_IN"),
    ({"PAGES": {"ERROR": 5}}, ("PAGES", "ERROR"), "E007", "not 5", "pattern name"),
    ({"SET_REQUEST_USER": "yes"}, ("SET_REQUEST_USER",), "E012", "True or False", "request.user"),
    ({"RATE_LIMIT": {"USERNAME": "5"}}, ("RATE_LIMIT", "USERNAME"), "E005", "'5'", "switches"),
    ({"RATE_LIMIT": {"IP": -1}}, ("RATE_LIMIT", "IP"), "E005", "0 or more", ""),
    ({"RATE_LIMIT": {"CACHE": "nope"}}, ("RATE_LIMIT", "CACHE"), "E005", "settings.CACHES", ""),
    ({"RATE_LIMIT": {"CACHE": ["x"]}}, ("RATE_LIMIT", "CACHE"), "E005", "['x']", ""),
    ({"NUM_PROXIES": True}, ("NUM_PROXIES",), "E005", "whole number", "X-Forwarded-For"),
    ({"SECRET": 5}, ("SECRET",), "E001", "non-empty string or list of strings", "rotating"),
    ({"SECRET": "short"}, ("SECRET",), "W002", "NEXTAUTH['SECRET'] holds a secret shorter", ""),
    ({"SECRET": [SECRET, "short"]}, ("SECRET",), "W002", "shorter than 32 characters", ""),
]


@pytest.mark.parametrize(("user", "path", "check_id", "message", "hint"), MISTAKES)
def test_each_mistake_is_one_problem_naming_the_setting(
    user: dict[Any, Any], path: tuple[str, ...], check_id: str, message: str, hint: str
) -> None:
    (problem,) = validate({"SECRET": SECRET, **URL, **user})
    assert (problem.path, problem.id) == (path, f"django_nextauth.{check_id}")
    assert message in problem.message
    assert hint in problem.hint and problem.hint
    assert problem.is_error == check_id.startswith("E")


@pytest.mark.parametrize(
    "user",
    [
        {"DECODE_VERSIONS": ["v4", "v5"]},
        {"DECODE_VERSIONS": []},
        {"DECODE_VERSIONS": ("v4",)},
        {"VERSION": "v5", "DECODE_VERSIONS": ["v5"]},
        {"URL": "example.com"},
        {"URL": "http://localhost:8000/api/auth"},
        {"USE_SECURE_COOKIES": False},
        {"SESSION": {"MAX_AGE": 60, "UPDATE_AGE": 0, "SLIDING": True, "ABSOLUTE_MAX_AGE": 3600}},
        {"CALLBACKS": {"jwt": a_callback, "session": f"{__name__}.a_callback", "redirect": None}},
        {"PROVIDERS": ()},
        {"PAGES": {"SIGN_IN": "/login", "ERROR": ""}},
        {"RATE_LIMIT": {"USERNAME": None, "IP": 0, "WINDOW": 60, "CACHE": "default"}},
        {"SET_REQUEST_USER": True, "NUM_PROXIES": 2},
        {"SECRET": [SECRET, SECRET[::-1]]},
    ],
)
def test_valid_values_have_no_problem(user: dict[str, Any]) -> None:
    assert validate({"SECRET": SECRET, **URL, **user}) == []


def test_nextauth_that_is_not_a_dict(django_settings: Any) -> None:
    (problem,) = validate(["SECRET"])
    assert (problem.path, problem.id, problem.setting) == ((), "django_nextauth.E014", "NEXTAUTH")
    assert problem.message == "settings.NEXTAUTH must be a dict, not list."
    django_settings.NEXTAUTH = "v4"
    with pytest.raises(ConfigurationError, match="settings.NEXTAUTH must be a dict, not str"):
        nextauth_settings.VERSION  # noqa: B018


def test_validate_reads_the_django_setting_by_default(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {"SECRET": SECRET, **URL, "VERSION": "v3"}
    assert ids(validate()) == ["django_nextauth.E002"]
    del django_settings.NEXTAUTH
    django_settings.DEBUG = True
    assert ids(validate()) == ["django_nextauth.W001"]


def test_problem_setting_is_the_python_expression() -> None:
    problem = Problem(("SESSION", "maxAge"), "m", "h", "django_nextauth.E010")
    assert problem.setting == "NEXTAUTH['SESSION']['maxAge']"
    assert problem.is_error
    assert not Problem(("URL",), "m", "h", "django_nextauth.W005").is_error


# The runtime: a broken value raises naming the setting, even without the system checks


@pytest.mark.parametrize(
    ("user", "read", "message"),
    [
        ({"VERSION": "v6"}, "VERSION", "NEXTAUTH['VERSION'] must be 'v4' or 'v5', not 'v6'."),
        ({"VERSION": "v6"}, "dialect", "NEXTAUTH['VERSION'] must be 'v4' or 'v5'"),
        ({"VERSION": "v6"}, "decode_dialects", "NEXTAUTH['VERSION'] must be 'v4' or 'v5'"),
        ({"DECODE_VERSIONS": "v4"}, "decode_dialects", "NEXTAUTH['DECODE_VERSIONS'] must be"),
        (
            {"USE_SECURE_COOKIES": "no"},
            "USE_SECURE_COOKIES",
            "NEXTAUTH['USE_SECURE_COOKIES'] must be True, False or None, not 'no'.",
        ),
        (
            {"SESSION": {"maxAge": 3600}},
            "SESSION",
            "NEXTAUTH['SESSION'] has an unknown key 'maxAge' (NextAuth's name for 'MAX_AGE').",
        ),
        (
            {"CALLBACKS": {"jwt": "tests.nope.jwt"}},
            "CALLBACKS",
            "NEXTAUTH['CALLBACKS']['jwt'] = 'tests.nope.jwt' cannot be imported: No module",
        ),
        ({"RATE_LIMIT": {"WINDOW": "15m"}}, "RATE_LIMIT", "NEXTAUTH['RATE_LIMIT']['WINDOW']"),
    ],
)
def test_reading_a_broken_setting_raises_naming_it(
    django_settings: Any, user: dict[str, Any], read: str, message: str
) -> None:
    django_settings.NEXTAUTH = {"SECRET": SECRET, **user}
    with pytest.raises(ConfigurationError, match="^" + re.escape(message)):
        getattr(nextauth_settings, read)


def test_problems_with_a_runtime_fallback_do_not_raise(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {"SECRET": "short", "URL": "ftp://x", "SESION": {}}
    assert nextauth_settings.URL == "ftp://x"  # the request's origin is used (E006 says so)
    assert nextauth_settings.SECRET == "short"  # W002
    assert DEFAULTS["SESSION"] == nextauth_settings.SESSION  # E013 is about another key


def test_import_strings_are_resolved(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {
        "SECRET": SECRET,
        "CALLBACKS": {"jwt": f"{__name__}.a_callback", "session": a_callback},
    }
    assert {
        "jwt": a_callback,
        "session": a_callback,
        "sign_in": None,
        "redirect": None,
    } == nextauth_settings.CALLBACKS


@pytest.mark.parametrize(
    ("user", "expected", "decoded"),
    [
        ({}, V4, (V4,)),
        ({"VERSION": "v5"}, V5, (V5,)),
        ({"VERSION": "v5", "DECODE_VERSIONS": ["v5", "v4", "v5"]}, V5, (V5, V4)),
        ({"DECODE_VERSIONS": []}, V4, (V4,)),
    ],
)
def test_dialects(
    django_settings: Any, user: dict[str, Any], expected: Any, decoded: tuple[Any, ...]
) -> None:
    django_settings.NEXTAUTH = {"SECRET": SECRET, **user}
    assert nextauth_settings.dialect is expected
    assert nextauth_settings.decode_dialects == decoded


def test_dialects_follow_setting_changes(nextauth: Callable[..., None]) -> None:
    nextauth(VERSION="v4")
    assert nextauth_settings.dialect is V4
    nextauth(VERSION="v5")
    assert nextauth_settings.dialect is V5
    assert nextauth_settings.decode_dialects == (V5,)


def test_a_cache_change_revalidates(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {"SECRET": SECRET, "RATE_LIMIT": {"CACHE": "other"}}
    with pytest.raises(ConfigurationError, match="settings.CACHES"):
        nextauth_settings.RATE_LIMIT  # noqa: B018
    django_settings.CACHES = {
        **django_settings.CACHES,
        "other": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    assert nextauth_settings.RATE_LIMIT["CACHE"] == "other"


def test_other_setting_changes_keep_the_values_read(django_settings: Any) -> None:
    django_settings.NEXTAUTH = {"SECRET": SECRET, "VERSION": "v5"}
    assert nextauth_settings.VERSION == "v5"
    django_settings.USE_TZ = False
    assert nextauth_settings.__dict__["VERSION"] == "v5"


def test_unknown_attribute_suggests_the_key() -> None:
    with pytest.raises(AttributeError, match=r"'SESION' \(did you mean 'SESSION'\?\)"):
        nextauth_settings.SESION  # noqa: B018
    with pytest.raises(AttributeError, match=r"'zzz'$"):
        nextauth_settings.zzz  # noqa: B018


# Nothing crashes on a broken value: validate() answers problems, reading raises ConfigurationError

KEYS = st.sampled_from(
    [*DEFAULTS, "secret", "maxAge", "MAX_AGE", "SLIDING", "jwt", "signIn", "SIGN_IN", "CACHE"]
)
NAMES = st.text("v45./a_", max_size=6)  # dotted-path-like, never a real module
SCALARS = st.none() | st.booleans() | st.integers(-5, 10**6) | st.floats() | NAMES
VALUES = json_like(SCALARS, keys=KEYS | st.text(max_size=4))


@budget(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(KEYS, VALUES, max_size=5) | VALUES)
def test_no_value_crashes_validate_or_the_settings_object(user: Any) -> None:
    problems = validate(user)
    assert all(p.id.startswith("django_nextauth.") and p.message and p.hint for p in problems)
    from django.test import override_settings

    with override_settings(NEXTAUTH=user):
        for name in DEFAULTS:
            try:
                getattr(nextauth_settings, name)
            except ConfigurationError as exc:
                assert any(p.message in str(exc) for p in problems)


def test_the_values_derived_from_the_settings_follow_a_change(settings: Any) -> None:
    # dialect, decode_dialects, url_origin and secrets are kept as plain attributes after
    # their first read (cached_property); a settings change must drop them with the rest.
    settings.NEXTAUTH = {"SECRET": "first-secret-of-32-characters-xx", "VERSION": "v4"}
    before = (
        nextauth_settings.dialect.version,
        nextauth_settings.decode_dialects,
        nextauth_settings.url_origin,
        nextauth_settings.secrets,
    )
    settings.NEXTAUTH = {
        "SECRET": "second-secret-of-32-characters-x",
        "VERSION": "v5",
        "URL": "https://auth.example.com/api/auth",
    }
    assert before[0] == "v4" and before[2] is None
    assert nextauth_settings.dialect.version == "v5"
    assert [d.version for d in nextauth_settings.decode_dialects] == ["v5"]
    assert nextauth_settings.url_origin == "https://auth.example.com"
    assert nextauth_settings.secrets == ("second-secret-of-32-characters-x",)
