"""The sign-in flow: what every auth route and provider shares, below the providers.

- ``context.py``: NextAuth's ``init``, the request context (:class:`~.context.AuthRequest`:
  body, CSRF, origin, callback URL) and the redirects it answers with;
- ``responses.py``: the answers that do not depend on the request's state (JSON, pages, 400,
  415, 500, 503);
- ``complete.py``: :func:`~.complete.complete_sign_in`, NextAuth's callback handler that every
  provider ends in;
- ``accounts.py``: NextAuth's account-linking rules, through the adapter.

Providers (above) call into this layer; it never imports a provider or a view.
"""
