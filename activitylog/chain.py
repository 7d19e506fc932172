"""The hash chain: one canonical form of a record, shared by the database check and the CSV check."""
from __future__ import annotations

import hashlib
import json

GENESIS = "0" * 64

# The exported columns that the hash covers, in order.
HASHED_FIELDS = [
    "id", "partnerId", "operationDate", "userPrincipalName", "customerId", "customerName",
    "resourceType", "operationType", "operationStatus", "ipAddress", "details",
]


def format_date(value) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def details_text(details: dict) -> str:
    return json.dumps(details, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def record_fields(record) -> dict[str, str]:
    """The hashed content of a model instance as the strings the export writes."""
    return {
        "id": str(record.pk),
        "partnerId": str(record.partner_id),
        "operationDate": format_date(record.operation_date),
        "userPrincipalName": record.user_principal_name,
        "customerId": str(record.customer_id) if record.customer_id else "",
        "customerName": record.customer_name,
        "resourceType": record.resource_type,
        "operationType": record.operation_type,
        "operationStatus": record.operation_status,
        "ipAddress": record.ip_address or "",
        "details": details_text(record.details),
    }


def link_hash(previous_hash: str, fields: dict[str, str]) -> str:
    payload = json.dumps([fields[name] for name in HASHED_FIELDS], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((previous_hash + "\n" + payload).encode()).hexdigest()
