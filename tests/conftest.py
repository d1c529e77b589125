from __future__ import annotations

import os

# Tests must never pick up a developer's real secret from the environment.
for _name in ("AUTH_SECRET", "NEXTAUTH_SECRET"):
    os.environ.pop(_name, None)
