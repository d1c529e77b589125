"""A plain OAuth 2.0 authorization server, as most non-OIDC providers are: no discovery, no
id_token, no RFC 9207 ``iss`` on the callback.

``GET /authorize`` redirects straight back with ``code`` (and ``state`` when sent);
``POST /token`` (client_secret_basic or _post; each code once, for the same ``redirect_uri``;
PKCE S256 verified when a challenge was sent) answers JSON with a bearer access token,
``expires_in``, ``refresh_token`` and ``scope``; ``GET /user`` (``Authorization: Bearer``)
answers the user.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .serving import JsonHandler, pkce_ok, serve

CLIENT_ID, CLIENT_SECRET = "acme-client", "acme secret/+"  # needs form-encoding in Basic


@dataclass
class AcmeState:
    base: str = ""
    user: dict[str, Any] = field(
        default_factory=lambda: {
            "id": 4242,
            "login": "wile",
            "email": "Wile.E@Acme.example",
            "avatar": "https://acme.example/wile.png",
        }
    )
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    #: (method, path, query or form, headers) of every request.
    requests: list[tuple[str, str, dict[str, str], dict[str, str]]] = field(default_factory=list)


def _handler(state: AcmeState) -> type[JsonHandler]:
    class Handler(JsonHandler):
        def do_GET(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            query = dict(parse_qsl(url.query))
            state.requests.append(("GET", url.path, query, dict(self.headers)))
            if url.path == "/authorize":
                code = secrets.token_urlsafe(12)
                state.codes[code] = query
                back = {"code": code, **({"state": query["state"]} if "state" in query else {})}
                self.redirect(query["redirect_uri"], back)
            elif url.path == "/user" and self.bearer() in state.tokens:
                self.send_json(200, state.user)
            else:
                self.send_json(401, {"error": "invalid_token"})

        def do_POST(self) -> None:  # noqa: N802
            form = self.read_form()
            state.requests.append(("POST", self.path, form, dict(self.headers)))
            sent = state.codes.pop(form.get("code", ""), None)
            if self.path != "/token":
                self.send_json(404, {"error": "not_found"})
            elif self.client_credentials(form) != (CLIENT_ID, CLIENT_SECRET):
                self.send_json(401, {"error": "invalid_client"})
            elif (
                sent is None
                or form.get("grant_type") != "authorization_code"
                or sent.get("redirect_uri") != form.get("redirect_uri")
                or not pkce_ok(sent, form.get("code_verifier"))
            ):
                self.send_json(400, {"error": "invalid_grant"})
            else:
                token = "acme_" + secrets.token_hex(16)
                state.tokens.add(token)
                self.send_json(
                    200,
                    {
                        "access_token": token,
                        "token_type": "bearer",
                        "expires_in": 3600,
                        "refresh_token": "acme_r_" + secrets.token_hex(8),
                        "scope": sent.get("scope", ""),
                    },
                )

    return Handler


@contextmanager
def start_acme() -> Iterator[AcmeState]:
    state = AcmeState()

    def make(base: str) -> type[JsonHandler]:
        state.base = base
        return _handler(state)

    with serve(make):
        yield state
