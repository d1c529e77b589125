"""NextAuth's default e-mail normalisation (``docs/protocol-providers.md`` §2.2 step 1).

Both versions: Unicode NFKC (so a look-alike of ``@`` becomes a real one and is
counted), JavaScript's ``trim()``, lower case; exactly one ``@``, no ``"``, a
non-empty local part and domain; the domain is cut at its first ``,``. v4 also
wants a ``.`` in the domain. Anything else raises :class:`InvalidIdentifier`.
"""

from __future__ import annotations

import re

from django_nextauth.dialect import Dialect
from django_nextauth.exceptions import NextAuthError
from django_nextauth.identity import email_key

__all__ = ["InvalidIdentifier", "normalize_identifier"]

_SURROGATE = re.compile("[\ud800-\udfff]")


class InvalidIdentifier(NextAuthError, ValueError):
    """The submitted e-mail address is not one NextAuth would send a link to."""


def normalize_identifier(raw: object, dialect: Dialect) -> str:
    """The address ``dialect``'s default normaliser makes of ``raw``."""
    if not isinstance(raw, str) or not raw:
        raise InvalidIdentifier("Missing email from request body.")
    address = email_key(raw)  # the identity key of identity.py, by construction
    # Lone surrogates (possible in a JSON body) can be neither mailed nor stored.
    if address.count("@") != 1 or '"' in address or _SURROGATE.search(address):
        raise InvalidIdentifier("Invalid email address format.")
    local, domain = address.split("@")
    domain = domain.split(",", 1)[0]
    if not local or not domain or (dialect.email_domain_needs_dot and "." not in domain):
        raise InvalidIdentifier("Invalid email address format.")
    return f"{local}@{domain}"
