"""The Activity log page and its CSV export (D-LOG-1..5), for the roles of D-ROLE-2 only.

Both are always scoped to the reader's partner. The page lists records newest first; the export
streams sealed records in chain order (oldest first) so the file can be checked offline with
`manage.py verify_activity_log --file`.
"""
from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from accounts.permissions import Perm, requires
from partnercenter.paging import CappedPaginator

from .export import csv_lines, exported_records
from .models import Operation, Resource, Status
from .selectors import (
    LogFilter,
    date_range_error,
    default_range,
    records_chain_order,
    records_chain_span,
    records_filter,
    records_for_user,
    records_newest_first,
)
from .services import chain_seal

PAGE_SIZE = 50
FILTER_PARAMS = ("start", "end", "customer", "user", "operation", "resource")


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
    return LogFilterForm(data)


def _query(log_filter: LogFilter) -> str:
    values = {"start": log_filter.start.isoformat(), "end": log_filter.end.isoformat(),
              "customer": log_filter.customer, "user": log_filter.user, "operation": log_filter.operation,
              "resource": log_filter.resource}
    return urlencode({k: v for k, v in values.items() if v})


@requires(Perm.READ_ACTIVITY_LOG)
def log(request):
    form = _bound_form(request)
    if not form.is_valid():
        return render(request, "activitylog/log.html", {"form": form, "page_obj": None}, status=400)
    log_filter = form.log_filter()
    qs = records_newest_first(records_filter(records_for_user(request.user), log_filter))
    # One COUNT serves the pager and the export button ("Export N records").
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    # The labels once per page, not get_FOO_display per row (it rebuilds the choices each call).
    operations, resources, statuses = dict(Operation.choices), dict(Resource.choices), dict(Status.choices)
    for record in page:
        record.operation_label = operations.get(record.operation_type, record.operation_type)
        record.resource_label = resources.get(record.resource_type, record.resource_type)
        record.status_label = statuses.get(record.operation_status, record.operation_status)
        record.time_iso = record.operation_date.isoformat()
        record.time_shown = record.operation_date.strftime("%Y-%m-%d %H:%M:%S")
    return render(request, "activitylog/log.html", {
        "form": form, "page_obj": page, "log_filter": log_filter, "export_query": _query(log_filter),
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
