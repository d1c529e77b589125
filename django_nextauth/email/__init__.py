"""E-mail sign-in (magic links): the pure helpers behind the e-mail provider.

- ``identifiers.py``: NextAuth's default address normalisation, per version;
- ``verification.py``: making, hashing and reading verification tokens and their links;
- ``mail.py``: the default ``send_verification_request`` (Django templates, the ``mailer``);
- ``limits.py``: links sent per address and per client IP.

The requests themselves are handled by the provider: ``providers/email.py``
(:class:`~django_nextauth.providers.email.EmailProvider`), ``providers/email_link.py``
(``POST /signin/<id>``, ``POST /callback/<id>``) and ``providers/email_confirm.py`` (the
confirmation page, ``GET /callback/<id>``). Nothing here imports the flow, the session or a
provider.
"""

from __future__ import annotations

from .identifiers import InvalidIdentifier, normalize_identifier
from .mail import send_verification_request
from .verification import generate_token, hash_verification_token

__all__ = [
    "InvalidIdentifier",
    "generate_token",
    "hash_verification_token",
    "normalize_identifier",
    "send_verification_request",
]
