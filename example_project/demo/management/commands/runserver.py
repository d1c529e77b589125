"""``runserver`` that first migrates the SQLite database (which creates the demo users).

The demo then starts on a fresh clone with one command and no setup. Everything else is
Django's own ``runserver``.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.commands.runserver import Command as RunserverCommand

from demo.seed import DEMO_USERS


class Command(RunserverCommand):
    help = "Migrate the demo database, create the demo users, then run the development server."

    def inner_run(self, *args: Any, **options: Any) -> None:
        # inner_run is the server process (the autoreloader's child), so this runs once per start.
        call_command("migrate", interactive=False, verbosity=0)
        users = ", ".join(f"{name} / {password}" for name, password, *_ in DEMO_USERS)
        self.stdout.write(f"django-nextauth demo users (username / password): {users}")
        super().inner_run(*args, **options)
