"""Start the real OpenID provider (``server.mjs``) and drive its login like a browser.

``start_idp(redirect_uris)`` runs ``node tests/interop/idp/server.mjs <port> <uris>`` on
a free 127.0.0.1 port (``npm ci`` first when node_modules is missing, see
``tests/interop/nodejs.py``) and returns when it prints its issuer.
``authorize(url)`` follows the IdP's redirects and submits its login form as the
given user, then returns the query of the redirect back to our callback URL (or, for
``response_mode=form_post``, the fields of the form the IdP posts back).
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx

from tests.interop import nodejs

HERE = nodejs.HERE / "idp"
#: Clients registered in server.mjs: (client_id, client_secret, client_auth).
CLIENTS = {
    "basic": ("test-client", "test-secret", "client_secret_basic"),
    "post": ("post-client", "post-secret", "client_secret_post"),
    "public": ("public-client", "", "none"),
}


@dataclass
class IdP:
    issuer: str
    process: subprocess.Popen[str]

    def authorize(self, url: str, *, login: str = "alice") -> dict[str, str]:
        """Open ``url`` in a fresh "browser", sign in as ``login``; the callback's query."""
        with httpx.Client(follow_redirects=False, timeout=10) as browser:
            response = browser.get(url)
            for _ in range(10):
                if response.status_code == 200 and "<form" in response.text:
                    action = urljoin(str(response.url), _form_action(response.text))
                    if not action.startswith(self.issuer):  # response_mode=form_post
                        return _hidden_inputs(response.text)
                    response = browser.post(action, data={"login": login})
                    continue
                location = response.headers.get("location")
                assert response.status_code in (302, 303), response.text[:300]
                assert location is not None
                target = urljoin(str(response.url), location)
                if not target.startswith(self.issuer):
                    return dict(parse_qsl(urlsplit(target).query, keep_blank_values=True))
                response = browser.get(target)
        raise AssertionError("the IdP never redirected back")


def _form_action(html: str) -> str:
    start = html.index('action="') + len('action="')
    return html[start : html.index('"', start)]


def _hidden_inputs(html: str) -> dict[str, str]:
    """The fields of oidc-provider's form_post page (``<input type="hidden" name= value=>``)."""
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    return {name: unescape(value) for name, value in fields}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def start_idp(redirect_uris: Sequence[str]) -> Iterator[IdP]:
    """Run the IdP for the duration of the ``with`` block."""
    nodejs._install()
    if not (nodejs.HERE / "node_modules" / "oidc-provider").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=nodejs.HERE, check=True)
    port = free_port()
    process = subprocess.Popen(
        ["node", str(HERE / "server.mjs"), str(port), *redirect_uris],
        cwd=nodejs.HERE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise RuntimeError("the oidc-provider server did not start")
        yield IdP(json.loads(line)["issuer"], process)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
