"""The demo users, created after `migrate` (their credentials are in the README)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from .models import Profile

#: username, password, e-mail, display name, staff, verified
DEMO_USERS = [
    ("alice", "wonderland", "alice@example.com", "Alice", False, True),
    ("bob", "builder", "bob@example.com", "Bob (staff)", True, True),
    ("carol", "christmas", "carol@example.com", "", False, False),
]


def create_demo_users(**kwargs: Any) -> None:
    """Create any missing demo user; existing users (and changed names) are left alone."""
    user_model = get_user_model()
    for username, password, email, display_name, is_staff, is_verified in DEMO_USERS:
        if user_model.objects.filter(username=username).exists():
            continue
        user = user_model.objects.create_user(
            username=username, email=email, password=password, is_staff=is_staff
        )
        Profile.objects.create(user=user, display_name=display_name, is_verified=is_verified)
        if kwargs.get("verbosity", 1) >= 1:
            print(f"Created demo user {username!r} (password {password!r}).")
