"""Bad input across the pages and the API (issue #9 point 3): each gets a clear 4xx or a form message,
and nothing is half-saved — every test compares the row counts of everything a request could write
(and the activity log) before and after.

Some single-field cases already live next to their feature (tests/software/test_orders_*.py,
tests/support/test_support.py, tests/activitylog/test_page.py and test_api.py); this file sweeps
the cross-cutting ones: every id parameter, every text field, every unsafe form without CSRF, an expired
session."""
from __future__ import annotations

import contextlib
import datetime as dt
import html
import json

import pytest
import time_machine
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

WRITTEN_MODELS = ["customers.Customer", "software.Order", "software.OrderLine", "software.Entitlement",
                  "software.DownloadLink", "activitylog.ActivityRecord", "support.SupportRequest",
                  "support.SupportAttachment", "accounts.ApiToken", "accounts.User",
                  "accounts.RoleAssignment", "billing.InvoiceLine"]
ERROR_KEYS = {"code", "description", "data", "source"}
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in WRITTEN_MODELS}


@contextlib.contextmanager
def nothing_saved():
    before = counts()
    yield
    assert counts() == before


def api_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    body = response.json()
    assert set(body) == ERROR_KEYS and body["source"] == "PartnerCenter"
    assert body["code"] == (code or str(status))
    return body


@pytest.fixture(autouse=True)
def attachments_dir(tmp_path, settings):
    settings.ATTACHMENTS_DIR = tmp_path / "attachments"
    return settings.ATTACHMENTS_DIR


@pytest.fixture
def objects(objects_of, fabrikam):
    return objects_of(fabrikam)


# --- malformed ids ----------------------------------------------------------------------------------

BAD_IDS = ["not-a-guid", "0", "-1", "1e9", "' OR '1'='1", "%00", "%E2%80%AE", "x" * 3000,
           "00000000-0000-0000-0000-00000000000g", "00000000-0000-4000-8000-000000000000"]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_malformed_or_unknown_ids_are_404_on_pages(client_for, objects, bad):
    tenant = objects.tenant_id
    pages = [("get", f"/customers/{bad}/"), ("get", f"/customers/{bad}/software/"),
             ("get", f"/customers/{bad}/orders/"), ("get", f"/customers/{tenant}/orders/{bad}/"),
             ("post", f"/customers/{tenant}/software/{bad}/key/"),
             ("post", f"/customers/{tenant}/software/{bad}/links/"),
             ("get", f"/customers/{bad}/software/cancel/"), ("get", f"/support/{bad}/"),
             ("get", f"/billing/invoices/{bad}/"), ("post", f"/settings/api-tokens/{bad}/revoke/")]
    client, expected = client_for("admin.agent"), 400 if bad == "%00" else 404  # NUL: refused before routing
    with nothing_saved():
        for method, url in pages:
            response = getattr(client, method)(url)
            assert response.status_code == expected, (url, response.status_code)
    with nothing_saved():
        for url in (f"/admin-center/billing/software/{bad}/key/", f"/admin-center/billing/software/{bad}/links/"):
            assert client_for("admin@fabrikam.onmicrosoft.com").post(url).status_code == expected, url


@pytest.mark.parametrize("bad", BAD_IDS)
def test_malformed_or_unknown_ids_are_404_in_the_api(api_for, objects, bad):
    tenant = objects.tenant_id
    api = api_for("admin.agent")
    status, code = (400, "400") if bad == "%00" else (404, "20000")  # NUL: refused before routing
    with nothing_saved():
        for url in (f"/v1/customers/{bad}", f"/v1/customers/{bad}/orders", f"/v1/customers/{tenant}/orders/{bad}",
                    f"/v1/customers/{bad}/entitlements", f"/v1/customers/{tenant}/entitlements/{bad}/productkey",
                    f"/v1/invoices/{bad}", f"/v1/invoices/{bad}/lineitems"):
            api_error(api.get(url), status, code)
        api_error(api.patch(f"/v1/customers/{tenant}/orders/{bad}", {"status": "cancelled"}, format="json"),
                  status, code)
        api_error(api.post(f"/v1/customers/{tenant}/entitlements/{bad}/downloadlinks",
                           {"version": "2022", "language": "en-US", "fileType": "x64 ISO"}, format="json"),
                  status, code)


