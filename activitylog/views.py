"""The Activity log page and its CSV export (D-LOG-1..5), for the roles of D-ROLE-2 only.

Both are always scoped to the reader's partner. The page lists records newest first (or oldest first:
`sort=oldest`); the export streams sealed records in chain order (oldest first) whatever the sort, so the
file can be checked offline with `manage.py verify_activity_log --file`.
"""
from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy

from accounts.permissions import Perm, requires
from partnercenter.formats import moment_display
from partnercenter.paging import CappedPaginator

from .export import csv_lines, exported_records
from .models import Operation, Resource, Status
from .selectors import (
    LogFilter,
    date_range_error,
    default_range,
    last_days,
    link_issuers,
    records_chain_order,
    records_chain_span,
    records_filter,
    records_for_user,
    records_newest_first,
    records_oldest_first,
)
from .services import chain_seal

PAGE_SIZE = 50
FILTER_PARAMS = ("start", "end", "customer", "user", "operation", "resource", "sort")
SORTS = {"newest": records_newest_first, "oldest": records_oldest_first}
DEFAULT_SORT = "newest"
# The date presets: the last N days up to today (selectors.last_days; 0 is today only).
PRESETS = ((0, gettext_lazy("Today")), (7, gettext_lazy("Last 7 days")), (30, gettext_lazy("Last 30 days")),
           (90, gettext_lazy("Last 90 days")))
SHORT_ID = 8  # characters of an id shown on the page (short_id)
# The copy icon of the short ids: one <symbol> in the page (log.html), <use>d by each button.
COPY_ICON = '<svg class="icon" aria-hidden="true"><use href="#log-copy-icon"/></svg>'


class LogFilterForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("Start date"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=gettext_lazy("End date"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    customer = forms.CharField(label=gettext_lazy("Customer"), required=False, max_length=200,
                               help_text=gettext_lazy("Name or tenant ID"))
    user = forms.CharField(label=gettext_lazy("User"), required=False, max_length=254,
                           help_text=gettext_lazy("Email address"))
    operation = forms.ChoiceField(label=gettext_lazy("Operation"), required=False,
                                  choices=[("", gettext_lazy("All operations")), *Operation.choices])
    resource = forms.ChoiceField(label=gettext_lazy("Resource"), required=False,
                                 choices=[("", gettext_lazy("All resources")), *Resource.choices])
    sort = forms.ChoiceField(label=gettext_lazy("Sort"), required=False,
                             choices=[("newest", gettext_lazy("Newest first")),
                                      ("oldest", gettext_lazy("Oldest first"))])

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        problem = date_range_error(start, end) if start and end else None
        if problem:
            raise forms.ValidationError(problem, code="range")
        return data

    def log_filter(self) -> LogFilter:
        default_start, default_end = default_range()
        data = self.cleaned_data
        return LogFilter(start=data.get("start") or default_start, end=data.get("end") or default_end,
                         customer=data.get("customer", "").strip(), user=data.get("user", "").strip(),
                         operation=data.get("operation", ""), resource=data.get("resource", ""))


def _bound_form(request) -> LogFilterForm:
    default_start, default_end = default_range()
    data = {name: request.GET.get(name, "") for name in FILTER_PARAMS}
    data["start"] = data["start"] or default_start.isoformat()
    data["end"] = data["end"] or default_end.isoformat()
    if data["sort"] not in SORTS:  # an unknown order is not worth a 400: the default one
        data["sort"] = DEFAULT_SORT
    return LogFilterForm(data)


def _query(log_filter: LogFilter, sort: str = DEFAULT_SORT) -> str:
    values = {"start": log_filter.start.isoformat(), "end": log_filter.end.isoformat(),
              "customer": log_filter.customer, "user": log_filter.user, "operation": log_filter.operation,
              "resource": log_filter.resource, "sort": "" if sort == DEFAULT_SORT else sort}
    return urlencode({k: v for k, v in values.items() if v})


def _presets(request, log_filter: LogFilter | None) -> list[dict]:
    """The date presets as links (no JavaScript needed): this request's query with the preset's start and end,
    every other filter and the sort kept, back to page 1. `current`: the range shown is the preset's."""
    today = timezone.now().date()
    presets = []
    for days, label in PRESETS:
        start, end = last_days(days, today)
        params = request.GET.copy()
        params.pop("page", None)
        params["start"], params["end"] = start.isoformat(), end.isoformat()
        presets.append({"label": label, "href": f"?{params.urlencode()}",
                        "current": log_filter is not None and (log_filter.start, log_filter.end) == (start, end)})
    return presets


def short_id(value, dom_id: str, copy_label: str) -> SafeString:
    """An id (order, link, tenant, record) shown short so that a record stays on one line: its first 8
    characters and "…", the full value in the title (on hover) and in a hidden element that the copy button
    next to it copies (static/js/portal.js, [data-copy]; without JavaScript the button is hidden and the title
    remains; the title names the button too). Built here rather than in the template: a page shows up to 200
    of them, each value escaped once."""
    text = str(value)
    full = escape(text)
    short = full if len(text) <= SHORT_ID else escape(f"{text[:SHORT_ID]}…")
    label = escape(copy_label)
    return mark_safe(  # noqa: S308  (every value in it is escaped)
        f'<span class="short-id"><span title="{full}">{short}</span><span id="{dom_id}" hidden>{full}</span>'
        f'<button type="button" class="btn-icon" data-copy="{dom_id}" title="{label}">{COPY_ICON}</button></span>')


def _label_page(page, reader) -> None:
    """What the rows show, set once per page (no per-row queries): the labels (get_FOO_display rebuilds the
    choices each call), the times, and for a download through a link who issued the link (one query for the
    page's links: the link, not a signed-in user, is a download's credential, so its record names no user)."""
    operations, resources, statuses = dict(Operation.choices), dict(Resource.choices), dict(Status.choices)
    downloads = [record for record in page if record.operation_type == Operation.DOWNLOAD_SOFTWARE]
    issuers = link_issuers(records_for_user(reader), (record.details.get("LinkId") for record in downloads))
    copy_order, copy_link = gettext("Copy order ID"), gettext("Copy link ID")
    copy_tenant, copy_record = gettext("Copy tenant ID"), gettext("Copy record ID")
    for record in page:
        record.operation_label = operations.get(record.operation_type, record.operation_type)
        record.resource_label = resources.get(record.resource_type, record.resource_type)
        record.status_label = statuses.get(record.operation_status, record.operation_status)
        record.time_iso = record.operation_date.isoformat()
        record.time_shown = moment_display(record.operation_date, seconds=True)
        record.user_shown = record.user_principal_name
        pk, tenant_id, order_id, link_id = (record.pk, record.customer_id, record.details.get("OrderId"),
                                            record.details.get("LinkId"))
        record.record_id_html = short_id(pk, f"log-{pk}-record", copy_record)
        record.tenant_id_html = short_id(tenant_id, f"log-{pk}-tenant", copy_tenant) if tenant_id else ""
        record.order_id_html = short_id(order_id, f"log-{pk}-order", copy_order) if order_id else ""
        record.link_id_html = short_id(link_id, f"log-{pk}-link", copy_link) if link_id else ""
    for record in downloads:
        issuer = issuers.get(record.details.get("LinkId", ""))
        record.user_shown = (gettext("via link issued by %(email)s") % {"email": issuer} if issuer
                             else gettext("via link (issuer not recorded)"))


@requires(Perm.READ_ACTIVITY_LOG)
def log(request):
    form = _bound_form(request)
    if not form.is_valid():
        return render(request, "activitylog/log.html", {"form": form, "page_obj": None,
                                                         "presets": _presets(request, None)}, status=400)
    log_filter = form.log_filter()
    sort = form.cleaned_data["sort"] or DEFAULT_SORT
    qs = SORTS[sort](records_filter(records_for_user(request.user), log_filter))
    # One COUNT serves the pager and the export button ("Export N records").
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    _label_page(page, request.user)
    return render(request, "activitylog/log.html", {
        "form": form, "page_obj": page, "log_filter": log_filter, "sort": sort,
        "export_query": _query(log_filter, sort), "presets": _presets(request, log_filter),
    })


@requires(Perm.READ_ACTIVITY_LOG)
def export(request):
    """Stream the filtered records as CSV in chain order, constant memory. Values are written exactly as
    they were hashed (no CSV-injection rewriting: it would break verification); the file is served as an
    attachment with text/csv so browsers download it rather than render it."""
    form = _bound_form(request)
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    log_filter = form.log_filter()
    partner_id = request.user.partner_id
    chain_seal(partner_id=partner_id)
    qs, total = records_chain_span(records_chain_order(records_filter(records_for_user(request.user), log_filter)))
    response = StreamingHttpResponse(csv_lines(exported_records(qs)),
                                     content_type="text/csv; charset=utf-8")
    name = f"activity-log_{log_filter.start:%Y-%m-%d}_{log_filter.end:%Y-%m-%d}"
    if any((log_filter.customer, log_filter.user, log_filter.operation, log_filter.resource)):
        name += "_filtered"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response["X-Export-Rows"] = str(total)
    response["X-Export-Order"] = "chain-position-ascending"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
