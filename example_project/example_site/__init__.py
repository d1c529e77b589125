"""Project package of the django-nextauth example site (settings, URLs, WSGI)."""