# --- quantities and offers --------------------------------------------------------------------------

@pytest.mark.parametrize("quantity", [-1, -(2**63), 0, 1001, 10**12, 2**63, 2**64, 10**100])
def test_huge_and_negative_quantities_are_400_in_the_api(api_for, fabrikam, quantity):
    api = api_for("admin.agent")
    with nothing_saved():
        body = api_error(api.post(
            f"/v1/customers/{fabrikam.tenant_id}/orders",
            {"lineItems": [{"offerId": "WS2022-STD", "quantity": quantity}]}, format="json"), 400)
    assert [d["field"] for d in body["data"]] == ["lineItems[0].quantity"]


@pytest.mark.parametrize("quantity", ["-1", "1001", "1000000000000", "9" * 40, "1e3", "1.5", "0x10", "½", "²",
                                      SCRIPT])
def test_huge_and_negative_quantities_are_a_form_message_on_add_products(client_for, fabrikam, quantity):
    url = f"/customers/{fabrikam.tenant_id}/add-products/"
    with nothing_saved():
        for step in ("review", "submit"):
            response = client_for("admin.agent").post(url, {"step": step, "qty_WS2022-STD": quantity})
            assert response.status_code == 400, (step, response.status_code)
            page = response.content.decode()
            assert "Quantity must be a whole number from 1 to 1000." in page
            assert SCRIPT not in page


@pytest.mark.parametrize("offer", ["NOPE", "", " ", "x" * 65, "WS2022-STD'--", SCRIPT])
def test_unknown_offers_are_400(api_for, client_for, fabrikam, offer):
    api = api_for("admin.agent")
    with nothing_saved():
        body = api_error(api.post(
            f"/v1/customers/{fabrikam.tenant_id}/orders",
            {"lineItems": [{"offerId": offer, "quantity": 1}]}, format="json"), 400)
        assert body["data"] and SCRIPT not in str(body["description"])
        if offer.strip():
            response = client_for("admin.agent").post(f"/customers/{fabrikam.tenant_id}/add-products/",
                                                      {"step": "submit", f"qty_{offer}": "1"})
            assert response.status_code == 400
            assert "Unknown offer" in response.content.decode() and SCRIPT not in response.content.decode()


def test_a_bad_line_after_good_ones_saves_no_part_of_the_order(api_for, fabrikam):
    api = api_for("admin.agent")
    lines = [{"offerId": "WS2022-STD", "quantity": 1}, {"offerId": "WS2022-DC", "quantity": 2},
             {"offerId": "NOPE", "quantity": 1}]
    with nothing_saved():
        api_error(api.post(f"/v1/customers/{fabrikam.tenant_id}/orders", {"lineItems": lines}, format="json"), 400)


@pytest.mark.parametrize("body", [b"", b"null", b"[]", b'"x"', b"{", b'{"lineItems": {}}', b"\xff\xfe",
                                  b'{"lineItems": [' + b"{}, " * 2000 + b"{}]}"])
def test_malformed_bodies_are_400(api_for, fabrikam, body):
    api = api_for("admin.agent")
    with nothing_saved():
        api_error(api.generic("POST", f"/v1/customers/{fabrikam.tenant_id}/orders", body,
                              content_type="application/json"), 400)
        api_error(api.generic("POST", "/v1/customers", body, content_type="application/json"), 400)


# --- attachments ------------------------------------------------------------------------------------

SUPPORT = {"problem_type": "csp_purchase_refund", "impact": "moderate", "title": "Refund",
           "customer_reference": "fabrikam.onmicrosoft.com", "description": "Please refund.",
           "contact_name": "Ada", "contact_email": "ada@contoso-partner.example", "contact_phone": "+81 3 1234 5678"}
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


