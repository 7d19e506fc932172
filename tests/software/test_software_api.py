"""API: entitlements, product keys and download links (docs/API.md; D-ROLE-1, D-ROLE-4, D-SW-3, D-CAN-7)."""
from __future__ import annotations

import re
import uuid

import pytest

from accounts.roles import PERMISSIONS, Perm, Role
from activitylog.models import ActivityRecord, Operation
from cancellations.services import cancellation_process, cancellation_request
from software.models import DownloadLink
from tests.software.conftest import KEY_PATTERN, PARTNER_USERS

pytestmark = pytest.mark.django_db

KEY_FORMAT = re.compile(f"^{KEY_PATTERN}$")
LINK_BODY = {"version": "2022", "language": "ja-JP", "fileType": "x64 ISO"}


def key_url(customer, entitlement) -> str:
    return f"/v1/customers/{customer.tenant_id}/entitlements/{entitlement.pk}/productkey"


def links_url(customer, entitlement) -> str:
    return f"/v1/customers/{customer.tenant_id}/entitlements/{entitlement.pk}/downloadlinks"


def test_entitlement_list_has_the_documented_shape(api_for, fabrikam, order):
    # when
    response = api_for("helpdesk.agent").get(f"/v1/customers/{fabrikam.tenant_id}/entitlements",
                                             {"entitlementType": "software"})
    # then
    assert response.status_code == 200
    body = response.json()
    ours = [item for item in body["items"] if item["referenceOrder"]["id"] == str(order.pk)]
    assert {item["productId"] for item in ours} == {"WS2022-STD", "SQL2022-ENT-P1Y"}
    item = next(i for i in ours if i["productId"] == "SQL2022-ENT-P1Y")
    assert set(item) == {"id", "entitlementType", "productId", "friendlyName", "quantity", "status",
                         "referenceOrder", "variants"}
    assert item["entitlementType"] == "software"
    assert item["quantity"] == 2
    assert item["status"] == "active"
    assert item["referenceOrder"] == {"id": str(order.pk), "lineItemId": 1}
    assert {"version": "2022", "language": "ja-JP", "fileType": "x64 ISO"} in item["variants"]
    assert body["totalCount"] >= 2


def test_entitlement_list_pages(api_for, fabrikam, order):
    # when
    response = api_for("admin.agent").get(f"/v1/customers/{fabrikam.tenant_id}/entitlements", {"size": 1})
    # then
    body = response.json()
    assert len(body["items"]) == 1
    assert body["totalCount"] >= 2
    assert "offset=1" in body["links"]["next"]["uri"]


def test_product_key_has_the_format_and_never_changes(api_for, fabrikam, entitlement):
    # given
    api = api_for("admin.agent")
    # when
    first = api.get(key_url(fabrikam, entitlement))
    second = api.get(key_url(fabrikam, entitlement))
    # then
    assert first.status_code == 200
    key = first.json()["productKey"]
    assert KEY_FORMAT.match(key)
    assert second.json()["productKey"] == key
    assert ActivityRecord.objects.filter(operation_type=Operation.GET_SOFTWARE_KEY,
                                         customer_id=fabrikam.tenant_id).count() >= 2
    entitlement.refresh_from_db()
    assert key not in entitlement.product_key_encrypted


def test_download_link_is_created(api_for, fabrikam, entitlement, client):
    # when
    response = api_for("admin.agent").post(links_url(fabrikam, entitlement), LINK_BODY, format="json")
    # then
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"uri", "expiresAt", "downloadsRemaining", "fileName", "size", "sha256"}
    assert body["uri"].startswith("http://testserver/download/")
    assert body["downloadsRemaining"] == 50
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", body["expiresAt"])
    assert len(body["sha256"]) == 64
    assert client.get(body["uri"].removeprefix("http://testserver")).status_code == 200
    assert ActivityRecord.objects.filter(operation_type=Operation.GET_SOFTWARE_DOWNLOAD_LINK,
                                         customer_id=fabrikam.tenant_id).exists()


def test_download_link_uses_the_public_base_url(api_for, fabrikam, entitlement, settings):
    # given
    settings.PUBLIC_BASE_URL = "https://portal.example/"
    # when
    body = api_for("admin.agent").post(links_url(fabrikam, entitlement), LINK_BODY, format="json").json()
    # then
    assert body["uri"].startswith("https://portal.example/download/")


