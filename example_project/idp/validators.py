"""The Demo IdP's claims: who the signed-in Django user is, in OpenID Connect terms.

django-oauth-toolkit calls :meth:`DemoIdPValidator.get_additional_claims` for the id_token and
for ``/idp/o/userinfo/``, and keeps each claim only when its scope (``oidc_claim_scope``) was
granted: ``profile`` gives ``name``, ``preferred_username``, ``picture`` and ``groups``;
``email`` gives ``email`` and ``email_verified``. ``sub`` (``openid``) is the user's primary key.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from oauth2_provider.oauth2_validators import OAuth2Validator


class DemoIdPValidator(OAuth2Validator):
    # "groups" is not a standard claim: the example's jwt callback maps it to its roles.
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "groups": "profile"}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        profile = getattr(user, "profile", None)  # demo.models.Profile, absent for other users
        username = user.get_username()
        picture = settings.SITE_URL + reverse("idp:avatar", kwargs={"username": username})
        return {
            "name": (profile.display_name if profile else "") or username,
            "preferred_username": username,
            "picture": picture,
            "groups": ["staff"] if user.is_staff else [],
            "email": user.email,
            "email_verified": bool(profile and profile.is_verified),
        }
