"""Every page and endpoint declares its permission from the role table, and enforces it.

The URL resolver is walked, so a new view can't be forgotten: each one is opened by every persona
and the answer compared with what `accounts.roles` says that persona may do."""
from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.roles import PUBLIC, SIGNED_IN, has_perm

PERSONAS = [
    "admin.agent", "sales.agent", "helpdesk.agent", "global.admin", "billing.admin", "account.admin",
    "referral.admin", "marketing.admin", "admin@fabrikam.onmicrosoft.com", "user@fabrikam.onmicrosoft.com",
]
SKIP_NAMESPACES = {"admin"}  # the Django admin has its own staff gate


def walk(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns in SKIP_NAMESPACES:
                continue
            yield from walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def declared_perm(callback):
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None and hasattr(view_class, "required_perm"):
        return view_class.required_perm
    return getattr(callback, "required_perm", None)


ROUTES = list(walk())


def test_every_route_declares_a_permission():
    missing = [route for route, entry in ROUTES if declared_perm(entry.callback) is None
               and not route.startswith("static/")]
    assert missing == []


def _fill(route: str, tenant_id) -> str | None:
    if "<" not in route:
        return "/" + route
    params = re.findall(r"<(?:\w+:)?(\w+)>", route)
    if params == ["tenant_id"]:
        return "/" + re.sub(r"<(?:\w+:)?tenant_id>", str(tenant_id), route)
    return None


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_get_pages_and_endpoints_follow_the_role_table(persona, client_for, user_for, fabrikam):
    # given a persona signed in
    client = client_for(persona)
    user = user_for(persona)
    checked = 0
    for route, entry in ROUTES:
        url = _fill(route, fabrikam.tenant_id)
        perm = declared_perm(entry.callback)
        if url is None or perm in (PUBLIC,) or "logout" in route or "download" in route:
            continue
        if isinstance(perm, dict):
            perm = perm.get("GET")
            if perm is None:
                continue
        # when it opens the page or endpoint
        response = client.get(url, HTTP_ACCEPT="text/html,application/json")
        checked += 1
        # then it is refused exactly when the table says so
        allowed = has_perm(user, perm) if perm != SIGNED_IN else True
        if allowed:
            assert response.status_code not in (401, 403), (url, response.status_code)
        else:
            assert response.status_code == 403, (url, response.status_code)
    assert checked >= 5


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in_or_gets_401(client, fabrikam):
    for route, entry in ROUTES:
        url = _fill(route, fabrikam.tenant_id)
        if url is None or declared_perm(entry.callback) == PUBLIC or "logout" in route:
            continue
        response = client.get(url)
        if url.startswith("/v1/"):
            assert response.status_code == 401, url
            assert response.json()["code"] == "401"
        else:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
