"""The customer's Software tab (D-SW-1..6, D-CAN-7) and the customer admin center's
Billing > Your products > Software (D-M365). Keys and links come from software.services, which
records every reveal and every link in the activity log."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import Perm, requires
from accounts.roles import has_perm
from customers.selectors import customer_get, tenant_for_user
from notifications.services import language_of, render_email
from partnercenter.errors import DomainError
from partnercenter.http import client_ip

from .downloads import entitlement_is_usable
from .models import Entitlement, OrderLine, Variant
from .selectors import entitlement_get, entitlements_for_customer, tenant_global_admins, variant_for
from .services import download_link_email_context, download_link_issue, download_link_send, product_key_reveal
from .views_download import download_uri

TAB_TEMPLATE = "software/software_tab/tab.html"
RESULT_TEMPLATE = "software/software_tab/result_page.html"
ADMIN_BASE = "software/admin_center/base.html"
PARTNER_BASE = "customers/detail_base.html"


@dataclass
class Row:
    entitlement: Entitlement
    usable: bool
    status: str                 # active / cancelPending / cancelled
    versions: list[str]
    languages: list[str]
    file_types: list[str]
    selected: dict[str, str]
    is_open: bool = False
    submitted: bool = False
    variant: Variant | None = None
    days_left: int | None = None  # days left to cancel (0 = the last day); None when it can't be cancelled now
    order_url: str | None = None
    cancel_url: str | None = None
    key_url: str | None = None
    link_url: str | None = None
    send_url: str | None = None
    problems: list[str] = field(default_factory=list)


def _unique(values) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        seen.setdefault(value, None)
    return list(seen)


def _row_status(entitlement: Entitlement) -> str:
    line = entitlement.order_line
    if entitlement.status == Entitlement.Status.REVOKED or line.status == OrderLine.Status.CANCELLED:
        return "cancelled"
    return line.status


def _reverse_or_none(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def build_rows(request, entitlements, *, may_act: bool, key_name: str, link_name: str, url_kwargs: dict,
               may_cancel: bool = False, link_orders: bool = True, send_name: str | None = None) -> list[Row]:
    """One row per purchase, with its variant choices and (for the selected product, D-SW-2) the chosen
    variant and the action URLs the user may use."""
    chosen_id = request.GET.get("entitlement", "")
    today = timezone.now().date()
    rows = []
    for entitlement in entitlements:
        variants = list(entitlement.offer.variants.all())
        usable = entitlement_is_usable(entitlement)
        is_chosen = chosen_id == str(entitlement.pk)
        first = variants[0] if variants else None
        selected = {
            "version": request.GET.get("version", "") if is_chosen else (first.version if first else ""),
            "language": request.GET.get("language", "") if is_chosen else (first.language if first else ""),
            "file_type": request.GET.get("file_type", "") if is_chosen else (first.file_type if first else ""),
        }
        row = Row(entitlement=entitlement, usable=usable, status=_row_status(entitlement),
                  versions=_unique(v.version for v in variants), languages=_unique(v.language for v in variants),
                  file_types=_unique(v.file_type for v in variants), selected=selected, is_open=is_chosen,
                  submitted=is_chosen)
        if is_chosen:
            row.variant = next((v for v in variants if v.version == selected["version"]
                                and v.language == selected["language"] and v.file_type == selected["file_type"]),
                               None)
        order = entitlement.order_line.order
        last_day = entitlement.order_line.window_last_day()
        if entitlement.order_line.status == OrderLine.Status.ACTIVE and last_day and last_day >= today:
            row.days_left = (last_day - today).days
        if link_orders:
            row.order_url = _reverse_or_none("software:order_detail", tenant_id=entitlement.customer_id,
                                             order_id=order.pk)
        if may_cancel and entitlement.order_line.status == OrderLine.Status.ACTIVE \
                and entitlement.order_line.cancellation_window_days is not None:
            base = _reverse_or_none("cancellations:cancel", tenant_id=entitlement.customer_id)
            if base:
                row.cancel_url = f"{base}?{urlencode({'order': order.pk, 'offer': entitlement.offer_id})}"
        if may_act and usable:
            kwargs = {**url_kwargs, "entitlement_id": entitlement.pk}
            row.key_url = reverse(key_name, kwargs=kwargs)
            row.link_url = reverse(link_name, kwargs=kwargs)
            if send_name:
                row.send_url = reverse(send_name, kwargs=kwargs)
        rows.append(row)
    return rows


PURCHASES_PER_PAGE = 20
FILTER_FROM = 10  # a customer with more purchases than this gets a filter box


def purchases_filtered(request, entitlements) -> tuple[QuerySet, dict]:
    """The purchases matching `?q=` (product name or id), and what the filter box needs: shown once a customer
    has more than FILTER_FROM purchases (or a filter is already applied)."""
    q = request.GET.get("q", "").strip()[:100]
    show = bool(q) or entitlements.count() > FILTER_FROM
    if q:
        entitlements = entitlements.filter(Q(offer__name__icontains=q) | Q(offer__id__icontains=q)
                                           | Q(order_line__friendly_name__icontains=q))
    return entitlements, {"filter_q": q, "show_filter": show}


def purchases_page(request, entitlements) -> Page:
    """One page of the customer's purchases (rendering costs ~1 ms a purchase: a customer with 200 took ~190 ms in
    full).
    Without `?page=`, the page holding the purchase the request is about: `?entitlement=` (the row whose
    variant picker was submitted) or `?order=` (a link to an order from elsewhere: the partner home, the
    cancel flow)."""
    number = request.GET.get("page")
    if not number:
        index = _index_of(entitlements, entitlement=request.GET.get("entitlement", ""),
                          order=request.GET.get("order", ""))
        number = index // PURCHASES_PER_PAGE + 1 if index is not None else 1
    return Paginator(entitlements, PURCHASES_PER_PAGE).get_page(number)


def _index_of(entitlements, *, entitlement: str, order: str) -> int | None:
    if not (entitlement or order):
        return None
    keys = entitlements.prefetch_related(None).values_list("pk", "order_line__order_id")
    for index, (pk, order_id) in enumerate(keys):
        if str(pk) == entitlement or str(order_id) == order:
            return index
    return None


def _respond(request, fragment: str, context: dict, *, status: int = 200):
    """htmx gets the <dialog data-autoshow> fragment; a plain form post gets a full page."""
    if request.htmx:
        return render(request, fragment, context, status=422 if status >= 400 else status)
    return render(request, RESULT_TEMPLATE, context, status=status)


def key_response(request, entitlement: Entitlement, page: dict):
    context = {**page, "entitlement": entitlement, "kind": "key"}
    try:
        context["product_key"] = product_key_reveal(actor=request.user, entitlement=entitlement,
                                                    ip=client_ip(request))
    except DomainError as exc:
        context["error"] = exc.message
        return _respond(request, "software/software_tab/_key_dialog.html", context, status=exc.http_status)
    return _respond(request, "software/software_tab/_key_dialog.html", context)


def link_response(request, entitlement: Entitlement, page: dict):
    context = {**page, "entitlement": entitlement, "kind": "link"}
    try:
        variant = variant_for(entitlement, version=request.POST.get("version", ""),
                              language=request.POST.get("language", ""),
                              file_type=request.POST.get("file_type", ""))
        issued = download_link_issue(actor=request.user, entitlement=entitlement, variant=variant,
                                     ip=client_ip(request))
    except DomainError as exc:
        context["error"] = exc.message
        return _respond(request, "software/software_tab/_link_dialog.html", context, status=exc.http_status)
    link = issued.link
    context.update(link=link, variant=variant, file=variant.file, uri=download_uri(request, issued.token),
                   downloads_remaining=link.max_downloads - link.downloads_used)
    return _respond(request, "software/software_tab/_link_dialog.html", context)


# --- partner: the customer's Software tab ----------------------------------------------------------

def _partner_page(customer) -> dict:
    return {"customer": customer, "tab": "software", "base_template": PARTNER_BASE,
            "back_url": reverse("software:customer_software", kwargs={"tenant_id": customer.tenant_id})}


@requires(Perm.VIEW_CUSTOMERS)
def customer_software(request, tenant_id):
    customer = customer_get(request.user, tenant_id)
    entitlements, filtering = purchases_filtered(request, entitlements_for_customer(customer))
    page = purchases_page(request, entitlements)
    # Send to customer only where the customer has a Global admin to send to.
    send_name = "software:send_link" if tenant_global_admins(customer).exists() else None
    rows = build_rows(request, page, may_act=has_perm(request.user, Perm.SOFTWARE_ACCESS),
                      may_cancel=has_perm(request.user, Perm.CANCEL),
                      key_name="software:reveal_key", link_name="software:issue_link",
                      send_name=send_name, url_kwargs={"tenant_id": customer.tenant_id})
    return render(request, TAB_TEMPLATE, {**_partner_page(customer), "rows": rows, "page_obj": page,
                                          "page_url": request.path, **filtering})


@requires(Perm.SOFTWARE_ACCESS)
@require_POST
def reveal_key(request, tenant_id, entitlement_id):
    customer = customer_get(request.user, tenant_id)
    return key_response(request, entitlement_get(customer, entitlement_id), _partner_page(customer))


@requires(Perm.SOFTWARE_ACCESS)
@require_POST
def issue_link(request, tenant_id, entitlement_id):
    customer = customer_get(request.user, tenant_id)
    return link_response(request, entitlement_get(customer, entitlement_id), _partner_page(customer))


def _recipient_ids(request) -> list[int]:
    return [int(value) for value in request.POST.getlist("recipients") if value.isdigit() and len(value) < 12]


@requires(Perm.SOFTWARE_ACCESS)
@require_POST
def send_link(request, tenant_id, entitlement_id):
    """Send to customer (issue 8): first a dialog that asks to whom (the tenant's Global admins, at least one) and
    shows the email; then, with `confirm`, a fresh download link emailed to the chosen ones."""
    customer = customer_get(request.user, tenant_id)
    entitlement = entitlement_get(customer, entitlement_id)
    context = {**_partner_page(customer), "entitlement": entitlement, "kind": "send",
               "send_url": request.path, "admins": list(tenant_global_admins(customer))}
    try:
        variant = variant_for(entitlement, version=request.POST.get("version", ""),
                              language=request.POST.get("language", ""),
                              file_type=request.POST.get("file_type", ""))
        context["variant"] = variant
        if not request.POST.get("confirm"):
            return _respond(request, "software/software_tab/_send_dialog.html",
                            {**context, **_send_preview(request, entitlement, variant, context["admins"]),
                             "kind": "ask"})
        recipients = download_link_send(actor=request.user, entitlement=entitlement, variant=variant,
                                        uri_for=lambda token: download_uri(request, token),
                                        recipient_ids=_recipient_ids(request), ip=client_ip(request))
    except DomainError as exc:
        context["error"] = exc.message
        if "variant" in context and exc.field == "recipients":  # back to the question, with the message
            return _respond(request, "software/software_tab/_send_dialog.html",
                            {**context, **_send_preview(request, entitlement, context["variant"], context["admins"]),
                             "kind": "ask"},
                            status=400)
        return _respond(request, "software/software_tab/_sent_dialog.html", context, status=exc.http_status)
    context["recipients"] = recipients
    return _respond(request, "software/software_tab/_sent_dialog.html", context)


def _send_preview(request, entitlement, variant, admins: list) -> dict:
    """The email as the first chosen admin will read it (their language), with a placeholder for the link."""
    chosen = set(_recipient_ids(request)) or {user.pk for user in admins}
    reader = next((user for user in admins if user.pk in chosen), admins[0] if admins else request.user)
    email = download_link_email_context(entitlement=entitlement, variant=variant,
                                        uri=_("(a new download link, created when you send)"))
    subject, text, _html = render_email("notifications/download_link", {**email, "recipient": reader},
                                        language_of(reader))
    return {"chosen": chosen, "preview_subject": subject, "preview_text": text}


# --- customer admin center (D-M365) ----------------------------------------------------------------

def _tenant_or_404(user):
    tenant = tenant_for_user(user)
    if tenant is None:
        raise Http404
    return tenant


def _admin_page(tenant) -> dict:
    return {"customer": tenant, "base_template": ADMIN_BASE, "back_url": reverse("admin_center:software")}


@requires(Perm.TENANT_SOFTWARE)
def admin_center_software(request):
    tenant = _tenant_or_404(request.user)
    entitlements, filtering = purchases_filtered(request, entitlements_for_customer(tenant))
    page = purchases_page(request, entitlements)
    rows = build_rows(request, page, may_act=True, key_name="admin_center:software_key",
                      link_name="admin_center:software_link", url_kwargs={}, link_orders=False)
    return render(request, "software/admin_center/software.html", {**_admin_page(tenant), "rows": rows,
                                                                   "page_obj": page, "page_url": request.path,
                                                                   **filtering})


@requires(Perm.TENANT_SOFTWARE)
@require_POST
def admin_center_key(request, entitlement_id):
    tenant = _tenant_or_404(request.user)
    return key_response(request, entitlement_get(tenant, entitlement_id), _admin_page(tenant))


@requires(Perm.TENANT_SOFTWARE)
@require_POST
def admin_center_link(request, entitlement_id):
    tenant = _tenant_or_404(request.user)
    return link_response(request, entitlement_get(tenant, entitlement_id), _admin_page(tenant))
