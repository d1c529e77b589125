"""Plumbing shared by the Python test authorization servers (``acme.py``, ``google.py``).

``serve(make_handler)`` runs a :class:`ThreadingHTTPServer` on a free 127.0.0.1 port for the
``with`` block and yields its base URL; :class:`JsonHandler` answers JSON, reads forms and
client credentials (``client_secret_basic`` or ``client_secret_post``), and checks PKCE S256.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode


class JsonHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def send_json(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def redirect(self, url: str, query: dict[str, str]) -> None:
        self.send_response(302)
        self.send_header("Location", f"{url}?{urlencode(query)}")
        self.end_headers()

    def read_form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length", "0"))
        return dict(parse_qsl(self.rfile.read(length).decode()))

    def client_credentials(self, form: dict[str, str]) -> tuple[str, str]:
        """``(client_id, client_secret)`` from Basic auth (form-decoded, RFC 6749 §2.3.1)
        or the body."""
        basic = self.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            user, _, password = base64.b64decode(basic[6:]).decode().partition(":")
            return unquote_plus(user), unquote_plus(password)
        return form.get("client_id", ""), form.get("client_secret", "")

    def bearer(self) -> str:
        return self.headers.get("Authorization", "").removeprefix("Bearer ")


def pkce_ok(sent: dict[str, str], verifier: str | None) -> bool:
    """RFC 7636: no challenge sent -> no verifier allowed; else S256 must match."""
    challenge = sent.get("code_challenge")
    if challenge is None:
        return verifier is None
    if sent.get("code_challenge_method") != "S256" or verifier is None:
        return False
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge


@contextmanager
def serve(make_handler: Callable[[str], type[BaseHTTPRequestHandler]]) -> Iterator[str]:
    """Serve ``make_handler(base_url)`` for the ``with`` block; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    # The handler needs the URL the bind chose, so it is set after binding.
    server.RequestHandlerClass = make_handler(base)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
