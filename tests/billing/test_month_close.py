"""D-BILL-3/4: the month close is idempotent, a late charge goes to the next open invoice, and an issued
invoice never changes (services and database triggers)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import DatabaseError, transaction

from billing.models import Invoice, InvoiceLine
from billing.services import invoices_close

pytestmark = pytest.mark.django_db

JAN_15 = dt.datetime(2031, 1, 15, 12, 0, tzinfo=dt.UTC)
FEB_1 = dt.date(2031, 2, 1)


def snapshot():
    return sorted(Invoice.objects.values_list("id", "status", "invoice_date"))


def test_close_twice_changes_nothing_the_second_time(fabrikam, place_order):
    # given
    with time_machine.travel(JAN_15, tick=False):
        place_order(fabrikam, "WS2022-STD")
    january = Invoice.objects.get(partner_id=fabrikam.partner_id, currency="JPY", period_start=dt.date(2031, 1, 1))
    assert january.status == Invoice.Status.OPEN
    # when
    first = invoices_close(today=FEB_1)
    after_first = snapshot()
    second = invoices_close(today=FEB_1)
    # then
    january.refresh_from_db()
    assert first >= 1
    assert second == 0
    assert snapshot() == after_first
    assert (january.status, january.invoice_date) == (Invoice.Status.ISSUED, FEB_1)


def test_close_leaves_the_running_month_open(fabrikam, place_order):
    # given
    with time_machine.travel(JAN_15, tick=False):
        place_order(fabrikam, "WS2022-STD")
    # when
    invoices_close(today=dt.date(2031, 1, 31))
    # then
    january = Invoice.objects.get(partner_id=fabrikam.partner_id, currency="JPY", period_start=dt.date(2031, 1, 1))
    assert january.status == Invoice.Status.OPEN


def test_a_charge_after_the_close_goes_to_the_next_open_invoice(fabrikam, place_order):
    # given: January is closed early (e.g. a clock skew), then a January-dated order arrives
    with time_machine.travel(JAN_15, tick=False):
        place_order(fabrikam, "WS2022-STD")
    invoices_close(today=FEB_1)
    january = Invoice.objects.get(partner_id=fabrikam.partner_id, currency="JPY", period_start=dt.date(2031, 1, 1))
    lines_before = list(january.lines.values_list("id", flat=True))
    # when
    with time_machine.travel(dt.datetime(2031, 1, 31, 23, 59, tzinfo=dt.UTC), tick=False):
        late = place_order(fabrikam, "SQL2022-STD")
    # then
    line = InvoiceLine.objects.get(order_id=late.id)
    assert line.invoice.period_start == dt.date(2031, 2, 1)
    assert line.invoice.status == Invoice.Status.OPEN
    assert list(january.lines.values_list("id", flat=True)) == lines_before


def test_an_issued_invoice_refuses_a_line_even_through_the_orm(fabrikam, place_order):
    # given
    with time_machine.travel(JAN_15, tick=False):
        order = place_order(fabrikam, "WS2022-STD")
    invoices_close(today=FEB_1)
    charge = InvoiceLine.objects.get(order_id=order.id)
    fields = {f.name: getattr(charge, f.name) for f in InvoiceLine._meta.concrete_fields
              if f.name not in ("id", "invoice", "reference")}
    # when / then: a new line on the issued invoice
    with pytest.raises(DatabaseError), transaction.atomic():
        InvoiceLine.objects.create(invoice=charge.invoice, **{**fields, "line_item_number": 99})
    # an existing line
    with pytest.raises(DatabaseError), transaction.atomic():
        InvoiceLine.objects.filter(pk=charge.pk).update(total=Decimal("1"))
    # the invoice itself
    with pytest.raises(DatabaseError), transaction.atomic():
        Invoice.objects.filter(pk=charge.invoice_id).update(status=Invoice.Status.OPEN)
    charge.invoice.refresh_from_db()
    assert charge.invoice.status == Invoice.Status.ISSUED
    assert InvoiceLine.objects.filter(invoice=charge.invoice).count() == 1
