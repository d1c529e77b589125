"""A GitHub-shaped OAuth server (no id_token) for the ``"oauth"`` path and the github preset.

Serves what GitHub documents, under a GitHub Enterprise-style base URL
(``<base>/login/oauth/...`` and the API at ``<base>/api/v3``):
``GET /login/oauth/authorize`` (redirects straight back with ``code``, ``state`` and
``iss=<base>/login/oauth``), ``POST /login/oauth/access_token`` (client_secret_basic or
_post; JSON with ``Accept: application/json``, form-encoded otherwise; each code once),
``GET /api/v3/user`` and ``GET /api/v3/user/emails`` (``Authorization: Bearer``).
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

CLIENT_ID, CLIENT_SECRET = "gh-client", "gh-secret"


@dataclass
class GitHubState:
    base: str = ""
    #: The /user body; email None makes the client fall back to /user/emails.
    user: dict[str, Any] = field(
        default_factory=lambda: {
            "login": "octocat",
            "id": 583231,
            "name": None,
            "email": None,
            "avatar_url": "https://avatars.githubusercontent.com/u/583231",
        }
    )
    emails: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {"email": "octo@other.example", "primary": False, "verified": True},
            {"email": "Octocat@GitHub.example", "primary": True, "verified": True},
        ]
    )
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)


def _handler(state: GitHubState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: Any, content_type: str = "application/json") -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            query = dict(parse_qsl(url.query))
            state.requests.append(("GET", url.path, dict(self.headers)))
            if url.path == "/login/oauth/authorize":
                code = secrets.token_hex(10)
                state.codes[code] = query
                back = {"code": code, "iss": f"{state.base}/login/oauth"}
                if "state" in query:
                    back["state"] = query["state"]
                self.send_response(302)
                self.send_header("Location", f"{query['redirect_uri']}?{urlencode(back)}")
                self.end_headers()
                return
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if token not in state.tokens:
                self._send(401, {"message": "Bad credentials"})
            elif url.path == "/api/v3/user":
                self._send(200, state.user)
            elif url.path == "/api/v3/user/emails":
                self._send(200, state.emails)
            else:
                self._send(404, {"message": "Not Found"})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length", "0"))
            form = dict(parse_qsl(self.rfile.read(length).decode()))
            state.requests.append(("POST", self.path, {**dict(self.headers), **form}))
            basic = self.headers.get("Authorization", "").removeprefix("Basic ")
            pair = base64.b64decode(basic).decode() if basic else ""
            client = pair or f"{form.get('client_id')}:{form.get('client_secret')}"
            sent = state.codes.pop(form.get("code", ""), None)
            if client != f"{CLIENT_ID}:{CLIENT_SECRET}":
                answer: dict[str, Any] = {"error": "incorrect_client_credentials"}
            elif sent is None or sent.get("redirect_uri") != form.get("redirect_uri"):
                answer = {"error": "bad_verification_code"}
            else:
                token = "gho_" + secrets.token_hex(16)
                state.tokens.add(token)
                answer = {"access_token": token, "token_type": "bearer", "scope": sent["scope"]}
            # GitHub answers 200 even for errors; form-encoded unless JSON is asked for.
            if "application/json" in self.headers.get("Accept", ""):
                self._send(200, answer)
            else:
                self._send(200, urlencode(answer).encode(), "application/x-www-form-urlencoded")

    return Handler


@contextmanager
def start_github() -> Iterator[GitHubState]:
    state = GitHubState()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
