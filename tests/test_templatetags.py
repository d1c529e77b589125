from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.template import Context, Engine, RequestContext, TemplateSyntaxError, engines
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, override_settings

from django_nextauth.email.mail import has_mailers
from django_nextauth.templatetags import nextauth
from django_nextauth.test import login
from django_nextauth.users import ANONYMOUS, SessionUser
from django_nextauth.views.pages import lifetime_text

SECRET = django_settings.NEXTAUTH_TEST_SECRET
COOKIE = "next-auth.session-token"
ALICE = {"name": "Alice <&>", "email": "alice@x.io", "sub": "7"}


def request(claims: dict[str, Any] | None = None, path: str = "/page/?a=1&b=2") -> Any:
    factory = RequestFactory()
    if claims is not None:
        login(factory, claims)
    return factory.get(path)


def render(template: str, req: Any = None, **context: Any) -> str:
    engine = engines["django"]
    return engine.from_string("{% load nextauth %}" + template).render(context, req)


# --- {% session_user %} ----------------------------------------------------------------------


def test_session_user_as_variable() -> None:
    html = render("{% session_user as user %}{{ user.name }}|{{ user.pk }}", request(ALICE))
    assert html == "Alice &lt;&amp;&gt;|7"


def test_session_user_signed_out_renders_empty_fields() -> None:
    html = render(
        "{% session_user as user %}[{{ user.name }}]{{ user.is_authenticated }}", request()
    )
    assert html == "[]False"


def test_session_user_prefers_the_context_value() -> None:
    # The context processor's (or a view's) session_user wins over reading the request again.
    user = SessionUser({"name": "Bob"})
    assert render("{% session_user as u %}{{ u.name }}", request(ALICE), session_user=user) == "Bob"


def test_session_user_without_a_request_is_anonymous() -> None:
    tpl = engines["django"].engine.from_string(
        "{% load nextauth %}{% session_user as u %}{{ u.is_authenticated }}"
    )
    assert tpl.render(Context({})) == "False"
    assert nextauth.context_session_user(Context({})) is ANONYMOUS


# --- {% signin_url %} / {% signout_url %} ----------------------------------------------------


def test_signin_url_defaults_to_the_current_page() -> None:
    html = render('<a href="{% signin_url %}">', request())
    assert html == '<a href="/api/auth/signin?callbackUrl=%2Fpage%2F%3Fa%3D1%26b%3D2">'


def test_signin_url_with_callback_and_as_variable() -> None:
    html = render('{% signin_url "/next/" as url %}<a href="{{ url }}">{{ url }}</a>', request())
    url = "/api/auth/signin?callbackUrl=%2Fnext%2F"
    assert html == f'<a href="{url}">{url}</a>'


def test_signin_url_from_a_variable() -> None:
    html = render("{% signin_url target %}", request(), target="/x?y=1")
    assert html == "/api/auth/signin?callbackUrl=%2Fx%3Fy%3D1"


@override_settings(NEXTAUTH={"SECRET": SECRET, "PAGES": {"SIGN_IN": '/in"<x>?a=1&b=2'}})
def test_urls_are_html_escaped() -> None:
    # A custom page with markup characters cannot break out of the attribute.
    html = render('<a href="{% signin_url "/" %}">', request())
    assert html == '<a href="/in&quot;&lt;x&gt;?a=1&amp;b=2&amp;callbackUrl=%2F">'
    escaped_once = render('{% signin_url "/" as u %}{{ u }}', request())
    assert escaped_once == "/in&quot;&lt;x&gt;?a=1&amp;b=2&amp;callbackUrl=%2F"


def test_signin_url_without_a_request() -> None:
    tpl = engines["django"].engine.from_string("{% load nextauth %}{% signin_url %}")
    assert tpl.render(Context({})) == "/api/auth/signin"


def test_signout_url() -> None:
    assert render("{% signout_url %}", request()) == (
        "/api/auth/signout?callbackUrl=%2Fpage%2F%3Fa%3D1%26b%3D2"
    )
    assert render('{% signout_url "/" as out %}{{ out }}', request()) == (
        "/api/auth/signout?callbackUrl=%2F"
    )


# --- {% ifsignedin %} ------------------------------------------------------------------------

IF_ELSE = "{% ifsignedin %}in {% session_user as u %}{{ u.email }}{% else %}out{% endifsignedin %}"


def test_ifsignedin_signed_in() -> None:
    assert render(IF_ELSE, request(ALICE)) == "in alice@x.io"


@pytest.mark.parametrize("cookie", [None, "garbage"])
def test_ifsignedin_signed_out(cookie: str | None) -> None:
    req = request() if cookie is None else RequestFactory().get("/", HTTP_COOKIE=f"{COOKIE}=x")
    assert render(IF_ELSE, req) == "out"


def test_ifsignedin_without_else() -> None:
    template = "a{% ifsignedin %}b{% endifsignedin %}c"
    assert render(template, request(ALICE)) == "abc"
    assert render(template, request()) == "ac"


def test_ifsignedin_nested_if() -> None:
    template = "{% ifsignedin %}{% if x %}X{% else %}Y{% endif %}{% else %}Z{% endifsignedin %}"
    assert render(template, request(ALICE), x=True) == "X"
    assert render(template, request(ALICE), x=False) == "Y"
    assert render(template, request()) == "Z"


@pytest.mark.parametrize(
    "template",
    [
        "{% ifsignedin user %}x{% endifsignedin %}",
        "{% ifsignedin %}x",
        "{% ifsignedin %}x{% else %}y",
    ],
)
def test_ifsignedin_syntax_errors(template: str) -> None:
    with pytest.raises(TemplateSyntaxError):
        render(template, request())


