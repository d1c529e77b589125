"""E-mail sign-in (magic links): the pieces behind ``providers/email.py``.

- ``identifiers.py``: NextAuth's default address normalisation, per version;
- ``tokens.py``: making, hashing and linking verification tokens;
- ``mail.py``: the default ``send_verification_request`` (Django templates, the ``mailer``);
- ``limits.py``: links sent per address and per client IP;
- ``flow.py``: ``POST /signin/<id>`` and ``GET /callback/<id>``.
"""

from __future__ import annotations

from .identifiers import InvalidIdentifier, normalize_identifier
from .mail import send_verification_request
from .tokens import generate_token, hash_token

__all__ = [
    "InvalidIdentifier",
    "generate_token",
    "hash_token",
    "normalize_identifier",
    "send_verification_request",
]
