"""GET /v1/auditrecords (docs/API.md "Activity log (audit records)"): D-LOG, readable by the roles of D-ROLE-2."""
from __future__ import annotations

import datetime as dt
import json
import re
import uuid

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from accounts.roles import Perm
from partnercenter.api import api_responses, collection_of, paginated

from .selectors import (
    MATCH_FIELDS,
    MATCH_OPERATORS,
    LogFilter,
    date_range_error,
    default_range,
    records_filter,
    records_for_user,
    records_match,
    records_newest_first,
)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day(raw: str | None, default: dt.date, name: str) -> dt.date:
    if raw in (None, ""):
        return default
    try:
        if not _DATE.match(raw):
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise serializers.ValidationError({name: [_("Enter a date as YYYY-MM-DD.")]}) from None


def parse_filter(raw: str | None) -> dict | None:
    """`{"Field", "Value", "Operator"}`; Operator defaults to equals."""
    if raw in (None, ""):
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        raise serializers.ValidationError({"filter": [_("The filter is not valid JSON.")]}) from None
    if not isinstance(data, dict):
        raise serializers.ValidationError({"filter": [_("The filter must be a JSON object.")]})
    field, value = data.get("Field"), data.get("Value")
    operator = data.get("Operator") or "equals"
    if field not in MATCH_FIELDS:
        raise serializers.ValidationError(
            {"filter.Field": [_("Field must be one of: %(fields)s.") % {"fields": ", ".join(MATCH_FIELDS)}]})
    if operator not in MATCH_OPERATORS:
        raise serializers.ValidationError({"filter.Operator": [_("Operator must be equals or substring.")]})
    if not isinstance(value, str) or not value or len(value) > 254 or "\x00" in value:
        raise serializers.ValidationError({"filter.Value": [_("Value must be a non-empty string.")]})
    if field == "CustomerId" and operator == "equals":
        try:
            value = str(uuid.UUID(value))
        except ValueError:
            raise serializers.ValidationError({"filter.Value": [_("CustomerId must be a tenant id.")]}) from None
    return {"field": field, "value": value, "operator": operator}


def audit_record_out(record) -> dict:
    data = [{"key": key, "value": str(value)} for key, value in (record.details or {}).items()]
    if record.ip_address:
        data.append({"key": "IpAddress", "value": record.ip_address})
    return {
        "id": str(record.pk),
        "partnerId": str(record.partner_id),
        "customerId": str(record.customer_id) if record.customer_id else None,
        "customerName": record.customer_name,
        "userPrincipalName": record.user_principal_name,
        "resourceType": record.resource_type,
        "operationType": record.operation_type,
        "operationStatus": record.operation_status,
        "operationDate": record.operation_date.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ipAddress": record.ip_address,
        "customizedData": data,
    }


class KeyValueOut(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.CharField(allow_blank=True)


class AuditRecordOut(serializers.Serializer):
    """The docs/API.md audit record JSON (`audit_record_out`)."""

    id = serializers.CharField()
    partnerId = serializers.CharField()
    customerId = serializers.UUIDField(allow_null=True)
    customerName = serializers.CharField(allow_blank=True)
    userPrincipalName = serializers.CharField(allow_blank=True)
    resourceType = serializers.CharField()
    operationType = serializers.CharField()
    operationStatus = serializers.CharField()
    operationDate = serializers.DateTimeField()
    ipAddress = serializers.CharField(allow_null=True, allow_blank=True)
    customizedData = KeyValueOut(many=True)


class AuditRecordListApi(APIView):
    required_perm = Perm.READ_ACTIVITY_LOG

    @extend_schema(
        operation_id="auditrecords_list",
        responses=api_responses(200, collection_of(AuditRecordOut, "AuditRecordCollection")),
        parameters=[
            OpenApiParameter("startDate", str, required=False),
            OpenApiParameter("endDate", str, required=False),
            OpenApiParameter("filter", str, required=False),
        ],
    )
    def get(self, request):
        default_start, default_end = default_range()
        start = parse_day(request.query_params.get("startDate"), default_start, "startDate")
        end = parse_day(request.query_params.get("endDate"), default_end, "endDate")
        problem = date_range_error(start, end)
        if problem:
            raise serializers.ValidationError({"startDate" if start > end else "endDate": [problem]})
        match = parse_filter(request.query_params.get("filter"))
        qs = records_filter(records_for_user(request.user), LogFilter(start=start, end=end))
        if match:
            qs = records_match(qs, **match)
        return paginated(request, records_newest_first(qs), audit_record_out)