# --- the built-in page templates (context as django_nextauth/views/pages.py passes it) -------

PAGE_CONTEXTS: dict[str, dict[str, Any]] = {
    "signin": {"title": "Sign In", "providers": [], "csrf_token": "t", "callback_url": "/"},
    "signout": {"title": "Sign Out", "action": "/api/auth/signout", "csrf_token": "t"},
    "error": {
        "title": "Error",
        "heading": "Access Denied",
        "paragraphs": ["No."],
        "signin_url": "/api/auth/signin",
        "site_url": "https://example.com",
        "site_host": "example.com",
        "is_default": False,
    },
}


@pytest.mark.parametrize(("page", "heading"), [("signin", "Sign in"), ("signout", "Sign out")])
def test_built_in_pages_have_sentence_case_headings(page: str, heading: str) -> None:
    html = render_to_string(f"nextauth/{page}.html", PAGE_CONTEXTS[page])
    assert f"<h1>{heading}</h1>" in html


@pytest.mark.parametrize("page", sorted(PAGE_CONTEXTS))
def test_built_in_pages_load_nothing_else(page: str) -> None:
    html = render_to_string(f"nextauth/{page}.html", PAGE_CONTEXTS[page])
    # An inline icon: without one, browsers request /favicon.ico (a 404 on most Django sites).
    assert '<link rel="icon" href="data:' in html
    assert not any(asset in html for asset in ("<script", 'rel="stylesheet"', "url(", " src="))
    assert "prefers-color-scheme: dark" in html


def test_error_page_is_not_styled_as_the_error_banner() -> None:
    html = render_to_string("nextauth/error.html", PAGE_CONTEXTS["error"])
    # The page wrapper keeps NextAuth's class "error"; the banner style is .alert only.
    assert '<div class="error">' in html
    assert ".error {" not in html and ".error{" not in html
    assert '<a href="https://example.com">&larr; Back to example.com</a>' in html


def test_default_error_page_links_to_the_site_once() -> None:
    context = {**PAGE_CONTEXTS["error"], "heading": "Error", "paragraphs": [], "is_default": True}
    html = render_to_string("nextauth/error.html", {**context, "signin_url": ""})
    assert html.count('href="https://example.com"') == 1


def test_sign_in_and_sign_out_pages_link_back_to_the_site_root() -> None:
    for page in ("signin", "signout"):
        html = render_to_string(f"nextauth/{page}.html", PAGE_CONTEXTS[page])
        assert '<a href="/">&larr; Back to the site</a>' in html


# --- without the context processor; signing out of a protected page ---------------------------

HELLO = "{% ifsignedin %}Hello {{ session_user.name }}{% else %}out{% endifsignedin %}"


def render_without_processors(template: str, req: Any, **context: Any) -> str:
    """A project whose TEMPLATES lack the context processor (the README's snippet there)."""
    engine = Engine(
        context_processors=["django.template.context_processors.request"],  # startproject's
        libraries={"nextauth": "django_nextauth.templatetags.nextauth"},
    )
    return engine.from_string("{% load nextauth %}" + template).render(RequestContext(req, context))


def test_ifsignedin_sets_session_user_without_the_context_processor() -> None:
    assert render_without_processors(HELLO, request(ALICE)) == "Hello Alice &lt;&amp;&gt;"
    assert render_without_processors(HELLO, request()) == "out"
    given = SessionUser({"name": "Given"})
    assert render_without_processors(HELLO, request(ALICE), session_user=given) == "Hello Given"


def test_signout_url_leaves_a_protected_page_for_the_site_root() -> None:
    # Coming back to a page behind login_required_session would only show "Please sign in".
    client = Client()
    login(client, ALICE)
    html = client.get("/decorators/protected-page/").content.decode()
    assert 'href="/api/auth/signout?callbackUrl=%2F"' in html
    public = client.get("/templates/page/").content.decode()
    assert "callbackUrl=%2Ftemplates%2Fpage%2F" in public


# --- the built-in pages' polish ----------------------------------------------------------------

CONSOLE = "django.core.mail.backends.console.EmailBackend"
VERIFY = "/api/auth/verify-request?provider=email&type=email"
#: The console backend for the default mailer, as the running Django configures it.
ON_CONSOLE = (
    {"MAILERS": {"default": {"BACKEND": CONSOLE}}} if has_mailers() else {"EMAIL_BACKEND": CONSOLE}
)


@pytest.mark.django_db
def test_verify_request_page_says_what_to_do(email_setup: Any) -> None:
    email_setup({"max_age": 600})
    with override_settings(DEBUG=False, **ON_CONSOLE):
        html = Client().get(VERIFY).content.decode()
    assert "It works once and for 10 minutes." in html
    assert 'href="http://testserver/api/auth/signin">try again</a>' in html
    assert "terminal" not in html  # DEBUG off: no word about the console
    with override_settings(DEBUG=True, **ON_CONSOLE):
        assert "prints its email in the terminal" in Client().get(VERIFY).content.decode()
    with override_settings(DEBUG=True):  # the tests' in-memory backend
        assert "terminal" not in Client().get(VERIFY).content.decode()


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (86400, "24 hours"),
        (3600, "1 hour"),
        (600, "10 minutes"),
        (172800, "2 days"),
        (90, "90 seconds"),
    ],
)
def test_link_lifetimes_in_words(seconds: int, text: str) -> None:
    assert lifetime_text(seconds) == text


def test_error_page_button_does_not_touch_the_text() -> None:
    html = render_to_string("nextauth/error.html", {**PAGE_CONTEXTS["error"], "signin_url": "/in"})
    assert ".message:not(:last-child) { margin-bottom: 1.5rem; }" in html
    assert '</div>\n<p><a class="button" href="/in">Sign in</a></p>' in html
