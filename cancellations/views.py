"""Pages: the Cancel dialog of the Software tab (D-CAN-4..6) and "Report a problem with Partner Center"
(D-SUP): the form, the partner's list of requests, one request and its attachments."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Perm, as_uuid, requires
from customers.selectors import customer_get, customer_search, customers_for_user
from partnercenter.api import DomainError
from partnercenter.http import client_ip
from partnercenter.money import to_str
from software.models import Order, OrderLine

from .credits import Credit, credit_compute, days_left
from .forms import IMPORTANT, CancelForm, SupportRequestForm
from .services import cancellation_request
from .support import (
    SupportDetails,
    attachment_path,
    support_attachment_get,
    support_request_create,
    support_request_get,
    support_requests_for_user,
)

# --- the cancel dialog -------------------------------------------------------------------------

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


def _order_label(order: Order) -> str:
    return f"{order.alternate_id} ({order.creation_date:%Y-%m-%d})"


@requires(Perm.CANCEL)
def cancel(request, tenant_id):
    """GET shows the dialog for one product (`offer`) and one of its orders (`order`); POST submits."""
    customer = customer_get(request.user, tenant_id)
    params = request.POST if request.method == "POST" else request.GET
    offer_id = params.get("offer", "").strip()[:64]
    orders_qs = Order.objects.filter(customer=customer)
    if offer_id:
        orders_qs = orders_qs.filter(lines__offer_id=offer_id)
    orders = list(orders_qs.distinct().order_by("-creation_date", "-id"))
    if not orders:
        raise Http404
    chosen = orders[0]
    if params.get("order"):
        wanted = as_uuid(params.get("order"))
        chosen = next((order for order in orders if order.pk == wanted), None)
        if chosen is None:
            raise Http404
    lines = list(chosen.lines.all().order_by("line_item_number"))
    if offer_id:
        lines = [line for line in lines if line.offer_id == offer_id]
    today = timezone.now().date()
    rows = [_line_row(line, today, chosen.currency) for line in lines]
    selectable = [row for row in rows if row.state == "cancellable"]
    total = sum((row.credit.total for row in selectable), start=Decimal(0))
    form = CancelForm(
        request.POST or None,
        orders=[(str(order.pk), _order_label(order)) for order in orders],
        line_choices=[(row.line.line_item_number, f"{row.line.line_item_number}: {row.line.friendly_name}")
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
        support_url = reverse("cancellations:support_new") + "?" + urlencode(
            {"customer": str(customer.tenant_id), "order": str(chosen.pk),
             "amount": f"{to_str(passed.credit.total, chosen.currency)} {chosen.currency}"})
    context = {
        "customer": customer, "tab": "software", "form": form, "orders": orders, "order": chosen,
        "offer_id": offer_id, "product": lines[0].friendly_name if lines and offer_id else "",
        "rows": rows, "total": total, "currency": chosen.currency, "can_submit": bool(selectable),
        "support_url": support_url, "passed_row": passed, "important": IMPORTANT,
    }
    template = "cancellations/cancel_dialog.html" if request.htmx else "cancellations/cancel_page.html"
    return render(request, template, context, status=status)


# --- support requests --------------------------------------------------------------------------

def _customer_for_reference(user, reference: str):
    reference = (reference or "").strip()
    if not reference:
        return None
    matches = customer_search(customers_for_user(user), reference)
    exact = [c for c in matches[:5] if str(c.tenant_id) == reference.lower() or c.domain == reference.lower()]
    return exact[0] if exact else None


@requires(Perm.SUPPORT_REQUESTS)
def support_list(request):
    requests = support_requests_for_user(request.user).select_related("created_by")[:200]
    return render(request, "cancellations/support_list.html", {"support_requests": requests})


@requires(Perm.SUPPORT_REQUESTS)
def support_new(request):
    if request.method == "POST":
        form = SupportRequestForm(request.POST, request.FILES)
    else:
        initial = {"contact_name": getattr(request.user, "display_name", "") or "",
                   "contact_email": request.user.email}
        for param, field in (("customer", "customer_reference"), ("order", "order_reference"),
                             ("amount", "amount_requested")):
            value = request.GET.get(param, "").strip()
            if value:
                initial[field] = value[: SupportRequestForm.base_fields[field].max_length]
        if "order" in request.GET:
            initial["title"] = _("Refund request for order %(order)s") % {"order": initial.get("order_reference", "")}
        form = SupportRequestForm(initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = SupportDetails(**{name: data[name] for name in SupportDetails.__dataclass_fields__})
        created = support_request_create(
            actor=request.user, details=details, files=data["files"], ip=client_ip(request),
            customer=_customer_for_reference(request.user, data["customer_reference"]))
        messages.success(request, _("Your request %(number)s was submitted.") % {"number": created.number})
        return redirect("cancellations:support_detail", request_id=created.pk)
    return render(request, "cancellations/support_new.html", {"form": form},
                  status=400 if form.is_bound and form.errors else 200)


@requires(Perm.SUPPORT_REQUESTS)
def support_detail(request, request_id):
    support_request = support_request_get(request.user, request_id)
    return render(request, "cancellations/support_detail.html",
                  {"support_request": support_request, "attachments": support_request.attachments.all()})


@requires(Perm.SUPPORT_REQUESTS)
def support_attachment(request, request_id, attachment_id):
    attachment = support_attachment_get(request.user, request_id, attachment_id)
    path = attachment_path(attachment)
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=attachment.original_name,  # noqa: SIM115
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
