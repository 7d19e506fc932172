"""PATCH /v1/customers/{tenantId}/orders/{orderId} — cancel an order or some of its lines (D-CAN-9, docs/API.md)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from accounts.roles import Perm
from partnercenter.api import REQUEST_ID_PARAMETER, api_responses, once_per_request_id
from partnercenter.http import client_ip
from software.apis_orders import OrderDetailApi, OrderOut, StrictIntegerField, order_out

from .services import cancellation_request


class CancelLineIn(serializers.Serializer):
    lineItemNumber = StrictIntegerField(min_value=0)


class OrderPatchIn(serializers.Serializer):
    status = serializers.CharField()
    lineItems = CancelLineIn(many=True, required=False, allow_empty=False)

    def validate_status(self, value: str) -> str:
        if value != "cancelled":
            raise serializers.ValidationError('Only "cancelled" is supported.')
        return value


class OrderCancelApi(OrderDetailApi):
    """GET as software's order detail; PATCH {"status": "cancelled"} cancels (Admin agent only)."""

    required_perm = {"GET": Perm.VIEW_CUSTOMERS, "PATCH": Perm.CANCEL}

    @extend_schema(operation_id="orders_get", responses=api_responses(200, OrderOut))
    def get(self, request, tenant_id, order_id):
        return super().get(request, tenant_id, order_id)

    @extend_schema(operation_id="orders_cancel", request=OrderPatchIn, responses=api_responses(200, OrderOut, 409),
                   parameters=[REQUEST_ID_PARAMETER])
    def patch(self, request, tenant_id, order_id):
        order = self.get_order(request, tenant_id, order_id)

        def cancel() -> tuple[int, dict]:
            if not isinstance(request.data, dict):
                raise serializers.ValidationError({"non_field_errors": ["A JSON object is required."]})
            body = OrderPatchIn(data=request.data)
            body.is_valid(raise_exception=True)
            items = body.validated_data.get("lineItems")
            numbers = None if items is None else [item["lineItemNumber"] for item in items]
            if numbers is not None and len(set(numbers)) != len(numbers):
                raise serializers.ValidationError({"lineItems": ["Each line item number may appear once."]})
            # DomainError 800061 / 900117 / 800060 are rendered by partnercenter.api.exception_handler.
            cancellation_request(actor=request.user, order=order, line_item_numbers=numbers, ip=client_ip(request))
            return 200, order_out(self.get_order(request, tenant_id, order_id))

        return once_per_request_id(request, scope=f"partner:{order.partner_id}", work=cancel)
