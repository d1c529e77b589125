"""Views the tests exercise, grouped by the feature they serve."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import engines
from django.views import View

from django_nextauth import aget_server_session, get_server_session, get_token
from django_nextauth.decorators import LoginRequiredSessionMixin, login_required_session
from django_nextauth.session import aget_session_user, get_session_user, issue_session

# --- Request path: NextAuthMiddleware attributes, get_token, get_server_session ---------------


def _describe(user: Any) -> dict[str, Any]:
    return {
        "authenticated": user.is_authenticated,
        "pk": user.pk,
        "name": user.get("name"),
        "email": user.get("email"),
        "image": user.get("image"),
    }


def whoami(request: HttpRequest) -> JsonResponse:
    """Reads request.session_user (sync)."""
    return JsonResponse(_describe(request.session_user))  # type: ignore[attr-defined]


async def awhoami(request: HttpRequest) -> JsonResponse:
    """Reads the session user the async way."""
    return JsonResponse(_describe(await request.asession_user()))  # type: ignore[attr-defined]


async def awhoami_lazy(request: HttpRequest) -> JsonResponse:
    """Reads the lazy request.session_user from an async view."""
    return JsonResponse(_describe(request.session_user))  # type: ignore[attr-defined]


def token(request: HttpRequest) -> JsonResponse:
    """Reads request.session_token, and get_token(raw=True) agrees with it."""
    claims = request.session_token  # type: ignore[attr-defined]
    return JsonResponse(
        {
            "present": bool(claims),
            "sub": claims["sub"] if claims else None,
            "raw": bool(get_token(request, raw=True)),
        }
    )


def session(request: HttpRequest) -> JsonResponse:
    """Reads request.nextauth_session and get_server_session(request)."""
    lazy = request.nextauth_session  # type: ignore[attr-defined]
    direct = get_server_session(request)
    return JsonResponse({"session": direct, "same": (lazy or None) == direct}, safe=False)


async def asession(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"session": await aget_server_session(request)})


def untouched(request: HttpRequest) -> HttpResponse:
    """Never reads the session."""
    return HttpResponse("ok")


async def auntouched(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def django_user(request: HttpRequest) -> JsonResponse:
    """Reads request.user (with NEXTAUTH["SET_REQUEST_USER"])."""
    user = request.user
    return JsonResponse({"authenticated": user.is_authenticated, "username": user.get_username()})


async def adjango_user(request: HttpRequest) -> JsonResponse:
    user = await request.auser()
    return JsonResponse({"authenticated": user.is_authenticated, "username": user.get_username()})


def sign_in_as(request: HttpRequest) -> HttpResponse:
    """Reads the (possibly bad) session, then writes a new one, as a sign-in view does."""
    request.session_user.is_authenticated  # type: ignore[attr-defined]  # noqa: B018
    response = HttpResponse("signed in")
    issue_session(response, request, {"name": "New", "sub": "99"})
    return response


# --- Decorators: login_required_session, LoginRequiredSessionMixin; templates ---------------


def _is_admin(request: HttpRequest, user: Any) -> bool:
    return bool(user.get("email") == "admin@x.io")


async def _ais_admin(request: HttpRequest, user: Any) -> bool:
    return _is_admin(request, user)


def _is_staff(request: HttpRequest, user: Any) -> bool:
    """Queries the database: in an async view it must run off the event loop."""
    return get_user_model().objects.filter(email=user.get("email"), is_staff=True).exists()


def _email(user: Any) -> JsonResponse:
    return JsonResponse({"email": user.get("email")})


@login_required_session
def protected(request: HttpRequest) -> JsonResponse:
    """The decorator used bare on a sync view."""
    return _email(get_session_user(request))


@login_required_session
async def aprotected(request: HttpRequest) -> JsonResponse:
    """The decorator used bare on an async view."""
    return _email(await aget_session_user(request))


@login_required_session()
def protected_called(request: HttpRequest) -> JsonResponse:
    return _email(get_session_user(request))


@login_required_session(authorized=_is_admin)
def admin_only(request: HttpRequest) -> JsonResponse:
    return _email(get_session_user(request))


@login_required_session(authorized=_ais_admin)
def admin_only_async_check(request: HttpRequest) -> JsonResponse:
    return _email(get_session_user(request))


@login_required_session(authorized=_ais_admin)
async def aadmin_only(request: HttpRequest) -> JsonResponse:
    return _email(await aget_session_user(request))


@login_required_session(authorized=_is_staff)
async def astaff_only(request: HttpRequest) -> JsonResponse:
    return _email(await aget_session_user(request))


@login_required_session(login_url="/custom-login/?lang=en", redirect_field_name="next")
def custom_login(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


class ProtectedView(LoginRequiredSessionMixin, View):
    def get(self, request: HttpRequest) -> JsonResponse:
        return _email(get_session_user(request))


class AsyncProtectedView(LoginRequiredSessionMixin, View):
    async def get(self, request: HttpRequest) -> JsonResponse:
        return _email(await aget_session_user(request))


class AdminView(LoginRequiredSessionMixin, View):
    authorized = _is_admin
    login_url = "/custom-login/"
    redirect_field_name = "next"

    def get(self, request: HttpRequest) -> JsonResponse:
        return _email(get_session_user(request))


class AsyncAdminView(LoginRequiredSessionMixin, View):
    authorized = staticmethod(_ais_admin)

    async def get(self, request: HttpRequest) -> JsonResponse:
        return _email(await aget_session_user(request))


class AsyncStaffView(LoginRequiredSessionMixin, View):
    def get_authorized(self) -> Any:
        return _is_staff

    async def get(self, request: HttpRequest) -> JsonResponse:
        return _email(await aget_session_user(request))


_PAGE = (
    "{% load nextauth %}"
    "{% ifsignedin %}Hello {{ session_user.name }} <{{ nextauth_session.user.email }}>"
    ' <a href="{% signout_url %}">out</a>'
    '{% else %}<a href="{% signin_url %}">in</a>{% endifsignedin %}'
)


def nextauth_page(request: HttpRequest) -> HttpResponse:
    """Renders the context processor's values and the template tags."""
    return HttpResponse(engines["django"].from_string(_PAGE).render({}, request))


@login_required_session
def protected_page(request: HttpRequest) -> HttpResponse:
    """A page for signed-in users only, with a sign-out link."""
    return nextauth_page(request)
