"""GET/POST /v1/customers, GET /v1/customers/{tenantId} (docs/API.md "Customers")."""
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import Perm
from partnercenter.api import api_responses, collection_of, paginated
from partnercenter.http import client_ip

from .selectors import customer_get, customer_search, customers_for_user
from .services import customer_create


def customer_out(customer) -> dict:
    return {
        "id": str(customer.tenant_id),
        "companyProfile": {"tenantId": str(customer.tenant_id), "domain": customer.domain,
                           "companyName": customer.company_name},
        "billingProfile": {"defaultAddress": {"country": customer.market_id}, "currency": customer.market.currency},
    }


class CompanyProfileIn(serializers.Serializer):
    companyName = serializers.CharField(max_length=200)
    domain = serializers.CharField(max_length=253)


class AddressIn(serializers.Serializer):
    country = serializers.CharField(max_length=2, min_length=2)


class BillingProfileIn(serializers.Serializer):
    defaultAddress = AddressIn()


class CustomerIn(serializers.Serializer):
    companyProfile = CompanyProfileIn()
    billingProfile = BillingProfileIn()


class CompanyProfileOut(serializers.Serializer):
    tenantId = serializers.UUIDField()
    domain = serializers.CharField()
    companyName = serializers.CharField()


class AddressOut(serializers.Serializer):
    country = serializers.CharField(min_length=2, max_length=2)


class BillingProfileOut(serializers.Serializer):
    defaultAddress = AddressOut()
    currency = serializers.CharField(min_length=3, max_length=3)


class CustomerOut(serializers.Serializer):
    """The docs/API.md Customer JSON (`customer_out`)."""

    id = serializers.UUIDField()
    companyProfile = CompanyProfileOut()
    billingProfile = BillingProfileOut()


FIELD_PATHS = {"companyName": "companyProfile.companyName", "domain": "companyProfile.domain",
               "country": "billingProfile.defaultAddress.country"}


class CustomerListApi(APIView):
    required_perm = {"GET": Perm.VIEW_CUSTOMERS, "POST": Perm.CREATE_CUSTOMER}

    @extend_schema(
        operation_id="customers_list",
        responses=api_responses(200, collection_of(CustomerOut, "CustomerCollection")),
        parameters=[OpenApiParameter("q", str, required=False)],
    )
    def get(self, request):
        qs = customer_search(customers_for_user(request.user), request.query_params.get("q", ""))
        return paginated(request, qs, customer_out)

    @extend_schema(operation_id="customers_create", request=CustomerIn, responses=api_responses(201, CustomerOut))
    def post(self, request):
        body = CustomerIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            customer = customer_create(actor=request.user, company_name=data["companyProfile"]["companyName"],
                                       domain=data["companyProfile"]["domain"],
                                       country=data["billingProfile"]["defaultAddress"]["country"],
                                       ip=client_ip(request))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                {FIELD_PATHS.get(k, k): v for k, v in exc.message_dict.items()}) from None
        return Response(customer_out(customer), status=status.HTTP_201_CREATED)


class CustomerDetailApi(APIView):
    required_perm = Perm.VIEW_CUSTOMERS

    @extend_schema(operation_id="customers_get", responses=api_responses(200, CustomerOut))
    def get(self, request, tenant_id):
        return Response(customer_out(customer_get(request.user, tenant_id)))
