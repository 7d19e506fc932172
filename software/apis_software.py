"""Entitlements, product keys and download links (docs/API.md "Software entitlements, keys and download links")."""
from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import Perm
from customers.selectors import customer_get
from partnercenter.api import api_responses, collection_of, paginated
from partnercenter.http import client_ip

from .models import OrderLine
from .selectors import entitlement_get, entitlements_for_customer, variant_for
from .services import download_link_issue, product_key_reveal
from .views_download import download_uri

ENTITLEMENT_TYPES = ("software",)


def _utc(value) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def entitlement_out(entitlement) -> dict:
    line = entitlement.order_line
    status_value = ("cancelled" if entitlement.status == "revoked" or line.status == "cancelled"
                    else line.status)
    return {
        "id": str(entitlement.pk),
        "entitlementType": "software",
        "productId": entitlement.offer_id,
        "friendlyName": line.friendly_name or entitlement.offer.name,
        "quantity": entitlement.quantity,
        "status": status_value,
        "referenceOrder": {"id": str(line.order_id), "lineItemId": line.line_item_number},
        "variants": [{"version": v.version, "language": v.language, "fileType": v.file_type}
                     for v in entitlement.offer.variants.all()],
    }


class ReferenceOrderOut(serializers.Serializer):
    id = serializers.UUIDField()
    lineItemId = serializers.IntegerField(min_value=0)


class VariantOut(serializers.Serializer):
    version = serializers.CharField()
    language = serializers.CharField()
    fileType = serializers.CharField()


class EntitlementOut(serializers.Serializer):
    """The docs/API.md software entitlement JSON (`entitlement_out`)."""

    id = serializers.UUIDField()
    entitlementType = serializers.ChoiceField(choices=ENTITLEMENT_TYPES)
    productId = serializers.CharField()
    friendlyName = serializers.CharField()
    quantity = serializers.IntegerField()
    status = serializers.ChoiceField(choices=OrderLine.Status.choices)
    referenceOrder = ReferenceOrderOut()
    variants = VariantOut(many=True)


class ProductKeyOut(serializers.Serializer):
    productKey = serializers.CharField()


class DownloadLinkOut(serializers.Serializer):
    uri = serializers.URLField()
    expiresAt = serializers.DateTimeField()
    downloadsRemaining = serializers.IntegerField(min_value=0)
    fileName = serializers.CharField()
    size = serializers.IntegerField(min_value=0)
    sha256 = serializers.RegexField(r"^[0-9a-f]{64}$")


class EntitlementListApi(APIView):
    required_perm = Perm.VIEW_CUSTOMERS

    @extend_schema(
        operation_id="entitlements_list",
        responses=api_responses(200, collection_of(EntitlementOut, "EntitlementCollection")),
        parameters=[OpenApiParameter("entitlementType", str, required=False)],
    )
    def get(self, request, tenant_id):
        customer = customer_get(request.user, tenant_id)
        kind = request.query_params.get("entitlementType", "software")
        if kind not in ENTITLEMENT_TYPES:
            raise serializers.ValidationError({"entitlementType": ["Only 'software' is supported."]})
        return paginated(request, entitlements_for_customer(customer), entitlement_out)


class ProductKeyApi(APIView):
    required_perm = Perm.SOFTWARE_ACCESS

    @extend_schema(operation_id="entitlements_productkey_get", responses=api_responses(200, ProductKeyOut, 410))
    def get(self, request, tenant_id, entitlement_id):
        entitlement = entitlement_get(customer_get(request.user, tenant_id), entitlement_id)
        key = product_key_reveal(actor=request.user, entitlement=entitlement, ip=client_ip(request))
        return Response({"productKey": key})


class DownloadLinkIn(serializers.Serializer):
    version = serializers.CharField(max_length=40)
    language = serializers.CharField(max_length=10)
    fileType = serializers.CharField(max_length=40)


class DownloadLinkApi(APIView):
    required_perm = Perm.SOFTWARE_ACCESS

    @extend_schema(
        operation_id="entitlements_downloadlinks_create",
        request=DownloadLinkIn,
        responses=api_responses(201, DownloadLinkOut, 410),
    )
    def post(self, request, tenant_id, entitlement_id):
        entitlement = entitlement_get(customer_get(request.user, tenant_id), entitlement_id)
        body = DownloadLinkIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        variant = variant_for(entitlement, version=data["version"], language=data["language"],
                              file_type=data["fileType"])
        issued = download_link_issue(actor=request.user, entitlement=entitlement, variant=variant,
                                     ip=client_ip(request))
        link, file = issued.link, variant.file
        return Response({
            "uri": download_uri(request, issued.token),
            "expiresAt": _utc(link.expires_at),
            "downloadsRemaining": link.max_downloads - link.downloads_used,
            "fileName": file.file_name,
            "size": file.size,
            "sha256": file.sha256,
        }, status=status.HTTP_201_CREATED)
