"""Invoice pages (D-BILL-3/4): the list, one invoice with its charge and credit lines, and its CSV export."""
from __future__ import annotations

import csv
import re

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render

from accounts.permissions import Perm, requires
from partnercenter.formats import money_display

from .apis import invoice_line_out
from .selectors import invoice_get, invoice_lines, invoice_sums, invoices_for_user

PAGE_SIZE = 25
LINES_PER_PAGE = 50

CSV_COLUMNS = ["chargeType", "orderId", "lineItemNumber", "customerId", "customerName", "customerDomainName",
               "customerCountry", "offerId", "productName", "quantity", "unitPrice", "subtotal", "taxTotal",
               "totalForCustomer", "currency", "chargeStartDate", "chargeEndDate", "referenceId"]

_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection); a plain negative number stays as it is."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


class _Echo:
    def write(self, value):
        return value


@requires(Perm.READ_INVOICES)
def invoice_list(request):
    page = Paginator(invoices_for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"invoice": inv, "total": money_display(inv.total_charges, inv.currency)} for inv in page]
    return render(request, "billing/invoice_list.html", {"page_obj": page, "rows": rows})


@requires(Perm.READ_INVOICES)
def invoice_detail(request, invoice_id):
    invoice = invoice_get(request.user, invoice_id)
    # A month can hold thousands of lines: the page shows LINES_PER_PAGE of them (rendering them all cost
    # ~0.25 ms a line); the totals cover the whole invoice and the CSV export has every line.
    page = Paginator(invoice_lines(invoice), LINES_PER_PAGE).get_page(request.GET.get("page"))
    sums = {key: money_display(value, invoice.currency) for key, value in invoice_sums(invoice).items()}
    rows = [{"line": line} for line in page]
    total = money_display(invoice.total_charges, invoice.currency)
    return render(request, "billing/invoice_detail.html", {"invoice": invoice, "rows": rows, "sums": sums,
                                                           "page_obj": page, "total": total})


@requires(Perm.READ_INVOICES)
def invoice_csv(request, invoice_id):
    invoice = invoice_get(request.user, invoice_id)
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for line in invoice_lines(invoice).iterator(chunk_size=500):
            out = invoice_line_out(line)
            yield writer.writerow([csv_safe(out[column]) for column in CSV_COLUMNS])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    name = f"invoice-{invoice.period_start:%Y-%m}-{invoice.currency}-{invoice.id}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
