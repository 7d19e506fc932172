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
    """2026-11-22T07:58:01.123456Z (always microseconds). isoformat is the C equivalent of
    strftime("%Y-%m-%dT%H:%M:%S.%fZ") and several times cheaper (the export formats every record)."""
    return value.isoformat(timespec="microseconds")[:26] + "Z"


_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def details_text(details: dict) -> str:
    """json.dumps(details, sort_keys=True, ensure_ascii=False, separators=(",", ":")), with one encoder
    made once instead of one per call."""
    return _CANONICAL_JSON.encode(details)


def record_values(record) -> list[str]:
    """The hashed content of a record (a model instance, or anything with its attributes) as the strings
    the export writes, in HASHED_FIELDS order: the canonical form."""
    customer_id = record.customer_id
    return [
        str(record.pk),
        str(record.partner_id),
        format_date(record.operation_date),
        record.user_principal_name,
        str(customer_id) if customer_id else "",
        record.customer_name,
        record.resource_type,
        record.operation_type,
        record.operation_status,
        record.ip_address or "",
        details_text(record.details),
    ]


def record_fields(record) -> dict[str, str]:
    """record_values by column name."""
    return dict(zip(HASHED_FIELDS, record_values(record), strict=True))


def link_hash(previous_hash: str, fields: dict[str, str]) -> str:
    payload = json.dumps([fields[name] for name in HASHED_FIELDS], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((previous_hash + "\n" + payload).encode()).hexdigest()
