"""The Cancel dialog of the Software tab (D-CAN-4..6)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.permissions import Perm, requires
from customers.selectors import customer_get
from partnercenter.errors import DomainError
from partnercenter.http import client_ip
from partnercenter.lookups import as_uuid
from partnercenter.money import to_str
from software.models import Order, OrderLine

from .credits import Credit, credit_compute, days_left
from .forms import IMPORTANT, CancelForm
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
    amount = to_str(sum((line.total for line in lines), start=Decimal(0)), order.currency)
    bought = timezone.localtime(order.creation_date).strftime("%Y-%m-%d %H:%M %Z")
    left = [n for n in (days_left(line, today) for line in lines if line.status == OrderLine.Status.ACTIVE)
            if n is not None and n >= 0]
    window = (ngettext("%(n)d day left to cancel", "%(n)d days left to cancel", min(left)) % {"n": min(left)}
              if left else _("can't be cancelled now"))
    return f"{order.pk} · {products} · {amount} {order.currency} · {bought} · {window}"


@requires(Perm.CANCEL)
def cancel(request, tenant_id):
    """GET shows the dialog for one product (`offer`) and one of its orders (`order`); POST submits."""
    customer = customer_get(request.user, tenant_id)
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
                cancellation_request(actor=request.user, order=chosen, line_item_numbers=numbers,
                                     ip=client_ip(request))
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                done = _("Cancellation submitted; it completes within seconds.")
                if request.htmx:
                    return render(request, "cancellations/cancel_done_dialog.html",
                                  {"customer": customer, "order": chosen, "message": done})
                messages.success(request, done)
                query = urlencode({"order": str(chosen.pk), "offer": offer_id})
                return redirect(reverse("cancellations:cancel", kwargs={"tenant_id": customer.tenant_id})
                                + f"?{query}")
        status = 400
    passed = next((row for row in rows if row.state == "passed"), None)
    support_url = None
    if passed:
        support_url = reverse("support:new") + "?" + urlencode(
            {"customer": str(customer.tenant_id), "order": str(chosen.pk),
             "amount": f"{to_str(passed.credit.total, chosen.currency)} {chosen.currency}"})
    context = {
        "customer": customer, "tab": "software", "form": form, "order_options": order_options, "order": chosen,
        "offer_id": offer_id, "product": lines[0].friendly_name if lines and offer_id else "",
        "rows": rows, "total": total, "currency": chosen.currency, "can_submit": bool(selectable),
        "support_url": support_url, "passed_row": passed, "important": IMPORTANT,
    }
    template = "cancellations/cancel_dialog.html" if request.htmx else "cancellations/cancel_page.html"
    return render(request, template, context, status=status)
