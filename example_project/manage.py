#!/usr/bin/env python
"""The example project's command-line utility.

``python example_project/manage.py runserver`` migrates the SQLite database and creates the
demo users first (see ``demo/management/commands/runserver.py``), so a fresh clone needs no
other setup than ``pip install -e '.[drf,oauth,example]'``.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