@pytest.mark.parametrize(("name", "content"), [
    ("big.png", PNG + bytes(5 * 1024 * 1024)),          # over the 5 MB limit
    ("tool.exe", b"MZ" + bytes(100)),                   # a type that is not allowed
    ("photo.png", b"MZ" + bytes(100)),                  # an allowed name on other bytes
    ("notes.txt", b"\x00\x01\x02binary" * 10),          # "text" that is binary
    ("../../etc/passwd.png", PNG[:4]),                  # a path, and a truncated PNG
])
def test_oversized_and_wrong_type_attachments_are_a_form_message(client_for, attachments_dir, name, content):
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    with nothing_saved():
        response = client_for("admin.agent").post("/support/new/", {**SUPPORT, "files": [upload]})
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not attachments_dir.exists() or not any(attachments_dir.rglob("*"))


# --- over-long text ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "data", "field"), [
    ("/customers/new/", {"company_name": "x" * 201, "domain": "longname", "country": "JP"}, "company_name"),
    ("/customers/new/", {"company_name": "Long", "domain": "x" * 254, "country": "JP"}, "domain"),
    ("/support/new/", {**SUPPORT, "title": "x" * 201}, "title"),
    ("/support/new/", {**SUPPORT, "description": "x" * 8001}, "description"),
    ("/support/new/", {**SUPPORT, "contact_name": "x" * 201}, "contact_name"),
    ("/support/new/", {**SUPPORT, "refund_reason": "x" * 4001}, "refund_reason"),
    ("/settings/api-tokens/", {"name": "x" * 101}, "name"),
])
def test_over_long_text_is_a_form_message(client_for, url, data, field):
    persona = "global.admin"
    with nothing_saved():
        response = client_for(persona).post(url, data)
    assert response.status_code == 400
    assert field in response.context["form"].errors


def test_over_long_text_is_a_400_in_the_api(api_for, fabrikam):
    api, auditor = api_for("admin.agent"), api_for("global.admin")
    with nothing_saved():
        body = api_error(api.post("/v1/customers", {"companyProfile": {"companyName": "x" * 201, "domain": "ok"},
                                                    "billingProfile": {"defaultAddress": {"country": "JP"}}},
                                  format="json"), 400)
        assert [d["field"] for d in body["data"]] == ["companyProfile.companyName"]
        assert api.get("/v1/customers", {"q": "x" * 5000}).json()["totalCount"] == 0
        api_error(auditor.get("/v1/auditrecords", {"filter": '{"Field": "CompanyName", "Value": "' + "x" * 255 + '"}'}),
                  400)


# --- HTML and script in every text field, shown escaped --------------------------------------------

def assert_escaped(page: str):
    assert SCRIPT not in page and "<script>alert" not in page and "onerror=alert(1)>" not in page
    assert html.escape(SCRIPT) in page or html.escape(SCRIPT, quote=False) in page


def test_script_in_a_customer_name_is_shown_escaped(client_for, user_for):
    # given a customer created through the form with HTML in its name
    admin = client_for("admin.agent")
    response = admin.post("/customers/new/", {"company_name": SCRIPT, "domain": "scripty", "country": "JP"})
    assert response.status_code == 302
    tenant = response["Location"].strip("/").split("/")[-1]
    # then the list, the detail page, add products, the Software tab and the activity log escape it
    for url in ("/customers/", f"/customers/{tenant}/", f"/customers/{tenant}/add-products/",
                f"/customers/{tenant}/software/", f"/customers/{tenant}/orders/"):
        assert_escaped(admin.get(url).content.decode())
    assert_escaped(client_for("global.admin").get("/settings/activity-log/").content.decode())


