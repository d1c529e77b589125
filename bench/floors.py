"""The floors the benches compare NextAuthMiddleware with: middlewares that are not for use.

``ReferenceMiddleware`` is the least a JWE-cookie middleware can do: the v4 session cookie
from ``request.COOKIES``, one base64 + AES-GCM + ``json.loads`` with a key derived once, a
plain user object. No chunks, no checks of the claims, no lazy attributes, no ``Vary``.
``bench/middleware.py`` times it in process, ``bench/load.py`` under gunicorn (the
``protected-reference`` case): the issue's "reference".

``reference_session`` is the least a ``GET /api/auth/session`` with NextAuth's sliding
re-issue can do: that decode, the session JSON, the claims re-encrypted with a fresh
``iat`` / ``exp`` / ``jti`` into one ``Set-Cookie``, ``no-store``. No CSRF or callback-url
cookie, no checks, no callbacks, no chunks (``bench/load.py``'s ``session-reference``).

Imported after Django's settings are configured; the key comes from ``NEXTAUTH["SECRET"]``.
"""

from __future__ import annotations

import base64
import json
import os
import time
import uuid
from collections.abc import Callable
from functools import cache
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE = "next-auth.session-token"
HEADER = base64.urlsafe_b64encode(b'{"alg":"dir","enc":"A256GCM"}').rstrip(b"=").decode()
MAX_AGE = 30 * 24 * 60 * 60


@cache  # derived once, as every implementation does
def _key() -> AESGCM:
    secret = settings.NEXTAUTH["SECRET"].encode()
    info = b"NextAuth.js Generated Encryption Key"
    return AESGCM(HKDF(SHA256(), 32, salt=b"", info=info).derive(secret))


def _claims(key: AESGCM, raw: str) -> dict[str, Any]:
    header, _, iv, ciphertext, tag = raw.split(".")
    iv_b, ct_b, tag_b = (base64.urlsafe_b64decode(s + "==") for s in (iv, ciphertext, tag))
    claims: dict[str, Any] = json.loads(key.decrypt(iv_b, ct_b + tag_b, header.encode()))
    return claims


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class ReferenceUser:
    """A plain user object: what the reference middleware builds."""

    is_authenticated = True

    def __init__(self, claims: dict[str, Any]) -> None:
        self.claims = claims


class ReferenceMiddleware:
    """Parse, one decrypt, ``json.loads``, a user: ``request.reference_user``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.key = _key()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.COOKIES.get(COOKIE)
        user = None
        if raw:
            user = ReferenceUser(_claims(self.key, raw))
        request.reference_user = user  # type: ignore[attr-defined]
        return self.get_response(request)


def reference_session(request: HttpRequest) -> HttpResponse:
    """``GET /api/auth/session`` at its least: the session, the cookie re-issued."""
    key = _key()
    raw = request.COOKIES.get(COOKIE)
    if not raw:
        return HttpResponse("{}", content_type="application/json")
    claims = _claims(key, raw)
    now = int(time.time())
    claims.update(iat=now, exp=now + MAX_AGE, jti=str(uuid.uuid4()))
    user = {
        "name": claims.get("name"),
        "email": claims.get("email"),
        "image": claims.get("picture"),
    }
    expires = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(now + MAX_AGE))
    body = json.dumps({"user": user, "expires": expires}, separators=(",", ":"))
    nonce = os.urandom(12)
    sealed = key.encrypt(nonce, json.dumps(claims, separators=(",", ":")).encode(), HEADER.encode())
    token = f"{HEADER}..{_b64(nonce)}.{_b64(sealed[:-16])}.{_b64(sealed[-16:])}"
    response = HttpResponse(body, content_type="application/json")
    response.set_cookie(COOKIE, token, max_age=MAX_AGE, path="/", httponly=True, samesite="Lax")
    response["Cache-Control"] = "private, no-cache, no-store"
    response["Vary"] = "Cookie"
    return response
