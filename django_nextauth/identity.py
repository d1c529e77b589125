"""Who a person is: the rules every sign-in path applies to a stored user.

Two rules, decided in Python and nowhere else:

- **Addresses.** Two e-mail addresses name the same person only when their
  :func:`email_key` values are equal: Unicode NFKC, JavaScript's ``trim()``, lower case
  (the normalisation NextAuth applies to a submitted address, so a submitted address
  and its key are the same string). A database's case or accent folding never decides
  it: on PostgreSQL ``upper('ı') = 'I'`` and MariaDB's ``utf8mb4_general_ci`` folds
  ``ä`` to ``a``, so a query may only *narrow* the candidates, as Django's password
  reset does since CVE-2019-19844. :func:`user_with_email` re-checks whatever an
  adapter answers.
- **Active users.** A user whose ``is_active`` is ``False`` never signs in, whichever
  provider vouches for them (:func:`is_active`, as Django's ``ModelBackend``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .adapters import Adapter

__all__ = ["email_key", "is_active", "js_trim", "stored_email", "user_with_email"]

# ECMAScript WhiteSpace and LineTerminator: what String.prototype.trim() strips
# (Python's str.strip() differs: it strips U+001C-U+001F and keeps U+FEFF).
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_LEADING = re.compile(f"\\A[{_JS_SPACE}]+")
_TRAILING = re.compile(f"[{_JS_SPACE}]+\\Z")


def js_trim(text: str) -> str:
    """``text.trim()`` as JavaScript does it."""
    return _TRAILING.sub("", _LEADING.sub("", text))


def email_key(address: str) -> str:
    """The one form in which two addresses are compared: NFKC, trimmed, lower case."""
    return js_trim(unicodedata.normalize("NFKC", address)).lower()


def stored_email(user: Any) -> str | None:
    """The e-mail address stored for ``user`` (a Django user, or NextAuth's user dict)."""
    if isinstance(user, Mapping):
        value = user.get("email")
    else:
        field = user.get_email_field_name() if hasattr(user, "get_email_field_name") else "email"
        value = getattr(user, field, None)
    return value if isinstance(value, str) and value else None


def is_active(user: Any) -> bool:
    """Whether ``user`` may sign in: anything but ``is_active=False`` (a user dict may)."""
    return getattr(user, "is_active", True) is not False


def user_with_email(adapter: Adapter, address: str) -> Any | None:
    """The stored user whose address has the same :func:`email_key` as ``address``.

    The adapter finds the user; this checks its answer in Python, so an adapter whose
    query folds more than :func:`email_key` (a collation) can never hand over a
    look-alike's account.
    """
    if not address:
        return None
    user = adapter.get_user_by_email(address)
    if user is None:
        return None
    stored = stored_email(user)
    return user if stored is not None and email_key(stored) == email_key(address) else None
