"""The Demo IdP's claims: who the signed-in Django user is, in OpenID Connect terms.

django-oauth-toolkit puts these in the id_token and in ``/idp/o/userinfo/``, each only when its
scope (``oidc_claim_scope``) was granted: ``profile`` gives ``name``, ``preferred_username``,
``picture`` and ``groups``; ``email`` gives ``email`` and ``email_verified``. ``sub``
(``openid``) is the user's primary key. Given as functions of the request (the form without a
``request`` argument), so discovery's ``claims_supported`` lists them too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.urls import reverse
from oauth2_provider.oauth2_validators import OAuth2Validator


def _profile(request: Any) -> Any:
    """demo.models.Profile of the user, or None (users made outside the demo have none)."""
    return getattr(request.user, "profile", None)


def _name(request: Any) -> str:
    profile = _profile(request)
    return (profile.display_name if profile else "") or request.user.get_username()


def _picture(request: Any) -> str:
    return settings.SITE_URL + reverse(
        "idp:avatar", kwargs={"username": request.user.get_username()}
    )


class DemoIdPValidator(OAuth2Validator):
    # "groups" is not a standard claim: the example's jwt callback maps it to its roles.
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "groups": "profile"}

    def get_additional_claims(self) -> dict[str, Callable[[Any], Any]]:
        return {
            "name": _name,
            "preferred_username": lambda request: request.user.get_username(),
            "picture": _picture,
            "groups": lambda request: ["staff"] if request.user.is_staff else [],
            "email": lambda request: request.user.email,
            "email_verified": lambda request: bool(getattr(_profile(request), "is_verified", 0)),
        }
