"""Invoice reads scoped to the signed-in user's partner (D-ROLE-4: another partner's invoice is a 404)."""
from __future__ import annotations

import uuid
from decimal import Decimal

from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.roles import PARTNER_ROLES

from .models import Invoice, InvoiceLine

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=18, decimal_places=2))


def invoices_for_user(user) -> QuerySet[Invoice]:
    """The partner's invoices, each annotated with `total_charges` (the sum of its lines' totals)."""
    qs = Invoice.objects.annotate(total_charges=Coalesce(Sum("lines__total"), ZERO))
    if getattr(user, "is_authenticated", False) and user.partner_id and user.role_set & PARTNER_ROLES:
        return qs.filter(partner_id=user.partner_id)
    return qs.none()


def invoice_get(user, invoice_id) -> Invoice:
    try:
        pk = uuid.UUID(str(invoice_id))
    except (ValueError, TypeError, AttributeError):
        raise Http404 from None
    invoice = invoices_for_user(user).filter(pk=pk).first()
    if invoice is None:
        raise Http404
    return invoice


def invoice_lines(invoice: Invoice) -> QuerySet[InvoiceLine]:
    return InvoiceLine.objects.filter(invoice=invoice).order_by("posted_at", "id")


def invoice_sums(invoice: Invoice) -> dict[str, Decimal]:
    """Subtotal, tax and total over the invoice's lines (charges minus credits)."""
    sums = InvoiceLine.objects.filter(invoice=invoice).aggregate(
        subtotal=Coalesce(Sum("subtotal"), ZERO), tax=Coalesce(Sum("tax_total"), ZERO),
        total=Coalesce(Sum("total"), ZERO))
    return sums
