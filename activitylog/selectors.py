"""Reading the activity log: always scoped to the reader's partner (D-LOG-3, D-ROLE-4)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, ExpressionWrapper, Max, Min, Q, QuerySet, TextField
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone
from django.utils.translation import gettext as _

from .counts import record_day
from .models import ActivityRecord, DailyCount, Operation, Status

DEFAULT_DAYS = 30


def records_for_user(user) -> QuerySet[ActivityRecord]:
    """Every record of the user's partner; nothing for a user without one (fails closed)."""
    partner_id = getattr(user, "partner_id", None)
    if partner_id is None:
        return ActivityRecord.objects.none()
    return ActivityRecord.objects.filter(partner_id=partner_id)


def last_days(days: int, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The whole UTC days that hold the last `days` days up to now: from the date `days` days ago through today
    (0: today only). So "the last 7 days" on 15 March are 8 to 15 March, both included, as the default range
    (the last 30 days) has always been."""
    today = today or timezone.now().date()
    return today - dt.timedelta(days=days), today


def default_range(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    return last_days(DEFAULT_DAYS, today)


# The last end date a search may name: far past any record, and far enough from the end of the calendar that
# the day after it exists (the search runs to the start of the next day). A start date may be as early as any.
LATEST_END = dt.date(2999, 12, 31)


def date_range_error(start: dt.date, end: dt.date) -> str | None:
    """Why a date range can't be searched (the Activity log page, its export and /v1/auditrecords), or None."""
    if start > end:
        return _("The start date must be on or before the end date.")
    if end > LATEST_END:
        return _("Choose an end date no later than %(last)s.") % {"last": LATEST_END.isoformat()}
    return None


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


# The API's filter (docs/API.md "Activity log"): Field -> model field.
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


def records_oldest_first(qs: QuerySet[ActivityRecord]) -> QuerySet[ActivityRecord]:
    return qs.order_by("operation_date", "id")


def link_issuers(qs: QuerySet[ActivityRecord], link_ids: Iterable[str]) -> dict[str, str]:
    """Link id -> the email address of who issued the link, for the links among `link_ids` whose creation is
    recorded in `qs` (records_for_user: the reader's partner only). A download's record carries only its link
    id, and the link's creation record names who issued it (D-LOG-4). One query, whatever the number of ids,
    through the partial index activity_link_issued."""
    link_ids = sorted({str(link_id) for link_id in link_ids if link_id})
    if not link_ids:
        return {}
    # The key as text (->> on PostgreSQL: the index's expression), compared as text: KeyTextTransform's own
    # `in` lookup would compare JSON values (on SQLite it parses each id as JSON, and fails).
    link_id = ExpressionWrapper(KeyTextTransform("LinkId", "details"), output_field=TextField())
    rows = (qs.filter(operation_type=Operation.GET_SOFTWARE_DOWNLOAD_LINK, operation_status=Status.SUCCEEDED)
            .annotate(link_id=link_id).filter(link_id__in=link_ids)
            .order_by().values_list("link_id", "user_principal_name"))
    return dict(rows)


def records_chain_order(qs: QuerySet[ActivityRecord]) -> QuerySet[ActivityRecord]:
    """Sealed records in chain order (oldest first), as the export and the verifier need them."""
    return qs.filter(chain_position__isnull=False).order_by("chain_position")


def daily_counts(partner_id: int, *, first_day: dt.date, operations: list[str],
                 status: str = Status.SUCCEEDED) -> dict[tuple[dt.date, str], int]:
    """(day, operation) -> how many records of `status` the partner has, from `first_day` (in settings.TIME_ZONE)
    on: the daily counts of sealed records plus a live count of the unsealed ones (a few seconds' worth,
    found through the partial index `activity_unsealed`). One statement, so a batch sealed meanwhile is
    counted once: either still unsealed or already in the counts."""
    sealed = (DailyCount.objects.filter(partner_id=partner_id, day__gte=first_day, operation_status=status,
                                        operation_type__in=operations)
              .order_by().values_list("day", "operation_type", "count"))
    since = dt.datetime.combine(first_day, dt.time.min, tzinfo=timezone.get_default_timezone())
    unsealed = (ActivityRecord.objects.filter(partner_id=partner_id, hash__isnull=True, operation_date__gte=since,
                                              operation_status=status, operation_type__in=operations)
                .order_by().annotate(day=record_day()).values_list("day", "operation_type")
                .annotate(n=Count("pk")))
    out: dict[tuple[dt.date, str], int] = {}
    for day, operation, n in sealed.union(unsealed, all=True):
        out[(day, operation)] = out.get((day, operation), 0) + n
    return out


def records_chain_span(qs: QuerySet[ActivityRecord]) -> tuple[QuerySet[ActivityRecord], int]:
    """`qs` (records_chain_order) bounded to the chain positions it spans, and how many records it holds,
    with one aggregate. The bounds change no result, but let the streaming (server-side cursor) plan walk
    only that part of the (partner, chain_position) index: without them it walks the partner's whole
    chain from position 1, filtering by date. Records sealed afterwards fall outside the bounds, so the
    count is exactly what the stream yields."""
    span = qs.order_by().aggregate(n=Count("id"), first=Min("chain_position"), last=Max("chain_position"))
    if not span["n"]:
        return qs.none(), 0
    return qs.filter(chain_position__gte=span["first"], chain_position__lte=span["last"]), span["n"]
