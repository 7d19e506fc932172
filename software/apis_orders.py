"""GET /v1/offers, POST/GET /v1/customers/{tenantId}/orders, GET .../orders/{orderId} (docs/API.md "Offers",
"Orders")."""
from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import Perm
from customers.selectors import customer_get, market_get
from partnercenter.api import (
    REQUEST_ID_PARAMETER,
    MoneyField,
    api_responses,
    collection_of,
    once_per_request_id,
    paginated,
)
from partnercenter.http import client_ip
from partnercenter.money import to_str

from .models import Offer, OfferPrice, Order, OrderLine, ProductType
from .orders import LineRequest, offer_purchasable
from .selectors import order_get, orders_of
from .services import order_place


def iso_utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def offer_out(offer: Offer, price, market) -> dict:
    return {
        "id": offer.id,
        "name": offer.name,
        "productType": offer.product_type,
        "termDuration": offer.term_duration or None,
        "unitPrice": to_str(price.unit_price, market.currency),
        "currencyCode": market.currency,
        "taxInclusive": market.tax_inclusive,
        "cancellationWindowDays": offer.cancellation_window_days,
        "isPurchasable": offer_purchasable(offer, market),
    }


def order_line_out(line, currency: str) -> dict:
    return {
        "lineItemNumber": line.line_item_number,
        "offerId": line.offer_id,
        "friendlyName": line.friendly_name,
        "quantity": line.quantity,
        "termDuration": line.term_duration or None,
        "status": line.status,
        "unitPrice": to_str(line.unit_price, currency),
        "subtotal": to_str(line.subtotal, currency),
        "taxTotal": to_str(line.tax_total, currency),
        "total": to_str(line.total, currency),
    }


def order_out(order: Order) -> dict:
    """The docs/API.md Order JSON."""
    return {
        "id": str(order.id),
        "alternateId": order.alternate_id,
        "referenceCustomerId": str(order.customer_id),
        "creationDate": iso_utc(order.creation_date),
        "status": order.status,
        "currencyCode": order.currency,
        "lineItems": [order_line_out(line, order.currency) for line in order.lines.all()],
    }


class OfferOut(serializers.Serializer):
    """The docs/API.md Offer JSON (`offer_out`)."""

    id = serializers.CharField()
    name = serializers.CharField()
    productType = serializers.ChoiceField(choices=ProductType.values)
    termDuration = serializers.CharField(allow_null=True)
    unitPrice = MoneyField()
    currencyCode = serializers.CharField()
    taxInclusive = serializers.BooleanField()
    cancellationWindowDays = serializers.IntegerField(allow_null=True)
    isPurchasable = serializers.BooleanField()


class OrderLineOut(serializers.Serializer):
    lineItemNumber = serializers.IntegerField(min_value=0)
    offerId = serializers.CharField()
    friendlyName = serializers.CharField()
    quantity = serializers.IntegerField()
    termDuration = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=OrderLine.Status.choices)
    unitPrice = MoneyField()
    subtotal = MoneyField()
    taxTotal = MoneyField()
    total = MoneyField()


class OrderOut(serializers.Serializer):
    """The docs/API.md Order JSON (`order_out`)."""

    id = serializers.UUIDField()
    alternateId = serializers.CharField()
    referenceCustomerId = serializers.UUIDField()
    creationDate = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Order.Status.choices)
    currencyCode = serializers.CharField()
    lineItems = OrderLineOut(many=True)


class OfferListApi(APIView):
    required_perm = Perm.VIEW_CUSTOMERS

    @extend_schema(
        operation_id="offers_list",
        responses=api_responses(200, collection_of(OfferOut, "OfferCollection")),
        parameters=[OpenApiParameter("country", str, required=True)],
    )
    def get(self, request):
        country = request.query_params.get("country", "")
        if not country.strip():
            raise serializers.ValidationError({"country": ["This query parameter is required."]})
        market = market_get(country)
        if market is None:
            raise serializers.ValidationError({"country": ["Unknown country."]})
        prices = (OfferPrice.objects.filter(market=market, offer__is_active=True).select_related("offer")
                  .order_by("offer__sort_order", "offer__name", "offer_id"))
        return paginated(request, prices, lambda price: offer_out(price.offer, price, market))


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: no strings ("2"), floats (1.5, 1.0) or booleans."""

    default_error_messages = {"invalid": "A whole number is required."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class LineItemIn(serializers.Serializer):
    lineItemNumber = StrictIntegerField(required=False, min_value=0)
    offerId = serializers.CharField(max_length=64)
    quantity = StrictIntegerField()


class OrderIn(serializers.Serializer):
    lineItems = LineItemIn(many=True, allow_empty=False)


class OrderListApi(APIView):
    required_perm = {"GET": Perm.VIEW_CUSTOMERS, "POST": Perm.BUY}

    @extend_schema(operation_id="orders_list", responses=api_responses(200, collection_of(OrderOut, "OrderCollection")))
    def get(self, request, tenant_id):
        customer = customer_get(request.user, tenant_id)
        return paginated(request, orders_of(customer), order_out)

    @extend_schema(operation_id="orders_create", request=OrderIn, responses=api_responses(201, OrderOut),
                   parameters=[REQUEST_ID_PARAMETER])
    def post(self, request, tenant_id):
        customer = customer_get(request.user, tenant_id)

        def place() -> tuple[int, dict]:
            body = OrderIn(data=request.data)
            body.is_valid(raise_exception=True)
            lines = [LineRequest(offer_id=item["offerId"], quantity=item["quantity"],
                                 line_item_number=item.get("lineItemNumber"))
                     for item in body.validated_data["lineItems"]]
            # Django ValidationError ({"lineItems[0].quantity": [...]}) and DomainError (700001) are rendered
            # by partnercenter.api.exception_handler as 400 with the fields in `data`.
            order = order_place(actor=request.user, customer=customer, lines=lines, ip=client_ip(request))
            return status.HTTP_201_CREATED, order_out(orders_of(customer).get(pk=order.pk))

        return once_per_request_id(request, scope=f"partner:{customer.partner_id}", work=place)


class OrderDetailApi(APIView):
    """GET one order. Routed by cancellations, whose view adds PATCH (software.api_urls.ORDER_ROUTE)."""

    required_perm = Perm.VIEW_CUSTOMERS

    def get_order(self, request, tenant_id, order_id) -> Order:
        return order_get(customer_get(request.user, tenant_id), order_id)

    @extend_schema(operation_id="orders_get", responses=api_responses(200, OrderOut))
    def get(self, request, tenant_id, order_id):
        return Response(order_out(self.get_order(request, tenant_id, order_id)))
