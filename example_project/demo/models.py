from __future__ import annotations

from django.conf import settings
from django.db import models


class Profile(models.Model):
    """What the demo keeps about a user beyond Django's User: the classic NextAuth fields."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=60, blank=True)
    is_verified = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.display_name or str(self.user)
