"""Invoice reads scoped to the signed-in user's partner (D-ROLE-4: another partner's invoice is a 404)."""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.core.cache import cache
from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from accounts.permissions import object_scope
from accounts.roles import PARTNER_ROLES
from partnercenter.lookups import as_uuid, get_or_404

from .models import Invoice, InvoiceLine
from .services import month_bounds

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=18, decimal_places=2))


def invoices_for_user(user) -> QuerySet[Invoice]:
    """The partner's invoices, each annotated with `total_charges` (the sum of its lines' totals)."""
    # Explicit order: Meta.ordering does not apply to an aggregate query, and pages must be stable.
    qs = (Invoice.objects.annotate(total_charges=Coalesce(Sum("lines__total"), ZERO))
          .order_by("-period_start", "currency", "id"))
    if getattr(user, "is_authenticated", False) and user.partner_id and user.role_set & PARTNER_ROLES:
        return qs.filter(partner_id=user.partner_id)
    return qs.none()


@object_scope("invoice_id")
def _invoice_visible(user, value) -> bool:
    pk, partner_id = as_uuid(value), getattr(user, "partner_id", None)
    return pk is not None and partner_id is not None and Invoice.objects.filter(pk=pk, partner_id=partner_id).exists()


def invoice_get(user, invoice_id) -> Invoice:
    return get_or_404(invoices_for_user(user), invoice_id)


def invoice_for_month(*, partner_id: int, currency: str, day: dt.date) -> Invoice | None:
    """The partner's invoice in `currency` for the month holding `day`, if there is one yet."""
    start, _end = month_bounds(day)
    return Invoice.objects.filter(partner_id=partner_id, currency=currency, period_start=start).first()


def invoice_lines(invoice: Invoice) -> QuerySet[InvoiceLine]:
    return InvoiceLine.objects.filter(invoice=invoice).order_by("posted_at", "id")


def invoice_sums(invoice: Invoice) -> dict[str, Decimal]:
    """Subtotal, tax and total over the invoice's lines (charges minus credits)."""
    sums = InvoiceLine.objects.filter(invoice=invoice).aggregate(
        subtotal=Coalesce(Sum("subtotal"), ZERO), tax=Coalesce(Sum("tax_total"), ZERO),
        total=Coalesce(Sum("total"), ZERO))
    return sums


ISSUED_TOTALS_CACHE_SECONDS = 7 * 24 * 3600


def _totals_key(invoice_id) -> str:
    return f"billing:invoice-totals:{invoice_id}"


def totals_by_charge_type(invoices: list[Invoice]) -> dict[tuple[uuid.UUID, str], Decimal]:
    """(invoice id, charge type) -> the sum of the lines' totals, for `invoices`. An issued invoice never changes
    (D-BILL-3: the database refuses new or changed lines, and posting locks the invoice the close updates), so its
    totals are cached; open invoices are summed every time. At most one query, however many months."""
    cached = cache.get_many([_totals_key(i.pk) for i in invoices if i.status == Invoice.Status.ISSUED])
    out: dict[tuple[uuid.UUID, str], Decimal] = {}
    for invoice in invoices:
        for charge_type, total in cached.get(_totals_key(invoice.pk), {}).items():
            out[(invoice.pk, charge_type)] = total
    todo = [i for i in invoices if _totals_key(i.pk) not in cached]
    if not todo:
        return out
    fresh: dict[uuid.UUID, dict[str, Decimal]] = {i.pk: {} for i in todo}
    rows = (InvoiceLine.objects.filter(invoice_id__in=[i.pk for i in todo]).order_by()
            .values_list("invoice_id", "charge_type").annotate(total=Sum("total")))
    for invoice_id, charge_type, total in rows:
        fresh[invoice_id][charge_type] = out[(invoice_id, charge_type)] = total
    cache.set_many({_totals_key(i.pk): fresh[i.pk] for i in todo if i.status == Invoice.Status.ISSUED},
                   timeout=ISSUED_TOTALS_CACHE_SECONDS)
    return out
