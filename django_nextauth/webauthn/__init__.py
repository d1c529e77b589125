"""Passkeys: Auth.js's WebAuthn protocol pieces, on Duo's ``webauthn`` (py_webauthn).

``challenge.py`` seals the one-time challenge into ``authjs.challenge`` as @auth/core
does; ``ceremony.py`` makes the options the browser passes to
``navigator.credentials`` and verifies what it sends back; ``options.py`` answers
``GET /webauthn-options/<id>``; ``callback.py`` finishes ``POST /callback/<id>``;
``limits.py`` counts failed attempts. The provider itself is
``django_nextauth/providers/webauthn.py``; ``checks.py`` holds its system checks.
Only ``ceremony.py`` imports py_webauthn (the ``passkeys`` extra); the URLconf and the
views import nothing that needs it.
"""

from __future__ import annotations
