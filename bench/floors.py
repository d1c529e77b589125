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

``LeanHitMiddleware`` and ``LeanMissMiddleware`` are the floors of NextAuthMiddleware's own
read, with NextAuth's token cache and checks: a hit and a miss that keep no state for the
response (``bench/middleware.py`` and ``bench/middleware_alone.py`` time them in process,
``bench/load.py`` the miss under gunicorn, the ``protected-lean-miss`` case).

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

from django_nextauth import jwt
from django_nextauth.jwt import check_times
from django_nextauth.lazy import LazyRequestAttribute
from django_nextauth.session.base import strategy
from django_nextauth.session.shape import default_session_user

COOKIE = "next-auth.session-token"
HEADER = base64.urlsafe_b64encode(b'{"alg":"dir","enc":"A256GCM"}').rstrip(b"=").decode()
MAX_AGE = 30 * 24 * 60 * 60


@cache  # derived once, as every implementation does
def _key() -> AESGCM:
    secret = settings.NEXTAUTH["SECRET"].encode()
    info = b"NextAuth.js Generated Encryption Key"
    return AESGCM(HKDF(SHA256(), 32, salt=b"", info=info).derive(secret))


@cache
def _secrets() -> tuple[str, ...]:
    secret: str = settings.NEXTAUTH["SECRET"]
    return (secret,)


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


def _lean_user(request: HttpRequest) -> Any:
    token = strategy().tokens.get((request.COOKIES[COOKIE], _secrets(), "", "v4"))
    assert token is not None, "the lean row times cache hits only"
    check_times(token.exp, token.nbf)
    request.__dict__["_lean_read"] = True
    return token.default_user(default_session_user)


def _lean_decode(request: HttpRequest) -> Any:
    """What a miss must do with NextAuth's checks kept: ``jwt.decrypt`` (length, alphabet,
    header allow-list, strict base64url), the claims parsed with their ``exp`` / ``nbf`` /
    ``iat`` checked, the default user built. Nothing cached."""
    plaintext = jwt.decrypt(request.COOKIES[COOKIE], secret=_secrets(), salt="", version="v4")
    claims = jwt.load_claims(plaintext)
    check_times(*jwt.claim_times(claims))
    request.__dict__["_lean_read"] = True
    return default_session_user(claims)


class LeanHitMiddleware:
    """The floor of a cache hit, not a middleware to use: the session cookie looked up by its
    one name (no chunks, no https name, no Bearer), NextAuth's token cache asked, ``exp`` /
    ``nbf`` compared with the clock, the cached default user, ``Vary: Cookie``; the same
    three lazy attributes as NextAuthMiddleware. No per-request state: nothing for a
    ``login`` / ``logout`` in the view, no deletion of a bad cookie, no sliding renewal, no
    revocation, no callbacks. The row shows what the target "warm <= 0.5x the reference"
    leaves for all of those."""

    read: Callable[[HttpRequest], Any] = staticmethod(_lean_user)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        _secrets()  # read from the settings once, at start, as the key is

    def __call__(self, request: HttpRequest) -> HttpResponse:
        read = self.read
        request.session_user = LazyRequestAttribute(read, request)  # type: ignore[attr-defined]
        request.session_token = LazyRequestAttribute(read, request)  # type: ignore[attr-defined]
        request.nextauth_session = LazyRequestAttribute(read, request)  # type: ignore[attr-defined]
        response = self.get_response(request)
        if "_lean_read" in request.__dict__:
            response.headers["Vary"] = "Cookie"
        return response


class LeanMissMiddleware(LeanHitMiddleware):
    """The floor of a miss, not a middleware to use: :class:`LeanHitMiddleware` with every
    token decoded by ``_lean_decode`` (the checks a miss must run; no cache). The row shows
    what the target "cold <= 1.25x the reference" leaves beyond the decode's own checks."""

    read = staticmethod(_lean_decode)


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
