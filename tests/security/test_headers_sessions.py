"""Headers, cookies and sessions under production settings (issue #9 point 4).

The security settings of `config.settings.production` (imported here with a real SECRET_KEY, as a
deployment would) are applied over the test settings; everything else (database, cache) stays the test's.
Already covered elsewhere: `check --deploy` clean under production settings and production refusing to
start unsafe (tests/test_seed_and_settings.py), sign-in throttling and CSRF on sign-in
(tests/accounts/test_auth.py)."""
from __future__ import annotations

import datetime as dt
import importlib
import re
import secrets
import sys

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client

from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

SECURITY_SETTINGS = re.compile(
    r"^(SECURE_\w+|SESSION_\w+|CSRF_\w+|X_FRAME_OPTIONS|CONTENT_SECURITY_POLICY\w*|DEBUG|MIDDLEWARE)$")
HTTPS = {"secure": True}
EMAIL = "admin.agent@contoso-partner.example"


@pytest.fixture
def production(monkeypatch, settings):
    """The production module's security settings, over the test settings."""
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(50))
    for name in ("DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    sys.modules.pop("config.settings.production", None)
    try:
        module = importlib.import_module("config.settings.production")
    finally:
        sys.modules.pop("config.settings.production", None)
    applied = {name: getattr(module, name) for name in dir(module) if SECURITY_SETTINGS.match(name)}
    for name, value in applied.items():
        setattr(settings, name, value)
    assert applied["SESSION_COOKIE_SECURE"] and applied["CSRF_COOKIE_SECURE"]
    return applied


def sign_in(client: Client):
    """A real sign-in through the form, CSRF token and all."""
    client.get("/accounts/login/", **HTTPS)
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    return client.post("/accounts/login/", {"email": EMAIL, "password": DEMO_PASSWORD,
                                            "csrfmiddlewaretoken": token},
                       HTTP_REFERER="https://testserver/accounts/login/", **HTTPS)  # HTTPS CSRF checks the referer


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_plain_http_is_redirected_to_https(production):
    response = Client().get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"
    # behind the TLS-terminating proxy (SECURE_PROXY_SSL_HEADER) the page is served
    assert Client().get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


@pytest.mark.parametrize("path", ["/accounts/login/", "/customers/", "/v1/customers", "/v1/schema/",
                                  "/no-such-page/"])
def test_every_answer_carries_the_security_headers(production, client_for, path):
    # given a signed-in Admin agent (pages, API with its session, a 404)
    client = client_for("admin.agent")
    # when it opens the path over HTTPS
    response = client.get(path, **HTTPS)
    assert response.status_code < 500
    # then HSTS for a year with subdomains, nosniff, a referrer policy, no framing, and a CSP whose scripts
    # come only from the site itself
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    directives = csp_directives(response)
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == ["'none'"] and directives["default-src"] == ["'self'"]


def test_session_and_csrf_cookies_are_secure_httponly_and_samesite(production):
    client = Client(enforce_csrf_checks=True)
    response = sign_in(client)
    assert response.status_code == 302 and "_auth_user_id" in client.session
    session = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session["secure"] is True and session["httponly"] is True and session["samesite"] == "Lax"
    csrf = client.cookies[django_settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] is True and csrf["samesite"] == "Lax"


def test_a_session_expires_after_its_age_and_the_next_request_is_signed_out(production):
    age = production["SESSION_COOKIE_AGE"]
    assert 0 < age <= 12 * 3600  # a working day, not weeks
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    client = Client(enforce_csrf_checks=True)
    with time_machine.travel(start, tick=False):
        assert sign_in(client).status_code == 302
    # a minute before the age is up the session still works
    with time_machine.travel(start + dt.timedelta(seconds=age - 60), tick=False):
        assert client.get("/customers/", **HTTPS).status_code == 200
    # a minute after, the same cookie signs nobody in: pages send to sign-in, the API says 401
    with time_machine.travel(start + dt.timedelta(seconds=age + 60), tick=False):
        page = client.get("/customers/", **HTTPS)
        assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
        api = client.get("/v1/customers", **HTTPS)
        assert api.status_code == 401 and api.json()["code"] == "401"


def test_sign_in_throttle_lifts_after_its_window(settings):
    # (the throttle itself: tests/accounts/test_auth.py) — it is a window, not a lock-out for ever. The
    # window is the cache entry's timeout: a local-memory cache here, whose clock time-machine can move
    # (Redis expires keys on its own clock).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "throttle-window"}}
    settings.LOGIN_FAILURE_LIMIT = 3
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    client = Client()
    with time_machine.travel(start, tick=False):
        for _ in range(3):
            client.post("/accounts/login/", {"email": EMAIL, "password": "wrong"})
        assert client.post("/accounts/login/", {"email": EMAIL, "password": DEMO_PASSWORD}).status_code == 429
    later = start + dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        response = client.post("/accounts/login/", {"email": EMAIL, "password": DEMO_PASSWORD})
        assert response.status_code == 302 and "_auth_user_id" in client.session


def test_no_template_needs_unsafe_inline():
    # the CSP allows scripts and styles from the site's own files only: an inline <script>, an on...=
    # handler, a javascript: URL or a style="" attribute would be blocked in the browser, so none may exist
    from pathlib import Path

    root = Path(django_settings.BASE_DIR)
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:|\sstyle\s*=|<style", re.I)
    templates = [p for p in root.glob("**/templates/**/*.html") if ".venv" not in p.parts]
    assert len(templates) > 20
    offenders = [f"{p.relative_to(root)}: {m.group(0)}" for p in templates
                 for m in inline.finditer(re.sub(r"{#.*?#}|{% comment %}.*?{% endcomment %}", "",
                                                 p.read_text(), flags=re.S))]
    assert offenders == []
