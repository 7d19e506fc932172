"""GET /v1/invoices, /v1/invoices/{invoiceId}, /v1/invoices/{invoiceId}/lineitems (docs/API.md "Invoices")."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import Perm
from partnercenter.api import MoneyField, api_responses, collection_of, paginated
from partnercenter.money import to_str

from .models import Invoice, InvoiceLine
from .selectors import invoice_get, invoice_lines, invoices_for_user


def invoice_out(invoice: Invoice) -> dict:
    return {
        "id": str(invoice.id),
        "billingPeriodStartDate": invoice.period_start.isoformat(),
        "billingPeriodEndDate": invoice.period_end.isoformat(),
        "invoiceDate": invoice.invoice_date.isoformat() if invoice.invoice_date else None,
        "status": invoice.status,
        "currencyCode": invoice.currency,
        "totalCharges": to_str(invoice.total_charges, invoice.currency),
    }


def invoice_line_out(line: InvoiceLine) -> dict:
    currency = line.currency
    return {
        "id": str(line.id),
        "chargeType": line.charge_type,
        "orderId": str(line.order_id),
        "lineItemNumber": line.line_item_number,
        "customerId": str(line.customer_id),
        "customerName": line.customer_name,
        "customerDomainName": line.customer_domain,
        "customerCountry": line.customer_country,
        "offerId": line.offer_id,
        "productName": line.product_name,
        "quantity": line.quantity,
        "unitPrice": to_str(line.unit_price, currency),
        "subtotal": to_str(line.subtotal, currency),
        "taxTotal": to_str(line.tax_total, currency),
        "totalForCustomer": to_str(line.total, currency),
        "currency": currency,
        "chargeStartDate": line.charge_start.isoformat(),
        "chargeEndDate": line.charge_end.isoformat(),
        "referenceId": str(line.reference_id) if line.reference_id else None,
    }


class InvoiceOut(serializers.Serializer):
    """The docs/API.md Invoice JSON (`invoice_out`)."""

    id = serializers.UUIDField()
    billingPeriodStartDate = serializers.DateField()
    billingPeriodEndDate = serializers.DateField()
    invoiceDate = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=Invoice.Status.choices)
    currencyCode = serializers.CharField()
    totalCharges = MoneyField()


class InvoiceLineOut(serializers.Serializer):
    """The docs/API.md invoice line JSON (`invoice_line_out`)."""

    id = serializers.RegexField(r"^\d+$")
    chargeType = serializers.ChoiceField(choices=InvoiceLine.ChargeType.values)
    orderId = serializers.UUIDField()
    lineItemNumber = serializers.IntegerField(min_value=0)
    customerId = serializers.UUIDField()
    customerName = serializers.CharField()
    customerDomainName = serializers.CharField()
    customerCountry = serializers.CharField()
    offerId = serializers.CharField()
    productName = serializers.CharField()
    quantity = serializers.IntegerField()
    unitPrice = MoneyField()
    subtotal = MoneyField()
    taxTotal = MoneyField()
    totalForCustomer = MoneyField()
    currency = serializers.CharField()
    chargeStartDate = serializers.DateField()
    chargeEndDate = serializers.DateField()
    referenceId = serializers.RegexField(r"^\d+$", allow_null=True)


class InvoiceListApi(APIView):
    required_perm = Perm.READ_INVOICES

    @extend_schema(
        operation_id="invoices_list",
        responses=api_responses(200, collection_of(InvoiceOut, "InvoiceCollection")),
    )
    def get(self, request):
        return paginated(request, invoices_for_user(request.user), invoice_out)


class InvoiceDetailApi(APIView):
    required_perm = Perm.READ_INVOICES

    @extend_schema(operation_id="invoices_get", responses=api_responses(200, InvoiceOut))
    def get(self, request, invoice_id):
        return Response(invoice_out(invoice_get(request.user, invoice_id)))


class InvoiceLineListApi(APIView):
    required_perm = Perm.READ_INVOICES

    @extend_schema(
        operation_id="invoices_lineitems_list",
        responses=api_responses(200, collection_of(InvoiceLineOut, "InvoiceLineCollection")),
    )
    def get(self, request, invoice_id):
        invoice = invoice_get(request.user, invoice_id)
        return paginated(request, invoice_lines(invoice), invoice_line_out)