def test_unknown_variant_is_400(api_for, fabrikam, entitlement):
    # when
    response = api_for("admin.agent").post(links_url(fabrikam, entitlement),
                                           {**LINK_BODY, "language": "xx-XX"}, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "400"


def test_missing_fields_are_400(api_for, fabrikam, entitlement):
    # when
    response = api_for("admin.agent").post(links_url(fabrikam, entitlement), {"version": "2022"}, format="json")
    # then
    assert response.status_code == 400
    assert {d["field"] for d in response.json()["data"]} >= {"language", "fileType"}


@pytest.mark.parametrize("user", PARTNER_USERS)
def test_only_the_admin_agent_gets_keys_and_links(api_for, fabrikam, entitlement, user):
    # given
    api = api_for(user)
    # when
    key = api.get(key_url(fabrikam, entitlement))
    link = api.post(links_url(fabrikam, entitlement), LINK_BODY, format="json")
    listing = api.get(f"/v1/customers/{fabrikam.tenant_id}/entitlements")
    # then
    assert listing.status_code == 200
    if user == "admin.agent":
        assert (key.status_code, link.status_code) == (200, 201)
    else:
        assert (key.status_code, link.status_code) == (403, 403)
        assert key.json()["code"] == "403"


def test_the_role_table_gives_software_access_to_the_admin_agent_alone():
    assert PERMISSIONS[Perm.SOFTWARE_ACCESS] == frozenset({Role.ADMIN_AGENT})


def test_tenant_users_cannot_use_the_partner_api(api_for, fabrikam, entitlement):
    # when
    response = api_for("admin@fabrikam.onmicrosoft.com").get(key_url(fabrikam, entitlement))
    # then
    assert response.status_code == 403


def test_another_partners_customer_and_entitlements_are_404(api_for, fabrikam, entitlement):
    # given
    adatum = api_for("admin.agent@adatum-partner.example")
    # when
    responses = [adatum.get(f"/v1/customers/{fabrikam.tenant_id}/entitlements"),
                 adatum.get(key_url(fabrikam, entitlement)),
                 adatum.post(links_url(fabrikam, entitlement), LINK_BODY, format="json")]
    # then
    assert [r.status_code for r in responses] == [404, 404, 404]
    assert {r.json()["code"] for r in responses} == {"20000"}


def test_entitlement_of_another_customer_and_bad_ids_are_404(api_for, fabrikam, customer_in, place_order):
    # given: an entitlement of Northwind (same partner) asked for under Fabrikam
    other = place_order(customer_in("US"), "WS2022-DC").lines.get().entitlement
    api = api_for("admin.agent")
    # when
    responses = [api.get(key_url(fabrikam, other)),
                 api.get(f"/v1/customers/{fabrikam.tenant_id}/entitlements/not-a-uuid/productkey"),
                 api.get(f"/v1/customers/{fabrikam.tenant_id}/entitlements/{uuid.uuid4()}/productkey"),
                 api.get("/v1/customers/not-a-uuid/entitlements")]
    # then
    assert [r.status_code for r in responses] == [404, 404, 404, 404]


def test_cancelled_purchase_key_and_links_are_gone(api_for, user_for, fabrikam, order, entitlement, client):
    # given
    api = api_for("admin.agent")
    uri = api.post(links_url(fabrikam, entitlement), LINK_BODY, format="json").json()["uri"]
    request = cancellation_request(actor=user_for("admin.agent"), order=order)
    cancellation_process(request_id=request.pk)
    # when
    key = api.get(key_url(fabrikam, entitlement))
    link = api.post(links_url(fabrikam, entitlement), LINK_BODY, format="json")
    listing = api.get(f"/v1/customers/{fabrikam.tenant_id}/entitlements").json()
    # then
    assert key.status_code == 410 and key.json()["code"] == "700002"
    assert link.status_code == 410 and link.json()["code"] == "700002"
    assert client.get(uri.removeprefix("http://testserver")).status_code == 410
    assert DownloadLink.objects.filter(entitlement=entitlement, status=DownloadLink.Status.REVOKED).exists()
    item = next(i for i in listing["items"] if i["id"] == str(entitlement.pk))
    assert item["status"] == "cancelled"
