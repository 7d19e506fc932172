"""The access matrix (issue #9 point 1, docs/DOMAIN.md D-ROLE): every page and every API operation, every
method it accepts, every persona, against real objects.

Routes come from the URL resolver (pages) and from the generated OpenAPI schema (API: path + method), and
the two are checked against each other, so a new view or endpoint can't be forgotten. Object parameters
are filled with real objects of partner A (Contoso) and its customer tenant X (Fabrikam); a parameter the
test can't fill fails the test.

Personas: anonymous; every partner role of partner A; the same roles of partner B (Adatum) against A's
objects; the Global admin and a plain user of tenant X, and of tenant Y (Northwind) against X's objects.
What each may do comes from `accounts.roles` (itself pinned to D-ROLE by tests/accounts/test_roles.py):

- allowed: anything but 401/403/404/5xx (an unsafe method may get a 400 for its empty body);
- not allowed: 403 (API: the docs/API.md error body) — a signed-in user is never sent to sign in again;
- anonymous: the sign-in redirect (pages) or 401 (API);
- an object outside the persona's partner or tenant: 404 whatever the role (D-ROLE-4), and none of A's ids
  in any answer an outsider gets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.roles import PUBLIC, SIGNED_IN, Role, has_perm
from tests.conftest import ADATUM, CONTOSO

SKIP_NAMESPACES = {"admin"}  # the Django admin has its own staff gate
PAGE_METHODS = ("GET", "POST")  # what a browser sends; the API's methods come from the schema
PARTNER_USERS = {  # role -> the local part of its demo user (Contoso has them all; Adatum gets them here)
    Role.ADMIN_AGENT: "admin.agent", Role.SALES_AGENT: "sales.agent", Role.HELPDESK_AGENT: "helpdesk.agent",
    Role.GLOBAL_ADMIN: "global.admin", Role.BILLING_ADMIN: "billing.admin", Role.ACCOUNT_ADMIN: "account.admin",
    Role.REFERRAL_ADMIN: "referral.admin", Role.MARKETING_ADMIN: "marketing.admin",
}
TENANT_X, TENANT_Y = "fabrikam.onmicrosoft.com", "northwind.onmicrosoft.com"
# The parameters that name something of tenant X (its customer, orders, entitlements) rather than of the
# partner alone (invoices, support requests, users).
TENANT_PARAMS = {"tenant_id", "order_id", "entitlement_id"}


# --- routes ---------------------------------------------------------------------------------------

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
API_PREFIX = "v1/"
DOC_ROUTES = {"v1/schema/", "v1/docs/"}  # the schema describes the API, not itself


def _as_template(route: str) -> str:
    """`v1/customers/<str:tenant_id>` -> `/v1/customers/{tenant_id}` (the schema's spelling)."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def _perm_for(route: str, method: str):
    for pattern, entry in ROUTES:
        if _as_template(pattern) == route:
            perm = declared_perm(entry.callback)
            return perm.get(method, perm.get("*")) if isinstance(perm, dict) else perm
    raise AssertionError(f"{method} {route} is in the schema but not in the URL resolver")


@dataclass(frozen=True)
class Check:
    method: str
    template: str  # /customers/{tenant_id}/
    perm: str
    api: bool


def api_operations() -> list[tuple[str, str]]:
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return sorted((method.upper(), path) for path, item in paths.items() for method in item)


def checks() -> list[Check]:
    out = []
    for route, entry in ROUTES:
        if route.startswith(API_PREFIX) or route.startswith("static/"):
            continue
        perm = declared_perm(entry.callback)
        out += [Check(method, _as_template(route), perm, api=False) for method in PAGE_METHODS]
    for method, path in api_operations():
        out.append(Check(method, path, _perm_for(path, method), api=True))
    return out


def test_every_route_declares_a_permission():
    missing = [route for route, entry in ROUTES if declared_perm(entry.callback) is None
               and not route.startswith("static/")]
    assert missing == []


def test_the_schema_has_every_api_route_and_method():
    # every /v1/ route of the resolver, with every method its view declares a permission for, is an
    # operation of the schema (so walking the schema walks the whole API)
    documented = set(api_operations())
    for route, entry in ROUTES:
        if not route.startswith(API_PREFIX) or route in DOC_ROUTES:
            continue
        perm = declared_perm(entry.callback)
        view_class = entry.callback.cls
        methods = [m.upper() for m in view_class.http_method_names if hasattr(view_class, m) and m != "options"]
        if isinstance(perm, dict):
            assert set(perm) == set(methods), (route, perm, methods)
        for method in methods:
            assert (method, _as_template(route)) in documented, f"{method} {route} is missing from the schema"


# --- personas -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Persona:
    email: str | None  # None: anonymous
    kind: str  # anonymous | own (partner A) | other (partner B) | tenant_x | tenant_y

    def sees(self, param: str) -> bool:
        """Whether an object named by `param` (of partner A / tenant X) is within this persona's reach."""
        if self.kind == "own":
            return True
        if self.kind == "tenant_x":
            return param in TENANT_PARAMS or param == "token_id"
        return False

    def __str__(self) -> str:
        return self.email or "anonymous"


PERSONAS = (
    [Persona(None, "anonymous")]
    + [Persona(f"{local}@{CONTOSO}", "own") for local in PARTNER_USERS.values()]
    + [Persona(f"{local}@{ADATUM}", "other") for local in PARTNER_USERS.values()]
    + [Persona(f"admin@{TENANT_X}", "tenant_x"), Persona(f"user@{TENANT_X}", "tenant_x"),
       Persona(f"admin@{TENANT_Y}", "tenant_y"), Persona(f"user@{TENANT_Y}", "tenant_y")]
)


@pytest.fixture
def partner_b_has_every_role(db):
    """Adatum's demo users are an Admin agent and a Global admin: give it one user per role."""
    from accounts.models import Partner, User
    from accounts.services import user_create

    adatum = Partner.objects.get(domain=ADATUM)
    for role, local in PARTNER_USERS.items():
        if not User.objects.filter(email=f"{local}@{ADATUM}").exists():
            user_create(email=f"{local}@{ADATUM}", password=None, partner=adatum, roles=[role])


# --- the matrix -----------------------------------------------------------------------------------

def fill(template: str, values: dict[str, str]) -> str:
    def value(match):
        name = match.group(1)
        if name not in values:
            pytest.fail(f"the access matrix can't fill <{name}> in {template}: add an object for it")
        return values[name]

    return re.sub(r"\{(\w+)\}", value, template)


def expectation(persona: Persona, user, check: Check) -> str:
    if check.perm == PUBLIC:
        return "open"
    if persona.email is None:
        return "sign_in"
    if not all(persona.sees(name) for name in re.findall(r"\{(\w+)\}", check.template)):
        return "hidden"
    return "allowed" if check.perm == SIGNED_IN or has_perm(user, check.perm) else "forbidden"


def verdict(response, check: Check, expected: str) -> str | None:
    """None when the answer is what `expected` means, else what is wrong."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    location = response.get("Location", "")
    signed_out = status == 302 and "/accounts/login/" in location
    if check.api and status >= 400:
        body = response.json()
        if set(body) != {"code", "description", "data", "source"}:
            return f"not the docs/API.md error body: {body}"
    if expected == "open":
        return None if status not in (401, 403) else f"{status} on a public route"
    if expected == "sign_in":
        if check.api:
            return None if status == 401 and response.json()["code"] == "401" else f"{status}, not 401"
        return None if signed_out else f"{status} {location}, not the sign-in redirect"
    if signed_out:
        return "a signed-in user was sent to sign in"
    if expected == "allowed":
        return None if status not in (401, 403, 404) else f"{status} for an allowed persona"
    if expected == "forbidden":
        if status != 403:
            return f"{status}, not 403"
        return None if not check.api or response.json()["code"] == "403" else "API 403 without code 403"
    if expected == "hidden":
        if status == 405:
            return None  # a method the route never accepts: the same answer whatever the id
        if status != 404:
            return f"{status}, not 404"
        return None if not check.api or response.json()["code"] == "20000" else "API 404 without code 20000"
    raise AssertionError(expected)


@pytest.mark.django_db
def test_access_matrix(partner_b_has_every_role, objects_of, fabrikam, user_for):
    from accounts.services import api_token_issue, user_create

    a_objects = objects_of(fabrikam).params()
    # the person whose roles a Global admin edits (with an empty form: no roles) is no persona
    a_objects["user_id"] = str(user_create(email=f"someone@{CONTOSO}", password=None,
                                           partner=fabrikam.partner, roles=[Role.SALES_AGENT]).pk)
    a_ids = {name: value for name, value in a_objects.items() if name not in ("token_id", "user_id")}
    matrix = checks()
    problems: list[str] = []
    size = 0
    accepted: dict[tuple[str, str], set[str]] = {}
    for persona in PERSONAS:
        user = user_for(persona.email) if persona.email else None
        values = dict(a_objects)
        client, headers = Client(), {}
        if user is not None:
            client.force_login(user)
            _token, secret = api_token_issue(user=user, name="matrix")
            headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
            own_token, _secret = api_token_issue(user=user, name="to revoke")
            if persona.sees("token_id"):
                values["token_id"] = str(own_token.pk)  # a user's own token: the only kind it may revoke
        for check in matrix:
            url = fill(check.template, values)
            expected = expectation(persona, user, check)
            extra = headers if check.api else {"HTTP_ACCEPT": "text/html"}
            response = client.generic(check.method, url, b"{}" if check.api and check.method != "GET" else b"",
                                      content_type="application/json" if check.api else "", **extra)
            size += 1
            if expected in ("allowed", "open") and response.status_code != 405:
                accepted.setdefault((check.template, check.method), set()).add(str(persona))
            problem = verdict(response, check, expected)
            if problem is None and persona.kind in ("other", "tenant_y") and expected != "open":
                body = b"".join(response.streaming_content if response.streaming else [response.content])
                body = body.decode(errors="replace").replace(url, "")  # the address it asked for is no leak
                leaked = [name for name, value in a_ids.items() if value in body]
                problem = f"an outsider's answer shows {leaked}" if leaked else None
            if problem:
                problems.append(f"{persona} {check.method} {url} [{expected}]: {problem}")
            if user is not None and "logout" in check.template:
                client.force_login(user)  # signing out is a route too; sign back in for the rest
    routes = {c.template for c in matrix}
    print(f"\naccess matrix: {len(routes)} routes, {len(matrix)} route-methods x {len(PERSONAS)} personas"
          f" = {size} requests; {len(accepted)} route-methods answered an allowed persona")
    assert problems == [], "\n".join(problems)
    # every route answers some method to someone allowed (a route no one can reach is a dead route)
    assert {t for t, _m in accepted} == routes



def test_every_object_a_guarded_route_names_has_a_scope():
    # a refused role gets a 404 for another partner's object only if the object's app says whose it is
    from accounts.permissions import OBJECT_SCOPES

    names = {name for route, entry in ROUTES if declared_perm(entry.callback) != PUBLIC
             for name in re.findall(r"<(?:\w+:)?(\w+)>", route)}
    assert names and names <= set(OBJECT_SCOPES), names - set(OBJECT_SCOPES)


@pytest.mark.django_db
def test_a_refused_role_gets_404_for_an_id_that_does_not_exist(client_for, api_for, fabrikam):
    # the Helpdesk agent may not get keys: a 403 for its own customer's entitlement, a 404 for a made-up one
    made_up = "00000000-0000-4000-8000-000000000000"
    page = f"/customers/{fabrikam.tenant_id}/software/{made_up}/key/"
    api = f"/v1/customers/{made_up}/entitlements/{made_up}/productkey"
    assert client_for("helpdesk.agent").post(page).status_code == 404
    response = api_for("helpdesk.agent").get(api)
    assert response.status_code == 404 and response.json()["code"] == "20000"


@pytest.mark.django_db
def test_an_api_method_the_endpoint_lacks_is_405_for_everyone(api_for, client, fabrikam):
    # DELETE exists nowhere in the API: not a 403 (the role check used to answer first)
    for persona in ("admin.agent", "helpdesk.agent"):
        response = api_for(persona).delete(f"/v1/customers/{fabrikam.tenant_id}")
        assert response.status_code == 405, persona
        assert set(response.json()) == {"code", "description", "data", "source"}
        assert response.json()["code"] == "405"
