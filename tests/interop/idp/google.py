"""A Google-shaped OpenID provider for the google preset.

Publishes what ``https://accounts.google.com/.well-known/openid-configuration`` publishes
(the endpoints under Google's paths, ``id_token_signing_alg_values_supported: ["RS256"]``,
``code_challenge_methods_supported: ["plain", "S256"]``, no RFC 9207 ``iss`` support) and a
JWKS with one RSA key. ``GET /o/oauth2/v2/auth`` redirects straight back with ``code``,
``state`` (when sent) and Google's extra ``scope`` / ``authuser`` / ``prompt``;
``POST /token`` (client_secret_basic or _post, each code once, PKCE verified) answers an
access token and an RS256 id_token (``email``, ``name``, ``picture``, ``at_hash``,
``azp``, ``nonce`` when sent); ``GET /v1/userinfo`` answers too, so a call to it shows.
``tamper = True`` flips a bit of every id_token's signature.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from .serving import JsonHandler, pkce_ok, serve

CLIENT_ID = "1234-abc.apps.googleusercontent.example"
CLIENT_SECRET = "GOCSPX-test-secret"
KID = "google-test-key-1"


@dataclass
class GoogleState:
    base: str = ""
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    claims: dict[str, Any] = field(
        default_factory=lambda: {
            "sub": "110169484474386276334",
            "email": "ada.lovelace@gmail.example",
            "email_verified": True,
            "name": "Ada Lovelace",
            "given_name": "Ada",
            "family_name": "Lovelace",
            "picture": "https://lh3.googleusercontent.example/a/ada=s96-c",
        }
    )
    tamper: bool = False
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    #: (method, path, query or form) of every request.
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.base,
            "authorization_endpoint": f"{self.base}/o/oauth2/v2/auth",
            "device_authorization_endpoint": f"{self.base}/device/code",
            "token_endpoint": f"{self.base}/token",
            "userinfo_endpoint": f"{self.base}/v1/userinfo",
            "revocation_endpoint": f"{self.base}/revoke",
            "jwks_uri": f"{self.base}/oauth2/v3/certs",
            "response_types_supported": ["code", "token", "id_token", "code token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "claims_supported": ["aud", "email", "email_verified", "exp", "family_name"],
            "code_challenge_methods_supported": ["plain", "S256"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": KID, "alg": "RS256", "use": "sig"}]}

    def id_token(self, sent: dict[str, str], access_token: str) -> str:
        now = int(time.time())
        digest = hashlib.sha256(access_token.encode()).digest()[:16]
        claims = {
            "iss": self.base,
            "azp": CLIENT_ID,
            "aud": CLIENT_ID,
            "at_hash": base64.urlsafe_b64encode(digest).rstrip(b"=").decode(),
            "iat": now,
            "exp": now + 3599,
            **self.claims,
            **({"nonce": sent["nonce"]} if "nonce" in sent else {}),
        }
        token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KID})
        if not self.tamper:
            return token
        head, payload, signature = token.split(".")
        raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
        raw[len(raw) // 2] ^= 1
        return f"{head}.{payload}.{base64.urlsafe_b64encode(raw).rstrip(b'=').decode()}"


def _handler(state: GoogleState) -> type[JsonHandler]:
    class Handler(JsonHandler):
        def do_GET(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            query = dict(parse_qsl(url.query))
            state.requests.append(("GET", url.path, query))
            if url.path == "/.well-known/openid-configuration":
                self.send_json(200, state.discovery())
            elif url.path == "/oauth2/v3/certs":
                self.send_json(200, state.jwks())
            elif url.path == "/o/oauth2/v2/auth":
                code = "4/0A" + secrets.token_urlsafe(20)
                state.codes[code] = query
                back = {"state": query["state"]} if "state" in query else {}
                extra = {"scope": query.get("scope", ""), "authuser": "0", "prompt": "none"}
                self.redirect(query["redirect_uri"], {**back, "code": code, **extra})
            elif url.path == "/v1/userinfo" and self.bearer() in state.tokens:
                self.send_json(200, {**state.claims, "name": "From Userinfo"})
            else:
                self.send_json(401, {"error": "invalid_request"})

        def do_POST(self) -> None:  # noqa: N802
            form = self.read_form()
            state.requests.append(("POST", self.path, form))
            sent = state.codes.pop(form.get("code", ""), None)
            if self.path != "/token":
                self.send_json(404, {"error": "not_found"})
            elif self.client_credentials(form) != (CLIENT_ID, CLIENT_SECRET):
                self.send_json(401, {"error": "invalid_client"})
            elif (
                sent is None
                or sent.get("redirect_uri") != form.get("redirect_uri")
                or not pkce_ok(sent, form.get("code_verifier"))
            ):
                self.send_json(400, {"error": "invalid_grant"})
            else:
                token = "ya29." + secrets.token_urlsafe(24)
                state.tokens.add(token)
                body = {
                    "access_token": token,
                    "expires_in": 3599,
                    "scope": sent.get("scope", ""),
                    "token_type": "Bearer",
                    "id_token": state.id_token(sent, token),
                }
                self.send_json(200, body)

    return Handler


@contextmanager
def start_google() -> Iterator[GoogleState]:
    state = GoogleState()

    def make(base: str) -> type[JsonHandler]:
        state.base = base
        return _handler(state)

    with serve(make):
        yield state