def test_script_in_every_support_field_is_shown_escaped(client_for):
    client = client_for("admin.agent")
    data = {**SUPPORT, "title": SCRIPT, "description": SCRIPT, "contact_name": SCRIPT, "refund_reason": SCRIPT,
            "order_reference": SCRIPT[:100], "amount_requested": "<b>1</b>"}
    response = client.post("/support/new/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    detail = client.get(response["Location"]).content.decode()
    assert_escaped(detail)
    assert "<b>1</b>" not in detail
    assert_escaped(client.get("/support/").content.decode())


def test_script_in_query_strings_and_prefills_is_echoed_escaped(client_for, fabrikam):
    client = client_for("admin.agent")
    assert_escaped(client.get("/support/new/", {"customer": SCRIPT, "order": SCRIPT, "amount": SCRIPT})
                   .content.decode())
    assert_escaped(client.get("/customers/", {"q": SCRIPT}).content.decode())
    assert_escaped(client.get(f"/customers/{fabrikam.tenant_id}/add-products/", {"q": SCRIPT[:100]})
                   .content.decode())
    log = client_for("global.admin").get("/settings/activity-log/", {"customer": SCRIPT, "user": SCRIPT})
    assert_escaped(log.content.decode())


def test_script_in_token_names_and_display_names_is_shown_escaped(client_for):
    client = client_for("global.admin")
    assert client.post("/settings/api-tokens/", {"name": SCRIPT}).status_code == 200
    assert_escaped(client.get("/settings/api-tokens/").content.decode())
    response = client.post("/settings/users/", {"email": "new.person@contoso-partner.example",
                                                "display_name": SCRIPT, "password": "A-long-password-1",
                                                "roles": ["sales_agent"]})
    assert response.status_code == 302
    # the display name is shown in the header of every page the new user opens
    newcomer = client_for("new.person@contoso-partner.example")
    assert_escaped(newcomer.get("/customers/").content.decode())


def test_script_in_the_api_comes_back_as_data_not_markup(api_for):
    # JSON is data: the name is stored and returned as typed, with a JSON content type (never text/html)
    response = api_for("admin.agent").post("/v1/customers", {
        "companyProfile": {"companyName": SCRIPT, "domain": "scripty-api"},
        "billingProfile": {"defaultAddress": {"country": "JP"}}}, format="json")
    assert response.status_code == 201 and response["Content-Type"] == "application/json"
    assert response.json()["companyProfile"]["companyName"] == SCRIPT


# --- the activity log: bad dates and reversed ranges ------------------------------------------------

@pytest.mark.parametrize(("start", "end"), [
    ("2026-13-01", ""), ("2026-02-30", ""), ("yesterday", ""), ("", "99999-01-01"),
    ("2026-11-10", "2026-11-01"), ("0000-01-01", ""), ("%00", ""), ("2026-11-01T00:00:00", ""),
])
def test_bad_dates_and_reversed_ranges_in_the_activity_log(client_for, api_for, start, end):
    client, api = client_for("global.admin"), api_for("global.admin")
    with nothing_saved():
        page = client.get("/settings/activity-log/", {"start": start, "end": end})
        assert page.status_code == 400 and page.context["form"].errors and page.context["page_obj"] is None
        export = client.get("/settings/activity-log/export.csv", {"start": start, "end": end})
        assert export.status_code == 400 and export["Content-Type"].startswith("text/plain")
        assert export.content.decode().strip()
        body = api_error(api.get("/v1/auditrecords", {"startDate": start, "endDate": end}), 400)
        assert {d["field"] for d in body["data"]} <= {"startDate", "endDate"} and body["data"]


# --- CSRF -------------------------------------------------------------------------------------------

@pytest.fixture
def csrf_client(user_for):
    def make(email: str) -> Client:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user_for(email))
        return client

    return make


def unsafe_forms(objects) -> list[tuple[str, str, dict]]:
    tenant, entitlement = objects.tenant_id, objects.entitlement_id
    return [
        ("admin.agent", "/customers/new/", {"company_name": "No CSRF", "domain": "nocsrf", "country": "JP"}),
        ("admin.agent", f"/customers/{tenant}/add-products/", {"step": "submit", "qty_WS2022-STD": "1"}),
        ("admin.agent", f"/customers/{tenant}/software/{entitlement}/key/", {}),
        ("admin.agent", f"/customers/{tenant}/software/{entitlement}/links/", {}),
        ("admin.agent", f"/customers/{tenant}/software/cancel/", {"order": objects.order_id, "acknowledge": "on"}),
        ("admin.agent", "/support/new/", SUPPORT),
        ("admin.agent", "/settings/api-tokens/", {"name": "no csrf"}),
        ("admin.agent", f"/settings/api-tokens/{objects.token_id}/revoke/", {}),
        ("global.admin", "/settings/users/", {"email": "x@contoso-partner.example", "password": "A-long-password-1",
                                              "roles": ["sales_agent"]}),
        ("global.admin", f"/settings/users/{objects.user_id}/roles/", {"roles": []}),
        ("admin@fabrikam.onmicrosoft.com", f"/admin-center/billing/software/{entitlement}/key/", {}),
    ]


