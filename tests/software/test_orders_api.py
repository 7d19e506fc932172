"""Offers and orders API (docs/API.md "Offers", "Orders"): shapes, validation, 700001, roles and partner scoping."""
from __future__ import annotations

import re
import uuid

import pytest

from software.models import Order

pytestmark = pytest.mark.django_db

ORDER_KEYS = {"id", "alternateId", "referenceCustomerId", "creationDate", "status", "currencyCode", "lineItems"}
LINE_KEYS = {"lineItemNumber", "offerId", "friendlyName", "quantity", "termDuration", "status", "unitPrice",
             "subtotal", "taxTotal", "total"}


def orders_url(customer):
    return f"/v1/customers/{customer.tenant_id}/orders"


def test_offers_for_japan_have_the_api_shape(api_for):
    # given
    api = api_for("sales.agent")
    # when
    response = api.get("/v1/offers?country=JP")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["totalCount"] == len(body["items"]) == 8
    ws = next(item for item in body["items"] if item["id"] == "WS2022-STD")
    assert ws == {"id": "WS2022-STD", "name": "Windows Server 2022 Standard", "productType": "perpetualSoftware",
                  "termDuration": None, "unitPrice": "98000", "currencyCode": "JPY", "taxInclusive": False,
                  "cancellationWindowDays": 60, "isPurchasable": True}
    rhel = next(item for item in body["items"] if item["id"] == "RHEL")
    assert rhel["cancellationWindowDays"] is None and rhel["termDuration"] == "P1Y"


def test_offers_mark_reservations_unpurchasable_in_china_and_money_has_minor_units(api_for):
    # given
    api = api_for("helpdesk.agent")
    # when
    cn = {item["id"]: item for item in api.get("/v1/offers?country=CN").json()["items"]}
    au = {item["id"]: item for item in api.get("/v1/offers?country=au").json()["items"]}
    # then
    assert cn["AZ-RI-VM-P1Y"]["isPurchasable"] is False
    assert cn["WS2022-STD"]["isPurchasable"] is True
    assert au["AZ-RI-VM-P1Y"]["isPurchasable"] is True
    assert au["WS2022-STD"]["taxInclusive"] is True
    assert re.fullmatch(r"\d+\.\d{2}", au["WS2022-STD"]["unitPrice"])


@pytest.mark.parametrize("query", ["", "?country=", "?country=XX", "?country=JPN"])
def test_offers_need_a_known_country(api_for, query):
    # when
    response = api_for("sales.agent").get(f"/v1/offers{query}")
    # then
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "400"
    assert [d["field"] for d in body["data"]] == ["country"]


def test_place_order_returns_201_with_the_order_json(api_for, fabrikam):
    # given
    api = api_for("sales.agent")
    body = {"lineItems": [{"lineItemNumber": 0, "offerId": "WS2022-STD", "quantity": 1},
                          {"lineItemNumber": 1, "offerId": "SQL2022-ENT-P1Y", "quantity": 2}]}
    # when
    response = api.post(orders_url(fabrikam), body, format="json")
    # then
    assert response.status_code == 201, response.json()
    order = response.json()
    assert set(order) == ORDER_KEYS
    assert order["referenceCustomerId"] == str(fabrikam.tenant_id)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", order["creationDate"])
    assert order["status"] == "completed" and order["currencyCode"] == "JPY"
    assert [set(line) for line in order["lineItems"]] == [LINE_KEYS, LINE_KEYS]
    assert order["lineItems"][0] == {"lineItemNumber": 0, "offerId": "WS2022-STD",
                                     "friendlyName": "Windows Server 2022 Standard", "quantity": 1,
                                     "termDuration": None, "status": "active", "unitPrice": "98000",
                                     "subtotal": "98000", "taxTotal": "9800", "total": "107800"}
    assert order["lineItems"][1]["termDuration"] == "P1Y"
    assert order["lineItems"][1]["total"] == "1738000"  # 790000 × 2 × 1.10
    assert Order.objects.filter(pk=order["id"], customer=fabrikam).exists()


def test_order_get_and_list(api_for, fabrikam, place_order):
    # given
    order = place_order(fabrikam, "WS2022-STD")
    api = api_for("helpdesk.agent")
    # when
    one = api.get(f"{orders_url(fabrikam)}/{order.id}")
    many = api.get(f"{orders_url(fabrikam)}?size=1")
    # then
    assert one.status_code == 200
    assert one.json()["id"] == str(order.id)
    assert one.json()["alternateId"] == order.alternate_id
    assert many.status_code == 200
    assert many.json()["totalCount"] >= 1 and len(many.json()["items"]) == 1
    assert set(many.json()["items"][0]) == ORDER_KEYS


