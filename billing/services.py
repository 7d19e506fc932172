"""Posting charges and credits to monthly invoices, and the month close (D-BILL-3/4)."""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .models import Invoice, InvoiceLine


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    start = day.replace(day=1)
    return start, day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _next_month(start: dt.date) -> dt.date:
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def invoice_open_for(*, partner_id: int, currency: str, at: dt.datetime) -> Invoice:
    """The open invoice that a posting made at `at` goes to, locked for the caller's transaction.

    Normally the invoice of `at`'s month; if that month is already issued, the next open one."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("post to an invoice inside a transaction")
    start = timezone.localtime(at, dt.UTC).date().replace(day=1)
    while True:
        _, end = month_bounds(start)
        invoice, _created = Invoice.objects.get_or_create(
            partner_id=partner_id, period_start=start, currency=currency, defaults={"period_end": end})
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.status == Invoice.Status.OPEN:
            return invoice
        start = _next_month(start)


@dataclass(frozen=True)
class LineSnapshot:
    """What an invoice line records about the order line it bills (a snapshot, not a reference)."""

    order_id: object
    line_item_number: int
    customer_id: object
    customer_name: str
    customer_domain: str
    customer_country: str
    offer_id: str
    product_name: str
    quantity: int
    unit_price: Decimal
    currency: str
    charge_start: dt.date
    charge_end: dt.date


def charge_post(*, partner_id: int, snapshot: LineSnapshot, subtotal: Decimal, tax: Decimal, total: Decimal,
                at: dt.datetime) -> InvoiceLine:
    invoice = invoice_open_for(partner_id=partner_id, currency=snapshot.currency, at=at)
    return InvoiceLine.objects.create(invoice=invoice, charge_type=InvoiceLine.ChargeType.NEW, subtotal=subtotal,
                                      tax_total=tax, total=total, posted_at=at, **snapshot.__dict__)


def credit_post(*, partner_id: int, charge: InvoiceLine, subtotal: Decimal, tax: Decimal, total: Decimal,
                at: dt.datetime) -> tuple[InvoiceLine, bool]:
    """Post the (negative) credit for `charge` once. Returns (line, created); a second call finds the first."""
    existing = InvoiceLine.objects.filter(reference=charge, charge_type=InvoiceLine.ChargeType.CANCEL_IMMEDIATE).first()
    if existing:
        return existing, False
    invoice = invoice_open_for(partner_id=partner_id, currency=charge.currency, at=at)
    credit = InvoiceLine.objects.create(
        invoice=invoice, charge_type=InvoiceLine.ChargeType.CANCEL_IMMEDIATE, reference=charge,
        order_id=charge.order_id, line_item_number=charge.line_item_number, customer_id=charge.customer_id,
        customer_name=charge.customer_name, customer_domain=charge.customer_domain,
        customer_country=charge.customer_country, offer_id=charge.offer_id, product_name=charge.product_name,
        quantity=charge.quantity, unit_price=charge.unit_price, currency=charge.currency,
        charge_start=timezone.localtime(at, dt.UTC).date(), charge_end=charge.charge_end,
        subtotal=-subtotal, tax_total=-tax, total=-total, posted_at=at)
    return credit, True


def charge_for(*, order_id, line_item_number: int) -> InvoiceLine | None:
    return InvoiceLine.objects.filter(order_id=order_id, line_item_number=line_item_number,
                                      charge_type=InvoiceLine.ChargeType.NEW).first()


def invoices_close(*, today: dt.date | None = None) -> int:
    """Issue every open invoice whose month has ended. One set-based statement: idempotent, and safe
    to run concurrently (a second run finds nothing open). Returns how many were issued."""
    today = today or timezone.now().date()
    return Invoice.objects.filter(status=Invoice.Status.OPEN, period_end__lt=today).update(
        status=Invoice.Status.ISSUED, invoice_date=today)
