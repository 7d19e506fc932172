"""Customers: list, search, create (pages and API), validation and isolation (D-CUST, D-ROLE-4/5)."""
import uuid

import pytest

from activitylog.models import ActivityRecord
from customers.models import Customer

pytestmark = pytest.mark.django_db


def test_api_lists_only_the_partners_own_customers(api_for):
    # when each partner lists its customers
    contoso = api_for("admin.agent").get("/v1/customers").json()
    adatum = api_for("admin.agent@adatum-partner.example").get("/v1/customers").json()
    # then each sees only its own
    assert contoso["totalCount"] == 6
    assert {c["companyProfile"]["companyName"] for c in adatum["items"]} == {"Woodgrove Bank"}
    assert "next" not in contoso["links"]


def test_api_customer_shape(api_for, fabrikam):
    body = api_for("sales.agent").get(f"/v1/customers/{fabrikam.tenant_id}").json()
    assert body == {
        "id": str(fabrikam.tenant_id),
        "companyProfile": {"tenantId": str(fabrikam.tenant_id), "domain": "fabrikam.onmicrosoft.com",
                           "companyName": "Fabrikam"},
        "billingProfile": {"defaultAddress": {"country": "JP"}, "currency": "JPY"},
    }


@pytest.mark.parametrize("q", ["fabri", "FABRIKAM.onmicrosoft", None])
def test_search_by_name_domain_or_tenant_id(api_for, fabrikam, q):
    q = q or str(fabrikam.tenant_id)
    items = api_for("helpdesk.agent").get("/v1/customers", {"q": q}).json()["items"]
    assert [c["companyProfile"]["companyName"] for c in items] == ["Fabrikam"]


def test_paging_links_next(api_for):
    body = api_for("admin.agent").get("/v1/customers", {"size": 2}).json()
    assert body["totalCount"] == 6 and len(body["items"]) == 2
    assert "offset=2" in body["links"]["next"]["uri"]


@pytest.mark.parametrize("url", ["/v1/customers/{woodgrove}", "/v1/customers/{random}", "/v1/customers/not-a-guid"])
def test_other_partners_or_unknown_customer_is_404(api_for, woodgrove, url):
    url = url.format(woodgrove=woodgrove.tenant_id, random=uuid.uuid4())
    response = api_for("admin.agent").get(url)
    assert response.status_code == 404
    assert response.json() == {"code": "20000", "description": "The requested resource was not found.",
                               "data": [], "source": "PartnerCenter"}


def test_other_partners_customer_page_is_404(client_for, woodgrove):
    assert client_for("global.admin").get(f"/customers/{woodgrove.tenant_id}/").status_code == 404


def test_create_customer_via_api_records_activity(api_for):
    # when
    response = api_for("sales.agent").post("/v1/customers", {
        "companyProfile": {"companyName": "Contoso Pharma", "domain": "contosopharma"},
        "billingProfile": {"defaultAddress": {"country": "de"}}}, format="json")
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["companyProfile"]["domain"] == "contosopharma.onmicrosoft.com"
    assert body["billingProfile"] == {"defaultAddress": {"country": "DE"}, "currency": "EUR"}
    uuid.UUID(body["id"])
    record = ActivityRecord.objects.get(operation_type="create_customer", customer_id=body["id"])
    assert record.user_principal_name == "sales.agent@contoso-partner.example"


@pytest.mark.parametrize("body,field", [
    ({"companyProfile": {"companyName": "X", "domain": "fabrikam.onmicrosoft.com"},
      "billingProfile": {"defaultAddress": {"country": "JP"}}}, "companyProfile.domain"),
    ({"companyProfile": {"companyName": "X", "domain": "bad domain!"},
      "billingProfile": {"defaultAddress": {"country": "JP"}}}, "companyProfile.domain"),
    ({"companyProfile": {"companyName": "X", "domain": "newco.onmicrosoft.com"},
      "billingProfile": {"defaultAddress": {"country": "ZZ"}}}, "billingProfile.defaultAddress.country"),
    ({"companyProfile": {"companyName": "", "domain": "newco2.onmicrosoft.com"},
      "billingProfile": {"defaultAddress": {"country": "JP"}}}, "companyProfile.companyName"),
    ({"companyProfile": {"companyName": "<script>x" * 30, "domain": "newco3.onmicrosoft.com"},
      "billingProfile": {"defaultAddress": {"country": "JP"}}}, "companyProfile.companyName"),
    ({"companyProfile": {"companyName": "X"}}, "companyProfile.domain"),
])
def test_create_customer_bad_input_is_400_naming_the_field_and_saves_nothing(api_for, body, field):
    before = (Customer.objects.count(), ActivityRecord.objects.count())
    response = api_for("admin.agent").post("/v1/customers", body, format="json")
    assert response.status_code == 400
    payload = response.json()
    assert payload["code"] == "400" and payload["source"] == "PartnerCenter"
    assert field in [entry["field"] for entry in payload["data"]]
    assert (Customer.objects.count(), ActivityRecord.objects.count()) == before


def test_malformed_json_is_400(api_for):
    response = api_for("admin.agent").post("/v1/customers", "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "400"


@pytest.mark.parametrize("persona", ["helpdesk.agent", "billing.admin", "account.admin"])
def test_roles_that_cannot_create_customers_get_403(api_for, client_for, persona):
    response = api_for(persona).post("/v1/customers", {}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "403"
    assert client_for(persona).post("/customers/new/", {}).status_code == 403


def test_create_customer_form(client_for):
    client = client_for("global.admin")
    bad = client.post("/customers/new/", {"company_name": "A", "domain": "fabrikam", "country": "JP"})
    assert bad.status_code == 400
    assert "already in use" in bad.content.decode()
    good = client.post("/customers/new/", {"company_name": "Alpine Ski House", "domain": "alpineski",
                                           "country": "JP"})
    assert good.status_code == 302
    assert Customer.objects.filter(domain="alpineski.onmicrosoft.com", company_name="Alpine Ski House").exists()


def test_customer_list_page_searches_and_escapes(client_for, fabrikam):
    client = client_for("helpdesk.agent")
    page = client.get("/customers/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    page = client.get("/customers/", {"q": "Fabrikam"}).content.decode()
    assert "Fabrikam" in page and "Northwind" not in page


def test_tenant_users_see_no_partner_customers(client_for, api_for):
    assert client_for("admin@fabrikam.onmicrosoft.com").get("/customers/").status_code == 403
    assert api_for("admin@fabrikam.onmicrosoft.com").get("/v1/customers").status_code == 403