def test_tax_inclusive_market_total_is_price_times_quantity(api_for, customer_in):
    # given
    wingtip = customer_in("AU")
    # when
    response = api_for("sales.agent").post(orders_url(wingtip), {"lineItems": [
        {"offerId": "WS2022-STD", "quantity": 5}]}, format="json")
    # then
    line = response.json()["lineItems"][0]
    assert line["unitPrice"] == "1624.88"  # 1069.00 × 1.52
    assert line["total"] == "8124.40"
    assert line["taxTotal"] == "738.58"  # 8124.40 × 0.1 / 1.1 = 738.581...
    assert line["subtotal"] == "7385.82"


@pytest.mark.parametrize("line, field", [
    ({"offerId": "NOPE", "quantity": 1}, "lineItems[0].offerId"),
    ({"offerId": "WS2022-STD", "quantity": 0}, "lineItems[0].quantity"),
    ({"offerId": "WS2022-STD", "quantity": -1}, "lineItems[0].quantity"),
    ({"offerId": "WS2022-STD", "quantity": 1001}, "lineItems[0].quantity"),
    ({"offerId": "WS2022-STD", "quantity": "2"}, "lineItems[0].quantity"),
    ({"offerId": "WS2022-STD", "quantity": 1.5}, "lineItems[0].quantity"),
    ({"offerId": "WS2022-STD", "quantity": 1.0}, "lineItems[0].quantity"),
    ({"offerId": "WS2022-STD", "quantity": True}, "lineItems[0].quantity"),
    ({"offerId": "WS2022-STD"}, "lineItems[0].quantity"),
])
def test_bad_line_is_a_400_naming_the_field_and_saves_nothing(api_for, fabrikam, line, field):
    # given
    before = Order.objects.count()
    # when
    response = api_for("sales.agent").post(orders_url(fabrikam), {"lineItems": [line]}, format="json")
    # then
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "400" and body["source"] == "PartnerCenter"
    assert field in [d["field"] for d in body["data"]]
    assert Order.objects.count() == before


@pytest.mark.parametrize("body", [{}, {"lineItems": []}, {"lineItems": "x"}])
def test_empty_order_is_a_400(api_for, fabrikam, body):
    response = api_for("sales.agent").post(orders_url(fabrikam), body, format="json")
    assert response.status_code == 400
    assert "lineItems" in [d["field"] for d in response.json()["data"]]


def test_reservation_in_china_is_700001(api_for, customer_in):
    # given
    litware = customer_in("CN")
    before = Order.objects.count()
    # when
    response = api_for("sales.agent").post(orders_url(litware), {"lineItems": [
        {"offerId": "AZ-RI-VM-P1Y", "quantity": 1}]}, format="json")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "700001"
    assert Order.objects.count() == before


@pytest.mark.parametrize("persona, expected", [("sales.agent", 201), ("admin.agent", 201), ("global.admin", 201),
                                               ("helpdesk.agent", 403), ("billing.admin", 403),
                                               ("account.admin", 403)])
def test_who_can_buy(api_for, fabrikam, persona, expected):
    response = api_for(persona).post(orders_url(fabrikam), {"lineItems": [
        {"offerId": "WS2022-STD", "quantity": 1}]}, format="json")
    assert response.status_code == expected
    if expected == 403:
        assert response.json()["code"] == "403"


def test_customer_users_cannot_read_orders(api_for, fabrikam):
    response = api_for("admin@fabrikam.onmicrosoft.com").get(orders_url(fabrikam))
    assert response.status_code == 403


def test_anonymous_is_401(client, fabrikam):
    assert client.get(orders_url(fabrikam)).status_code == 401


def test_other_partners_orders_are_404(api_for, fabrikam, place_order):
    # given
    order = place_order(fabrikam, "WS2022-STD")
    adatum = api_for("admin.agent@adatum-partner.example")
    # when
    responses = [adatum.get(orders_url(fabrikam)), adatum.get(f"{orders_url(fabrikam)}/{order.id}"),
                 adatum.post(orders_url(fabrikam), {"lineItems": [{"offerId": "WS2022-STD", "quantity": 1}]},
                             format="json")]
    # then
    assert [r.status_code for r in responses] == [404, 404, 404]
    assert all(r.json()["code"] == "20000" for r in responses)


def test_order_of_another_customer_or_bad_id_is_404(api_for, fabrikam, customer_in, place_order):
    # given
    order = place_order(customer_in("US"), "WS2022-STD")
    api = api_for("admin.agent")
    # when / then
    for order_id in (order.id, uuid.uuid4(), "not-a-uuid"):
        response = api.get(f"{orders_url(fabrikam)}/{order_id}")
        assert response.status_code == 404
        assert response.json()["code"] == "20000"
