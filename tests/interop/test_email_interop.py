"""E-mail sign-in against NextAuth's own code and the official clients (``email_peer.mjs``).

- Address normalisation: NextAuth's v4 ``signin`` route and v5 ``sendToken``, run
  with a recording adapter, against ours on fixed hostile cases plus generated ones.
- The link and the stored token hash Django makes equal theirs, byte for byte.
- ``URLSearchParams`` encoding equals ours.
- ``signIn("email", {email, redirect: false})`` of next-auth/react (v4 and v5,
  v5 also as ``"nodemailer"``) against a live Django, then the mailed link is
  followed as a browser does (its confirmation page, then the page's form): a
  session the real ``getToken`` decodes, and a reused link refused.
"""

from __future__ import annotations

import random
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.test import Client, override_settings
from django.urls import include, path

from django_nextauth.db.models import VerificationToken
from django_nextauth.dialect import dialect
from django_nextauth.email.identifiers import InvalidIdentifier, normalize_identifier
from django_nextauth.email.verification import search_params
from tests.interop.nodejs import run_node

pytestmark = pytest.mark.interop

SECRET = "interop-email-secret-0123456789abcdef"
HOSTILE = [
    "Eve@Example.com",
    "  eve@example.com\t",
    "eve@example.com,attacker.com",
    "a,b@example.com",
    '"eve"@example.com',
    "eve\uff20example.com",
    "eve\ufe6bexample.com",
    "eve@exam\u0130ple.com",
    "\u212aelvin@example.com",
    "stra\u00dfe@example.com",
    "\u03a3\u03a3@example.com",
    "\ufeffeve@example.com\u3000",
    "\x1ceve@example.com",
    "root@localhost",
    "x@y,z.com",
    "a@,b.com",
    "@example.com",
    "eve@",
    "eve@@example.com",
    "e v e@example.com",
    "",
]
ALPHABET = 'aZ09@@,.".  \t\u00a0\u3000\ufeff\x1c\uff20\ufe6b\u0130\u00df\u03a3\u212a\u0301-+_~*'


def _generated(count: int, seed: int) -> list[str]:
    """Noise, and (every other one) noise shaped like an address."""
    rng = random.Random(seed)

    def noise(most: int) -> str:
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, most)))

    return [noise(14) if i % 2 else f"{noise(6)}@{noise(6)}.{noise(3)}" for i in range(count)]


def _ours(raw: str, version: str) -> str | None:
    try:
        return normalize_identifier(raw, dialect(version))
    except InvalidIdentifier:
        return None


@pytest.mark.parametrize("version", ["v4", "v5"])
def test_normalisation_matches_nextauth(version: str) -> None:
    emails = HOSTILE + _generated(400, seed=13)
    theirs = run_node("email_peer.mjs", {"op": "normalize", "version": version, "emails": emails})
    mismatches = [
        (raw, ours, their)
        for raw, their in zip(emails, theirs, strict=True)
        if (ours := _ours(raw, version)) != their
    ]
    assert mismatches == []


def test_search_params_match_url_search_params() -> None:
    rng = random.Random(7)
    alphabet = "aZ09 ~*!'()-._&=+/?#%@\u00e9\u4e2d\U0001f600"
    items = [[[f"k{i}", "".join(rng.choice(alphabet) for _ in range(12))]] for i in range(200)]
    theirs = run_node("email_peer.mjs", {"op": "params", "items": items})
    assert theirs == [search_params(dict(pairs)) for pairs in items]


def fixed_token() -> str:
    return "9ca0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0"


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["v4", "v5"])
def test_link_and_hash_match_nextauth(version: str, mailoutbox: Any) -> None:
    cache.clear()
    secret: Any = [SECRET, "an-older-secret-0123456789abcdef"]
    provider = {"type": "email", "generate_token": f"{__name__}.fixed_token"}
    with override_settings(
        NEXTAUTH={"SECRET": secret, "VERSION": version, "PROVIDERS": [provider]}
    ):
        client = Client()
        csrf = client.get("/api/auth/csrf").json()["csrfToken"]
        body = {
            "csrfToken": csrf,
            "email": " Eve@Example.com",
            "callbackUrl": "http://testserver/after",
        }
        answer = client.post(
            "/api/auth/signin/email",
            urlencode(body),
            content_type="application/x-www-form-urlencoded",
        )
    theirs = run_node(
        "email_peer.mjs",
        {
            "op": "send",
            "version": version,
            "authUrl": "http://testserver/api/auth",
            "callbackUrl": "http://testserver/after",
            "email": " Eve@Example.com",
            "token": fixed_token(),
            # v4 has one secret string (our first); v5 may have a list.
            "secret": secret[0] if version == "v4" else secret,
        },
    )
    assert answer["Location"] == theirs["redirect"]
    (row,) = VerificationToken.objects.all()
    assert {"identifier": row.identifier, "token": row.token} == theirs["stored"]
    (message,) = mailoutbox
    assert theirs["url"] in message.body and message.to == [theirs["identifier"]]


# --- the official clients against a live Django -----------------------------------------------


def mailbox(request: HttpRequest) -> JsonResponse:
    """The links Django mailed (the locmem outbox), for the Node peer."""
    links = [line for m in mail.outbox for line in m.body.split() if "/callback/" in line]
    return JsonResponse({"links": links, "to": [m.to for m in mail.outbox]})


urlpatterns = [
    path("api/auth/", include("django_nextauth.urls")),
    path("test-mailbox", mailbox),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("version", "provider_id"), [("v4", "email"), ("v5", "email"), ("v5", "nodemailer")]
)
def test_official_client_sign_in(
    live_server: Any, mailoutbox: Any, version: str, provider_id: str
) -> None:
    cache.clear()
    origin = live_server.url
    nextauth = {
        "SECRET": SECRET,
        "VERSION": version,
        "PROVIDERS": [{"type": "email", "id": provider_id}],
    }
    with override_settings(NEXTAUTH=nextauth, ROOT_URLCONF=__name__):
        out = run_node(
            "email_peer.mjs",
            {
                "op": "signIn",
                "version": version,
                "authUrl": f"{origin}/api/auth",
                "providerId": provider_id,
                "email": "Eve@Example.com",
                "callbackUrl": f"{origin}/after",
                "mailboxUrl": f"{origin}/test-mailbox",
                "secret": SECRET,
            },
        )
    verify = f"{origin}/api/auth/verify-request?provider={provider_id}&type=email"
    assert out["providers"][provider_id]["type"] == "email"
    result = out["signIn"]
    assert (result["ok"], result["status"], result["url"]) == (True, 200, verify)
    assert result.get("error") is None
    assert out["mailbox"]["to"] == [["eve@example.com"]]
    assert out["followed"] == {"page": 200, "status": 302, "location": f"{origin}/after"}
    assert out["session"]["user"]["email"] == "eve@example.com"
    assert out["token"]["email"] == "eve@example.com" and out["token"]["sub"]
    family = dialect(version).cookie("session_token", secure=False)
    assert family in out["cookies"]
    assert out["reused"] == {
        "page": 200,
        "status": 302,
        "location": f"{origin}/api/auth/error?error=Verification",
    }
