"""The durable revocation store (``NEXTAUTH["SESSION"]["REVOCATION_STORE"] = "database"``):
the :class:`~django_nextauth.db.models.Revocation` table behind the revocation cache."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timezone

from django.db import IntegrityError, transaction
from django.utils import timezone as django_timezone

from django_nextauth.revocation import RevocationStore

from .models import Revocation

__all__ = ["DatabaseRevocationStore"]


class DatabaseRevocationStore(RevocationStore):
    """Revocation records as rows, one per cache key; expired rows are pruned on writes."""

    def lookup(self, keys: Collection[str]) -> dict[str, int]:
        rows = Revocation.objects.filter(key__in=list(keys), expires__gt=django_timezone.now())
        return dict(rows.values_list("key", "revoked_ms"))

    def record(self, key: str, revoked_ms: int, expires: float) -> None:
        until = datetime.fromtimestamp(expires, tz=timezone.utc)
        Revocation.objects.filter(expires__lte=django_timezone.now()).delete()
        # A later revocation wins; an earlier one (a concurrent writer) changes nothing.
        newer = Revocation.objects.filter(key=key, revoked_ms__lt=revoked_ms)
        if newer.update(revoked_ms=revoked_ms, expires=until):
            return
        try:
            with transaction.atomic():
                Revocation.objects.get_or_create(
                    key=key, defaults={"revoked_ms": revoked_ms, "expires": until}
                )
        except IntegrityError:  # created by a concurrent writer since: keep the later time
            newer.update(revoked_ms=revoked_ms, expires=until)
