"""Settings helpers for the Demo IdP (``example_project/idp/``): its origin and its signing key.

DEVELOPMENT ONLY, like the rest of the example project. Two things the settings need before any
app is loaded:

- :func:`site_origin`: where this Django process itself answers. The Demo IdP's issuer is that
  origin + ``/idp/o``; browsers are sent there to sign in, and the example's own OIDC provider
  (``NEXTAUTH["PROVIDERS"]``, id ``demo-idp``) calls it back-channel (discovery, token, JWKS,
  userinfo) from inside the same, threaded, ``runserver``.
- :func:`load_or_create_private_key`: the IdP's RS256 key, generated on first run into a file
  next to the SQLite database (git-ignored), then reused so id_tokens stay verifiable across
  restarts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

DEFAULT_ADDR = "127.0.0.1"
DEFAULT_PORT = "8000"
# Django's runserver address syntax: "8000", "0.0.0.0:8000", "[::1]:8000", "localhost:8000".
_ADDRPORT = re.compile(
    r"^(?:(?P<addr>\[[0-9a-fA-F:.]+\]|[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[a-zA-Z0-9.-]+):)?"
    r"(?P<port>[0-9]+)$"
)
# A server bound to every interface is reached, by this process and a local browser, on loopback.
_WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "[::]": "[::1]", "0": "127.0.0.1"}


def runserver_addrport(argv: Sequence[str]) -> str | None:
    """The ``addrport`` argument of ``manage.py runserver [options] [addrport]``, if any."""
    if "runserver" not in argv:
        return None
    args = list(argv[list(argv).index("runserver") + 1 :])
    positional = [arg for arg in args if not arg.startswith("-")]
    return positional[0] if positional else None


def site_origin(environ: dict[str, str] | os._Environ[str], argv: Sequence[str]) -> str:
    """This Django process's own origin, e.g. ``http://127.0.0.1:8000``.

    ``DEMO_SITE_URL`` wins; else the address ``runserver`` was given (the two README commands and
    the browser tests pass none or ``127.0.0.1:<port>``); else runserver's default.
    """
    explicit = environ.get("DEMO_SITE_URL", "").strip().rstrip("/")
    if explicit:
        return explicit
    addr, port = DEFAULT_ADDR, DEFAULT_PORT
    addrport = runserver_addrport(argv)
    match = _ADDRPORT.match(addrport) if addrport else None
    if match:
        addr = match["addr"] or DEFAULT_ADDR
        port = match["port"]
    addr = _WILDCARD_HOSTS.get(addr, addr)
    return f"http://{addr}:{port}"


def load_or_create_private_key(path: Path) -> str:
    """The PEM of the RSA key in ``path``, generating a new 2048-bit key there first if missing.

    Created with mode 0600 and ``O_EXCL``, so two processes starting at once (runserver's
    autoreloader) end up with one key: the loser reads the winner's.
    """
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        try:
            os.link(tmp, path)  # atomic, and fails if another process got there first
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text()