def test_every_unsafe_form_without_a_csrf_token_is_403_and_saves_nothing(csrf_client, objects):
    from support.models import SupportRequest

    for persona, url, data in unsafe_forms(objects):
        with nothing_saved():
            response = csrf_client(persona).post(url, data)
            assert response.status_code == 403, (url, response.status_code)
    assert not SupportRequest.objects.filter(title="Refund").exclude(pk=objects.request_id).exists()


def test_the_api_with_a_session_but_no_csrf_token_is_403(csrf_client, fabrikam):
    # a browser session can't be ridden by another site: the API wants the CSRF token (or a bearer token)
    with nothing_saved():
        response = csrf_client("admin.agent").post(
            f"/v1/customers/{fabrikam.tenant_id}/orders", {"lineItems": [{"offerId": "WS2022-STD", "quantity": 1}]},
            content_type="application/json")
        api_error(response, 403)


# --- an expired session -----------------------------------------------------------------------------

def test_a_form_posted_on_an_expired_session_signs_in_again_and_saves_nothing(fabrikam):
    start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    client = Client()
    with time_machine.travel(start, tick=False):
        assert client.post("/accounts/login/", {"email": "admin.agent@contoso-partner.example",
                                                "password": DEMO_PASSWORD}).status_code == 302
    later = start + dt.timedelta(seconds=django_settings.SESSION_COOKIE_AGE + 60)
    with time_machine.travel(later, tick=False), nothing_saved():
        response = client.post("/customers/new/", {"company_name": "Late", "domain": "late", "country": "JP"})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        response = client.post(f"/customers/{fabrikam.tenant_id}/add-products/",
                               {"step": "submit", "qty_WS2022-STD": "1"})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        api_error(client.post(f"/v1/customers/{fabrikam.tenant_id}/orders",
                              {"lineItems": [{"offerId": "WS2022-STD", "quantity": 1}]},
                              content_type="application/json"), 401)


# --- NUL characters (PostgreSQL refuses them in text: they must never reach a query) -----------------

def test_nul_characters_in_search_and_filter_text_are_answered_not_crashed(api_for, client_for, fabrikam):
    api, auditor = api_for("admin.agent"), api_for("global.admin")
    admin, log_reader = client_for("admin.agent"), client_for("global.admin")
    with nothing_saved():
        api_error(api.get("/v1/customers", {"q": "fab\x00"}), 400)  # was a 500 on PostgreSQL
        for field in ("CompanyName", "UserPrincipalName", "CustomerId", "ResourceType", "OperationType"):
            for operator in ("equals", "substring"):
                value = json.dumps({"Field": field, "Value": "x\x00", "Operator": operator})
                response = auditor.get("/v1/auditrecords", {"filter": value})
                api_error(response, 400)  # was a 500 on PostgreSQL
        assert admin.get("/customers/", {"q": "fab\x00"}).status_code == 400
        assert admin.get(f"/customers/{fabrikam.tenant_id}/add-products/", {"q": "\x00"}).status_code == 400
        assert admin.get("/support/new/", {"customer": "\x00"}).status_code == 400
        assert admin.get("/customers/%00/").status_code in (400, 404)
        assert log_reader.get("/settings/activity-log/", {"customer": "\x00", "user": "\x00"}).status_code == 400
        body = {"companyProfile": {"companyName": "A\x00B", "domain": "nul"},
                "billingProfile": {"defaultAddress": {"country": "JP"}}}
        api_error(api.post("/v1/customers", body, format="json"), 400)
        api_error(api.post(f"/v1/customers/{fabrikam.tenant_id}/orders",
                           {"lineItems": [{"offerId": "WS\x00", "quantity": 1}]}, format="json"), 400)
        response = admin.post(f"/customers/{fabrikam.tenant_id}/add-products/", {"step": "submit", "qty_WS\x00": "1"})
        assert response.status_code == 400
        response = admin.post("/support/new/", {**SUPPORT, "title": "a\x00b"})
        assert response.status_code == 400
