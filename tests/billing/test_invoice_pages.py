"""Invoice pages: list, detail with charges and credits, CSV export (streamed, injection-safe), roles, scoping."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from billing.models import Invoice
from billing.services import charge_for, credit_post
from billing.views import csv_safe
from customers.models import Customer

pytestmark = pytest.mark.django_db


def current_invoice(partner_id, currency):
    return Invoice.objects.get(partner_id=partner_id, currency=currency,
                               period_start=timezone.now().date().replace(day=1))


def test_billing_admin_sees_the_invoice_list_and_detail(client_for, fabrikam, place_order):
    # given
    order = place_order(fabrikam, "WS2022-STD")
    invoice = current_invoice(fabrikam.partner_id, "JPY")
    client = client_for("billing.admin")
    # when
    listing = client.get(reverse("billing:invoices"))
    detail = client.get(reverse("billing:invoice_detail", kwargs={"invoice_id": invoice.id}))
    # then
    assert listing.status_code == 200
    assert reverse("billing:invoice_detail", kwargs={"invoice_id": invoice.id}) in listing.content.decode()
    assert detail.status_code == 200
    html = detail.content.decode()
    assert str(order.id) in html and "¥107,800" in html


def test_csv_export_has_the_api_columns_and_credits(client_for, fabrikam, place_order):
    # given
    order = place_order(fabrikam, "WS2022-STD")
    charge = charge_for(order_id=order.id, line_item_number=0)
    with transaction.atomic():
        credit_post(partner_id=fabrikam.partner_id, charge=charge, subtotal=Decimal("98000"), tax=Decimal("9800"),
                    total=Decimal("107800"), at=timezone.now())
    invoice = current_invoice(fabrikam.partner_id, "JPY")
    # when
    response = client_for("billing.admin").get(reverse("billing:invoice_csv", kwargs={"invoice_id": invoice.id}))
    # then
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert list(rows[0])[:3] == ["chargeType", "orderId", "lineItemNumber"]
    assert "totalForCustomer" in rows[0] and "referenceId" in rows[0]
    ours = [row for row in rows if row["orderId"] == str(order.id)]
    credit = next(row for row in ours if row["chargeType"] == "cancelImmediate")
    assert credit["totalForCustomer"] == "-107800"  # a plain negative number is not quoted
    assert credit["referenceId"] == str(charge.id)


def test_csv_neutralises_formulas(client_for, fabrikam, place_order):
    # given
    Customer.objects.filter(pk=fabrikam.pk).update(company_name='=HYPERLINK("http://evil.example")')
    fabrikam.refresh_from_db()
    place_order(fabrikam, "WS2022-STD")
    invoice = current_invoice(fabrikam.partner_id, "JPY")
    # when
    response = client_for("admin.agent").get(reverse("billing:invoice_csv", kwargs={"invoice_id": invoice.id}))
    # then
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    names = {row["customerName"] for row in rows}
    assert "'=HYPERLINK(\"http://evil.example\")" in names
    assert not any(value.startswith(("=", "+", "@")) for row in rows for value in row.values())


@pytest.mark.parametrize("value, out", [("=1+1", "'=1+1"), ("+1", "'+1"), ("@SUM(A1)", "'@SUM(A1)"),
                                        ("-1+2", "'-1+2"), ("-107800", "-107800"), ("-12.50", "-12.50"),
                                        ("Fabrikam", "Fabrikam"), (None, ""), ("\tx", "'\tx")])
def test_csv_safe(value, out):
    assert csv_safe(value) == out


@pytest.mark.parametrize("persona, expected", [("billing.admin", 200), ("global.admin", 200),
                                               ("sales.agent", 403), ("helpdesk.agent", 403)])
def test_who_can_open_the_invoice_pages(client_for, persona, expected):
    assert client_for(persona).get(reverse("billing:invoices")).status_code == expected


def test_other_partners_invoice_pages_are_404(client_for, fabrikam, place_order):
    # given
    place_order(fabrikam, "WS2022-STD")
    invoice = current_invoice(fabrikam.partner_id, "JPY")
    client = client_for("admin.agent@adatum-partner.example")
    # when
    detail = client.get(reverse("billing:invoice_detail", kwargs={"invoice_id": invoice.id}))
    export = client.get(reverse("billing:invoice_csv", kwargs={"invoice_id": invoice.id}))
    listing = client.get(reverse("billing:invoices"))
    # then
    assert detail.status_code == 404 and export.status_code == 404
    assert str(invoice.id) not in listing.content.decode()


def test_invoice_lines_are_paged_and_the_totals_cover_the_whole_invoice(client_for, fabrikam, place_order,
                                                                        monkeypatch):
    # given: two charges on one invoice, one line per page
    import billing.views

    monkeypatch.setattr(billing.views, "LINES_PER_PAGE", 1)
    first = place_order(fabrikam, "WS2022-STD")
    second = place_order(fabrikam, "WS2022-STD")
    invoice = current_invoice(fabrikam.partner_id, "JPY")
    url = reverse("billing:invoice_detail", kwargs={"invoice_id": invoice.id})
    client = client_for("billing.admin")
    # when
    pages = [client.get(url, {"page": n}).content.decode() for n in (1, 2)]
    export = b"".join(client.get(reverse("billing:invoice_csv", kwargs={"invoice_id": invoice.id}))
                      .streaming_content).decode()
    # then: each page shows one of the orders, both show the invoice's total, the CSV has both
    assert (str(first.id) in pages[0]) != (str(second.id) in pages[0])
    assert (str(first.id) in pages[1]) != (str(second.id) in pages[1])
    assert str(first.id) in pages[0] + pages[1] and str(second.id) in pages[0] + pages[1]
    assert all("¥215,600" in page and 'rel="next"' in pages[0] for page in pages)
    assert str(first.id) in export and str(second.id) in export
