from django.urls import path

from . import apis

urlpatterns = [
    path("invoices", apis.InvoiceListApi.as_view(), name="invoices"),
    path("invoices/<str:invoice_id>", apis.InvoiceDetailApi.as_view(), name="invoice"),
    path("invoices/<str:invoice_id>/lineitems", apis.InvoiceLineListApi.as_view(), name="invoice_lines"),
]
