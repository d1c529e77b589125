"""``django_nextauth.db``: NextAuth's accounts, sessions and verification tokens in Django's
database (an optional app: JWT-only sites leave it out and get no tables).

Add ``"django_nextauth.db"`` to ``INSTALLED_APPS`` and migrate; then
:func:`django_nextauth.adapters.get_adapter` gives the ORM adapter
(:class:`django_nextauth.db.adapter.DjangoAdapter`), OAuth sign-ins link accounts to
Django users, and ``NEXTAUTH["SESSION"]["STRATEGY"] = "database"`` keeps sessions in
:class:`~django_nextauth.db.models.Session` rows. See ``docs/sessions.md``.
"""
