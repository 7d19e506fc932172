from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("billing/invoices/", views.invoice_list, name="invoices"),
    path("billing/invoices/<uuid:invoice_id>/", views.invoice_detail, name="invoice_detail"),
    path("billing/invoices/<uuid:invoice_id>/export.csv", views.invoice_csv, name="invoice_csv"),
]
