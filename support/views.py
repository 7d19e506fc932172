"""Pages of "Report a problem with Partner Center" (D-SUP): the form, the partner's list of requests, one
request and its attachments."""
from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import Perm, requires
from customers.selectors import customer_search, customers_for_user
from partnercenter.http import client_ip

from .forms import SupportRequestForm
from .selectors import attachment_path, support_attachment_get, support_request_get, support_requests_for_user
from .services import SupportDetails, support_request_create


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
    return render(request, "support/list.html", {"support_requests": requests})


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
        return redirect("support:detail", request_id=created.pk)
    return render(request, "support/new.html", {"form": form},
                  status=400 if form.is_bound and form.errors else 200)


@requires(Perm.SUPPORT_REQUESTS)
def support_detail(request, request_id):
    support_request = support_request_get(request.user, request_id)
    return render(request, "support/detail.html",
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
