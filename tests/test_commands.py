"""manage.py nextauth_secret and nextauth_decode."""

from __future__ import annotations

import base64
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from django_nextauth import jwt

SECRET = "6cJ1U0xoiR8dQh1Xg0o3H1Cq5Yc9ZfZk1w3yQ0Gm2xE="
HTTPS_V5 = "__Secure-authjs.session-token"
OLD = "old-secret-9Qm2v8cV0pL3sX7aZ1rT5yU4wE6iO0n="
PAYLOAD = {"name": "Zoë Lovelace", "email": "zoe@example.com", "sub": "1"}


@pytest.fixture(autouse=True)
def configured(settings: Any) -> Any:
    settings.NEXTAUTH = {"SECRET": SECRET}
    return settings


def decode_command(*args: str, **options: Any) -> dict[str, Any]:
    out = StringIO()
    call_command("nextauth_decode", *args, stdout=out, **options)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def run_command_line(
    capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[int | str | None, str, str]:
    """Run like `manage.py ...` does; return the exit code, stdout and stderr."""
    code: int | str | None = 0
    try:
        execute_from_command_line(["manage.py", *argv])
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# nextauth_secret


def test_secret_is_32_random_bytes_base64() -> None:
    outputs = set()
    for _ in range(3):
        out = StringIO()
        call_command("nextauth_secret", stdout=out)
        value = out.getvalue().strip()
        assert len(value) == 44
        assert len(base64.b64decode(value, validate=True)) == 32
        outputs.add(value)
    assert len(outputs) == 3


def test_secret_works_before_a_secret_is_configured(
    configured: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    configured.NEXTAUTH = {}
    configured.DEBUG = False
    code, out, err = run_command_line(capsys, "nextauth_secret")
    assert (code, err) == (0, "")
    assert len(base64.b64decode(out.strip())) == 32


def test_secret_works_whatever_the_settings_say(
    configured: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    configured.NEXTAUTH = {"VERSION": "v6", "SESSION": {"maxAge": 1}, "CALLBACKS": {"jwt": "x.y"}}
    code, out, err = run_command_line(capsys, "nextauth_secret")
    assert (code, err) == (0, "")
    assert len(base64.b64decode(out.strip())) == 32


# nextauth_decode


def test_decode_prints_the_claims_as_json() -> None:
    claims = decode_command(jwt.encode(PAYLOAD, secret=SECRET))
    assert {key: claims[key] for key in PAYLOAD} == PAYLOAD
    assert set(claims) == {*PAYLOAD, "iat", "exp", "jti"}


def test_decode_prints_unicode_as_is(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_command_line(capsys, "nextauth_decode", jwt.encode(PAYLOAD, secret=SECRET))
    assert code == 0
    assert '"name": "Zoë Lovelace"' in out


def test_decode_strips_surrounding_whitespace() -> None:
    assert decode_command(f"  {jwt.encode(PAYLOAD, secret=SECRET)}\n")["sub"] == "1"


def test_decode_version_option() -> None:
    token = jwt.encode(PAYLOAD, secret=SECRET, version="v5")
    assert decode_command(token, version="v5")["sub"] == "1"
    with pytest.raises(CommandError):
        decode_command(token)  # v4 by default


def test_decode_version_option_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    token = jwt.encode(PAYLOAD, secret=SECRET, version="v5")
    code, out, _ = run_command_line(capsys, "nextauth_decode", "--version", "v5", token)
    assert code == 0
    assert json.loads(out)["sub"] == "1"
    code, out, err = run_command_line(capsys, "nextauth_decode", "--version", "v6", token)
    assert code == 2
    assert "invalid choice" in err


def test_decode_defaults_to_the_configured_version(configured: Any) -> None:
    configured.NEXTAUTH = {"SECRET": SECRET, "VERSION": "v5"}
    assert decode_command(jwt.encode(PAYLOAD, secret=SECRET, version="v5"))["sub"] == "1"


@pytest.mark.parametrize("version", ["v4", "v5"])
def test_decode_salt_option(version: jwt.Version) -> None:
    salt = "__Secure-authjs.session-token"
    token = jwt.encode(PAYLOAD, secret=SECRET, version=version, salt=salt)
    assert decode_command(token, version=version, salt=salt)["sub"] == "1"
    with pytest.raises(CommandError):
        decode_command(token, version=version)


def test_decode_uses_every_configured_secret(configured: Any) -> None:
    configured.NEXTAUTH = {"SECRET": [SECRET, OLD]}
    assert decode_command(jwt.encode(PAYLOAD, secret=OLD))["sub"] == "1"


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("not-a-token", "Invalid token: Token is not a compact JWE"),
        (jwt.encode(PAYLOAD, secret=OLD), "Invalid token: No configured secret decrypts"),
        (jwt.encode(PAYLOAD, secret=SECRET, max_age=-60), "Invalid token: Token has expired."),
        (jwt.encode(PAYLOAD, secret=SECRET)[:-1] + "!", "Invalid token: Token has characters"),
    ],
)
def test_bad_token_is_one_clean_line(
    capsys: pytest.CaptureFixture[str], token: str, message: str
) -> None:
    code, out, err = run_command_line(capsys, "nextauth_decode", token)
    assert code == 1
    assert out == ""
    assert err.startswith(f"CommandError: {message}")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert SECRET not in err and OLD not in err


@pytest.mark.parametrize(
    ("token", "argv", "hint"),
    [
        (
            jwt.encode(PAYLOAD, secret=SECRET, version="v5"),
            (),
            "it is a v5 token and it was read as v4: pass --version v5.",
        ),
        (
            jwt.encode(PAYLOAD, secret=SECRET),
            ("--version", "v5"),
            "it is a v4 token and it was read as v5: pass --version v4.",
        ),
        (
            jwt.encode(PAYLOAD, secret=SECRET, version="v5", salt=HTTPS_V5),
            (),
            f"it is a v5 token and it was read as v4: pass --version v5 --salt {HTTPS_V5}.",
        ),
        (
            jwt.encode(PAYLOAD, secret=SECRET, version="v5", salt=HTTPS_V5),
            ("--version", "v5"),
            f"it is a v5 token with another salt: pass --version v5 --salt {HTTPS_V5}.",
        ),
        (
            jwt.encode(PAYLOAD, secret=SECRET, version="v5"),
            ("--version", "v5", "--salt", "wrong"),
            "it is a v5 token with another salt: pass --version v5.",
        ),
        (
            jwt.encode(PAYLOAD, secret=SECRET, version="v5", max_age=-60),
            (),
            "it is a v5 token and it was read as v4: pass --version v5.",
        ),
    ],
)
def test_a_token_of_the_other_format_hints_at_the_option(
    capsys: pytest.CaptureFixture[str], token: str, argv: tuple[str, ...], hint: str
) -> None:
    code, out, err = run_command_line(capsys, "nextauth_decode", *argv, token)
    assert (code, out) == (1, "")
    assert err == f"CommandError: Invalid token: {hint}\n"
    assert "secret" not in err.lower()  # the secret is right: don't send the reader after it


def test_a_token_no_format_decrypts_gets_no_hint(capsys: pytest.CaptureFixture[str]) -> None:
    token = jwt.encode(PAYLOAD, secret=OLD, version="v5")
    _, _, err = run_command_line(capsys, "nextauth_decode", "--version", "v5", token)
    assert err == "CommandError: Invalid token: No configured secret decrypts this token.\n"


def test_an_expired_token_of_the_right_format_gets_no_hint() -> None:
    with pytest.raises(CommandError, match=r"^Invalid token: Token has expired\.$"):
        decode_command(jwt.encode(PAYLOAD, secret=SECRET, max_age=-60))


def test_a_broken_version_setting_is_named(configured: Any) -> None:
    configured.NEXTAUTH = {"SECRET": SECRET, "VERSION": "v6"}
    with pytest.raises(CommandError, match=r"^NEXTAUTH\['VERSION'\] must be 'v4' or 'v5'"):
        decode_command(jwt.encode(PAYLOAD, secret=SECRET))


def test_bad_token_raises_command_error() -> None:
    with pytest.raises(CommandError, match="^Invalid token: "):
        decode_command("a.b.c.d.e")


def test_no_secret_is_one_clean_line(
    configured: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AUTH_SECRET", raising=False)
    monkeypatch.delenv("NEXTAUTH_SECRET", raising=False)
    configured.NEXTAUTH = {}
    configured.DEBUG = False
    code, _, err = run_command_line(capsys, "nextauth_decode", jwt.encode(PAYLOAD, secret=SECRET))
    assert code == 1
    assert err.count("\n") == 1
    assert err.startswith("CommandError: No NextAuth secret")
