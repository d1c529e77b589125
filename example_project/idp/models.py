"""No models of its own: the IdP's tables are django-oauth-toolkit's (``oauth2_provider``).

This module exists so that Django sends this app ``post_migrate``, which seeds the demo client
(``idp/seed.py``).
"""
