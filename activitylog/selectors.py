"""Reading the activity log: always scoped to the reader's partner (D-LOG-3, D-ROLE-4)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import ActivityRecord

DEFAULT_DAYS = 30


def records_for_user(user) -> QuerySet[ActivityRecord]:
    """Every record of the user's partner; nothing for a user without one (fails closed)."""
    partner_id = getattr(user, "partner_id", None)
    if partner_id is None:
        return ActivityRecord.objects.none()
    return ActivityRecord.objects.filter(partner_id=partner_id)


def default_range(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.now().date()
    return today - dt.timedelta(days=DEFAULT_DAYS), today


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


@dataclass(frozen=True)
class LogFilter:
    start: dt.date
    end: dt.date                          # inclusive
    customer: str = ""                    # company name or tenant id, substring
    user: str = ""                        # user principal name, substring
    operation: str = ""                   # exact Operation value
    resource: str = ""                    # exact Resource value


def records_filter(qs: QuerySet[ActivityRecord], f: LogFilter) -> QuerySet[ActivityRecord]:
    """Dates are whole UTC days, both inclusive. Uses ranges (not __date) so the (partner, date) index serves."""
    qs = qs.filter(operation_date__gte=_day_start(f.start),
                   operation_date__lt=_day_start(f.end + dt.timedelta(days=1)))
    if f.customer:
        qs = qs.filter(Q(customer_name__icontains=f.customer) | Q(customer_id__icontains=f.customer))
    if f.user:
        qs = qs.filter(user_principal_name__icontains=f.user)
    if f.operation:
        qs = qs.filter(operation_type=f.operation)
    if f.resource:
        qs = qs.filter(resource_type=f.resource)
    return qs


# The API's filter (API.md "Activity log"): Field -> model field.
MATCH_FIELDS = {
    "CustomerId": "customer_id",
    "CompanyName": "customer_name",
    "ResourceType": "resource_type",
    "OperationType": "operation_type",
    "UserPrincipalName": "user_principal_name",
}
MATCH_OPERATORS = {"equals": "iexact", "substring": "icontains"}


def records_match(qs: QuerySet[ActivityRecord], *, field: str, value: str, operator: str = "equals"
                  ) -> QuerySet[ActivityRecord]:
    """One API filter clause. A CustomerId `equals` value must be a tenant id (checked by the caller)."""
    name, lookup = MATCH_FIELDS[field], MATCH_OPERATORS[operator]
    if name == "customer_id" and lookup == "iexact":
        lookup = "exact"
    return qs.filter(**{f"{name}__{lookup}": value})


def records_newest_first(qs: QuerySet[ActivityRecord]) -> QuerySet[ActivityRecord]:
    return qs.order_by("-operation_date", "-id")


def records_chain_order(qs: QuerySet[ActivityRecord]) -> QuerySet[ActivityRecord]:
    """Sealed records in chain order (oldest first), as the export and the verifier need them."""
    return qs.filter(chain_position__isnull=False).order_by("chain_position")
