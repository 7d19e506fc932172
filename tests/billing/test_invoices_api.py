"""Invoices API (docs/API.md "Invoices"): shapes, totals, credits, roles and partner scoping (D-ROLE-4)."""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from billing.models import Invoice
from billing.services import charge_for, credit_post

pytestmark = pytest.mark.django_db

INVOICE_KEYS = {"id", "billingPeriodStartDate", "billingPeriodEndDate", "invoiceDate", "status", "currencyCode",
                "totalCharges"}
LINE_KEYS = {"id", "chargeType", "orderId", "lineItemNumber", "customerId", "customerName", "customerDomainName",
             "customerCountry", "offerId", "productName", "quantity", "unitPrice", "subtotal", "taxTotal",
             "totalForCustomer", "currency", "chargeStartDate", "chargeEndDate", "referenceId"}


def current_invoice(partner_id, currency):
    start = timezone.now().date().replace(day=1)
    return Invoice.objects.get(partner_id=partner_id, currency=currency, period_start=start)


def test_invoice_list_and_detail_shapes(api_for, fabrikam, place_order):
    # given
    place_order(fabrikam, "WS2022-STD")
    invoice = current_invoice(fabrikam.partner_id, "JPY")
    api = api_for("billing.admin")
    # when
    listing = api.get("/v1/invoices")
    detail = api.get(f"/v1/invoices/{invoice.id}")
    # then
    assert listing.status_code == 200
    assert all(set(item) == INVOICE_KEYS for item in listing.json()["items"])
    assert str(invoice.id) in [item["id"] for item in listing.json()["items"]]
    body = detail.json()
    assert body["status"] == "open" and body["invoiceDate"] is None and body["currencyCode"] == "JPY"
    assert body["billingPeriodStartDate"] == invoice.period_start.isoformat()
    assert body["billingPeriodEndDate"] == invoice.period_end.isoformat()


def test_total_charges_is_the_sum_of_the_lines_including_credits(api_for, fabrikam, place_order):
    # given
    order = place_order(fabrikam, "WS2022-STD", ("SQL2022-ENT-P1Y", 2))
    charge = charge_for(order_id=order.id, line_item_number=0)
    with transaction.atomic():
        credit, created = credit_post(partner_id=fabrikam.partner_id, charge=charge, subtotal=Decimal("98000"),
                                      tax=Decimal("9800"), total=Decimal("107800"), at=timezone.now())
    invoice = current_invoice(fabrikam.partner_id, "JPY")
    api = api_for("admin.agent")
    # when
    body = api.get(f"/v1/invoices/{invoice.id}").json()
    lines = api.get(f"/v1/invoices/{invoice.id}/lineitems?size=500").json()
    # then
    assert created
    assert all(set(line) == LINE_KEYS for line in lines["items"])
    assert lines["totalCount"] == len(lines["items"])
    total = sum(Decimal(line["totalForCustomer"]) for line in lines["items"])
    assert body["totalCharges"] == str(total)  # JPY: no minor unit
    ours = [line for line in lines["items"] if line["orderId"] == str(order.id)]
    assert {(line["chargeType"], line["lineItemNumber"]) for line in ours} == {
        ("new", 0), ("new", 1), ("cancelImmediate", 0)}
    credit_out = next(line for line in ours if line["chargeType"] == "cancelImmediate")
    assert credit_out["referenceId"] == str(charge.id)
    assert credit_out["totalForCustomer"] == "-107800" and credit_out["subtotal"] == "-98000"
    assert credit_out["taxTotal"] == "-9800"
    charge_out = next(line for line in ours if line["chargeType"] == "new" and line["lineItemNumber"] == 0)
    assert charge_out["referenceId"] is None
    assert charge_out == {**charge_out, "customerId": str(fabrikam.tenant_id), "customerName": "Fabrikam",
                          "customerDomainName": "fabrikam.onmicrosoft.com", "customerCountry": "JP",
                          "offerId": "WS2022-STD", "productName": "Windows Server 2022 Standard", "quantity": 1,
                          "unitPrice": "98000", "subtotal": "98000", "taxTotal": "9800",
                          "totalForCustomer": "107800", "currency": "JPY"}
    assert dt.date.fromisoformat(charge_out["chargeStartDate"]) <= dt.date.fromisoformat(charge_out["chargeEndDate"])


def test_usd_money_strings_have_two_places(api_for, customer_in, place_order):
    # given
    place_order(customer_in("US"), "WS2022-STD")
    invoice = current_invoice(customer_in("US").partner_id, "USD")
    # when
    body = api_for("billing.admin").get(f"/v1/invoices/{invoice.id}").json()
    # then
    assert body["totalCharges"].split(".")[1].__len__() == 2


@pytest.mark.parametrize("persona, expected", [("billing.admin", 200), ("admin.agent", 200), ("global.admin", 200),
                                               ("sales.agent", 403), ("helpdesk.agent", 403),
                                               ("account.admin", 403)])
def test_who_reads_invoices(api_for, persona, expected):
    response = api_for(persona).get("/v1/invoices")
    assert response.status_code == expected


def test_other_partners_invoices_are_404(api_for, fabrikam, place_order):
    # given
    place_order(fabrikam, "WS2022-STD")
    invoice = current_invoice(fabrikam.partner_id, "JPY")
    adatum = api_for("global.admin@adatum-partner.example")
    # when
    responses = [adatum.get(f"/v1/invoices/{invoice.id}"), adatum.get(f"/v1/invoices/{invoice.id}/lineitems"),
                 adatum.get(f"/v1/invoices/{uuid.uuid4()}"), adatum.get("/v1/invoices/not-a-uuid")]
    listing = adatum.get("/v1/invoices?size=500").json()
    # then
    assert [r.status_code for r in responses] == [404] * 4
    assert all(r.json()["code"] == "20000" for r in responses)
    assert str(invoice.id) not in [item["id"] for item in listing["items"]]
