"""The Cancel dialog of the Software tab (D-CAN-4..6)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.permissions import Perm, requires
from billing.selectors import invoice_for_month
from customers.selectors import customer_get
from partnercenter.errors import DomainError
from partnercenter.formats import moment_display, money_display
from partnercenter.http import client_ip
from partnercenter.lookups import as_uuid
from software.models import Order, OrderLine

from .credits import Credit, credit_compute, days_left
from .forms import IMPORTANT, CancelForm
from .models import CancellationRequest
from .selectors import cancellation_get
from .services import cancellation_request


@dataclass(frozen=True)
class LineRow:
    line: OrderLine
    state: str          # cancellable | passed | never | pending | cancelled
    days_left: int | None
    credit: Credit | None


def _line_row(line: OrderLine, today, currency: str) -> LineRow:
    left = days_left(line, today)
    credit = credit_compute(line, today, currency) if left is not None else None
    if line.status == OrderLine.Status.CANCELLED:
        state = "cancelled"
    elif line.status == OrderLine.Status.CANCEL_PENDING:
        state = "pending"
    elif left is None:
        state = "never"
    elif left < 0:
        state = "passed"
    else:
        state = "cancellable"
    return LineRow(line=line, state=state, days_left=left, credit=credit)


def _order_label(order: Order, offer_id: str, today) -> str:
    """How an order is named in the order picker, so that two same-day orders of one product differ visibly:
    its number (the order id, as everywhere), the product and quantity, the amount, when it was bought (date,
    time and zone) and the days left to cancel."""
    lines = [line for line in order.lines.all() if not offer_id or line.offer_id == offer_id]
    products = ", ".join(f"{line.friendly_name} × {line.quantity}" for line in lines)
    amount = money_display(sum((line.total for line in lines), start=Decimal(0)), order.currency)
    bought = moment_display(order.creation_date)
    left = [n for n in (days_left(line, today) for line in lines if line.status == OrderLine.Status.ACTIVE)
            if n is not None and n >= 0]
    window = (ngettext("%(n)d day left to cancel", "%(n)d days left to cancel", min(left)) % {"n": min(left)}
              if left else _("can't be cancelled now"))
    return f"{order.pk} · {products} · {amount} · {bought} · {window}"


def _done(request, customer, cancellation: CancellationRequest):
    """What a submitted cancellation did: keys and links revoked, the credit and the invoice it lands on. Nothing
    more to submit (the dialog's done state; the page after the redirect without JavaScript)."""
    order = cancellation.order
    cancel_date = cancellation.created_at.astimezone(dt.UTC).date()
    lines = [line for line in order.lines.all() if line.line_item_number in cancellation.line_item_numbers]
    credit = sum((credit_compute(line, cancel_date, order.currency).total for line in lines
                  if line.cancellation_window_days is not None), start=Decimal(0))
    context = {"customer": customer, "tab": "software", "order": order, "lines": lines, "credit": credit,
               "currency": order.currency, "invoice_month": cancel_date,
               "invoice": invoice_for_month(partner_id=order.partner_id, currency=order.currency, day=cancel_date)}
    template = "cancellations/cancel_dialog.html" if request.htmx else "cancellations/cancel_page.html"
    return render(request, template, {**context, "body": "cancellations/cancel_done_body.html"})


@requires(Perm.CANCEL)
def cancel(request, tenant_id):
    """GET shows the dialog for one product (`offer`) and one of its orders (`order`); POST submits. After a
    submit, `?done=<request id>` shows what it did."""
    customer = customer_get(request.user, tenant_id)
    if request.method == "GET" and request.GET.get("done"):
        return _done(request, customer, cancellation_get(customer, request.GET["done"]))
    params = request.POST if request.method == "POST" else request.GET
    offer_id = params.get("offer", "").strip()[:64]
    orders_qs = Order.objects.filter(customer=customer)
    if offer_id:
        orders_qs = orders_qs.filter(lines__offer_id=offer_id)
    orders = list(orders_qs.distinct().prefetch_related("lines").order_by("-creation_date", "-id"))
    if not orders:
        raise Http404
    today = timezone.now().date()
    order_options = [(order, _order_label(order, offer_id, today)) for order in orders]
    chosen = orders[0]
    if params.get("order"):
        wanted = as_uuid(params.get("order"))
        chosen = next((order for order in orders if order.pk == wanted), None)
        if chosen is None:
            raise Http404
    lines = list(chosen.lines.all().order_by("line_item_number"))
    if offer_id:
        lines = [line for line in lines if line.offer_id == offer_id]
    rows = [_line_row(line, today, chosen.currency) for line in lines]
    selectable = [row for row in rows if row.state == "cancellable"]
    total = sum((row.credit.total for row in selectable), start=Decimal(0))
    form = CancelForm(
        request.POST or None,
        orders=[(str(order.pk), label) for order, label in order_options],
        line_choices=[(row.line.line_item_number, f"{row.line.line_item_number + 1}: {row.line.friendly_name}")
                      for row in rows],
        initial={"order": str(chosen.pk), "lines": [row.line.line_item_number for row in selectable]})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            numbers = form.cleaned_data["lines"] or [row.line.line_item_number for row in selectable] \
                or [row.line.line_item_number for row in rows]
            try:
                submitted = cancellation_request(actor=request.user, order=chosen, line_item_numbers=numbers,
                                                 ip=client_ip(request))
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                if request.htmx:
                    return _done(request, customer, submitted)
                query = urlencode({"done": str(submitted.pk)})
                return redirect(reverse("cancellations:cancel", kwargs={"tenant_id": customer.tenant_id})
                                + f"?{query}")
        status = 400
    passed = next((row for row in rows if row.state == "passed"), None)
    support_url = None
    if passed:
        support_url = reverse("support:new") + "?" + urlencode(
            {"customer": str(customer.tenant_id), "order": str(chosen.pk),
             "amount": money_display(passed.credit.total, chosen.currency)})
    context = {
        "customer": customer, "tab": "software", "form": form, "order_options": order_options, "order": chosen,
        "offer_id": offer_id, "product": lines[0].friendly_name if lines and offer_id else "",
        "rows": rows, "total": total, "currency": chosen.currency, "can_submit": bool(selectable),
        "support_url": support_url, "passed_row": passed, "important": IMPORTANT,
    }
    template = "cancellations/cancel_dialog.html" if request.htmx else "cancellations/cancel_page.html"
    return render(request, template, context, status=status)
