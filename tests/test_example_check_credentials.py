"""The example project's ``POST /api/check-credentials`` (example_project/demo/nextjs.py), which
the Next.js example's ``authorize`` calls: behind the package's brute-force limiter, per account
(``alice`` and ``alice@example.com`` are one) and per caller IP.

It runs in a fresh interpreter with the example's own settings (its ``demo`` app cannot be
installed beside the test suite's apps), on a throwaway SQLite database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# The example project in a subprocess.
pytestmark = pytest.mark.multiprocess

REPO = Path(__file__).resolve().parents[1]

_SCRIPT = """
import json, sys
import django
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, override_settings

django.setup()
override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()
call_command("migrate", verbosity=0)
alice, _ = get_user_model().objects.get_or_create(username="alice")  # the demo seeds her
alice.email = "alice@example.com"
alice.set_password("right-password")
alice.save()


def client(ip):
    return Client(REMOTE_ADDR=ip, HTTP_HOST="localhost")


def check(client, username, password="wrong"):
    body = json.dumps({"username": username, "password": password})
    return client.post("/api/check-credentials", body, "application/json").status_code


spellings = ["alice", "alice@example.com", " ALICE ", "Alice@Example.com"]
one_account = [check(client("192.0.2.1"), spellings[n % 4]) for n in range(6)]
after = check(client("192.0.2.2"), "alice", "right-password")
per_ip = [check(client("192.0.2.3"), f"user{n}") for n in range(21)]
print(json.dumps({"one_account": one_account, "after": after, "per_ip": per_ip}))
"""


def test_attempts_are_limited_per_account_and_per_ip(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DEMO_", "DJANGO_"))},
        "DJANGO_SETTINGS_MODULE": "example_site.settings",
        "DEMO_DB_PATH": str(tmp_path / "db.sqlite3"),
        "PYTHONPATH": os.pathsep.join([str(REPO / "example_project"), str(REPO)]),
    }
    result = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    # Five wrong guesses (the limiter's USERNAME default) over four spellings of one account.
    assert answers["one_account"] == [401] * 5 + [429]
    assert answers["after"] == 429  # the account is locked whoever asks, right password or not
    assert answers["per_ip"] == [401] * 20 + [429]  # the IP default: 20
