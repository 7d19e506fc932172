"""PATCH /v1/customers/{tenantId}/orders/{orderId} (docs/API.md "Orders", D-CAN-9): body checks, roles,
another partner's order, and the line states it returns."""
from __future__ import annotations

import pytest
from django.urls import reverse

from cancellations.models import CancellationRequest
from software.models import OrderLine

OTHER_ROLES = ["sales.agent", "helpdesk.agent", "global.admin", "billing.admin", "account.admin",
               "referral.admin", "marketing.admin"]


def order_url(order) -> str:
    return reverse("api:customer_order", kwargs={"tenant_id": order.customer_id, "order_id": order.id})


def test_patch_cancels_whole_order_and_shows_cancel_pending(place_order, fabrikam, api_for):
    # given an order of two lines
    order = place_order(fabrikam, "WS2022-STD", "SQL2022-ENT-P1Y")
    # when the Admin agent cancels it
    response = api_for("admin.agent").patch(order_url(order), {"status": "cancelled"}, format="json")
    # then 200 with the order, every line cancelPending, one outbox row with both lines
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(order.id)
    assert body["status"] == "completed"
    assert [line["status"] for line in body["lineItems"]] == ["cancelPending", "cancelPending"]
    request = CancellationRequest.objects.get(order=order)
    assert sorted(request.line_item_numbers) == [0, 1]


def test_patch_with_line_items_cancels_only_those(place_order, fabrikam, api_for):
    # given an order of two lines
    order = place_order(fabrikam, "WS2022-STD", "WS2022-DC")
    # when only line 1 is cancelled
    response = api_for("admin.agent").patch(
        order_url(order), {"status": "cancelled", "lineItems": [{"lineItemNumber": 1}]}, format="json")
    # then line 1 is pending and line 0 stays active
    assert response.status_code == 200
    assert {line["lineItemNumber"]: line["status"] for line in response.json()["lineItems"]} == {
        0: "active", 1: "cancelPending"}


def test_get_still_works_on_the_taken_over_route(place_order, fabrikam, api_for):
    order = place_order(fabrikam, "WS2022-STD")
    for email in ["admin.agent", *OTHER_ROLES]:
        response = api_for(email).get(order_url(order))
        assert response.status_code == 200, email
        assert response.json()["id"] == str(order.id)


@pytest.mark.parametrize("body", [
    {"status": "active"},
    {"status": "completed"},
    {},
    {"status": "cancelled", "lineItems": []},
    {"status": "cancelled", "lineItems": [{"lineItemNumber": "0"}]},
    {"status": "cancelled", "lineItems": [{"lineItemNumber": -1}]},
    {"status": "cancelled", "lineItems": [{"lineItemNumber": 0}, {"lineItemNumber": 0}]},
    {"status": "cancelled", "lineItems": [{"lineItemNumber": 7}]},
    {"status": "cancelled", "lineItems": "all"},
    ["cancelled"],
])
def test_bad_bodies_are_400_and_save_nothing(place_order, fabrikam, api_for, body):
    # given an order
    order = place_order(fabrikam, "WS2022-STD")
    # when patched with a bad body
    response = api_for("admin.agent").patch(order_url(order), body, format="json")
    # then 400 with the Partner Center error body, nothing saved
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "400"
    assert response.json()["source"] == "PartnerCenter"
    assert not CancellationRequest.objects.filter(order=order).exists()
    assert order.lines.get().status == OrderLine.Status.ACTIVE


@pytest.mark.parametrize("email", OTHER_ROLES)
def test_only_admin_agent_may_patch(place_order, fabrikam, api_for, email):
    # given an order
    order = place_order(fabrikam, "WS2022-STD")
    # when another role patches it
    response = api_for(email).patch(order_url(order), {"status": "cancelled"}, format="json")
    # then 403 and nothing saved
    assert (response.status_code, response.json()["code"]) == (403, "403")
    assert not CancellationRequest.objects.exists() or not CancellationRequest.objects.filter(order=order).exists()


def test_unauthenticated_is_401(place_order, fabrikam):
    from rest_framework.test import APIClient

    order = place_order(fabrikam, "WS2022-STD")
    response = APIClient().patch(order_url(order), {"status": "cancelled"}, format="json")
    assert response.status_code == 401


def test_other_partners_order_is_404(place_order, woodgrove, fabrikam, api_for):
    # given Adatum's order for Woodgrove and Contoso's for Fabrikam
    adatum_order = place_order(woodgrove, "WS2022-STD")
    contoso_order = place_order(fabrikam, "WS2022-STD")
    # when each partner's Admin agent tries the other's order (also with a mismatched tenant in the path)
    from_contoso = api_for("admin.agent").patch(order_url(adatum_order), {"status": "cancelled"}, format="json")
    from_adatum = api_for("admin.agent@adatum-partner.example").patch(
        order_url(contoso_order), {"status": "cancelled"}, format="json")
    mismatched = api_for("admin.agent").patch(
        reverse("api:customer_order", kwargs={"tenant_id": fabrikam.tenant_id, "order_id": adatum_order.id}),
        {"status": "cancelled"}, format="json")
    # then 404 20000, nothing saved
    for response in (from_contoso, from_adatum, mismatched):
        assert (response.status_code, response.json()["code"]) == (404, "20000")
    assert not CancellationRequest.objects.filter(order__in=[adatum_order, contoso_order]).exists()


def test_patch_records_cancel_order_activity(place_order, fabrikam, api_for):
    from activitylog.models import ActivityRecord

    order = place_order(fabrikam, "WS2022-STD")
    before = ActivityRecord.objects.filter(operation_type="cancel_order").count()
    assert api_for("admin.agent").patch(order_url(order), {"status": "cancelled"}, format="json").status_code == 200
    assert ActivityRecord.objects.filter(operation_type="cancel_order").count() == before + 1
