"""Daily counts of sealed activity records (models.DailyCount): what a chart of the last 30 days reads
instead of grouping a partner's millions of records on every page view.

The sealing job adds each batch it seals, in the same transaction (services._seal_batch), and a record is
sealed exactly once (the chain head lock and the append-only trigger), so the counts are exactly the sealed
records. `counts_rebuild` recounts from scratch: the backfill migration and the benchmark generator.

A record's day is its operation date in settings.TIME_ZONE (`record_day`), for the counts and the live count
of unsealed records alike."""
from __future__ import annotations

from django.db import connections, transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

COLUMNS = ("partner_id", "day", "operation_type", "operation_status")


def record_day() -> TruncDate:
    return TruncDate("operation_date", tzinfo=timezone.get_default_timezone())


def counts_add(records: QuerySet, count_model=None) -> None:
    """Add `records` (just sealed, not counted yet) to the daily counts: one INSERT … SELECT … GROUP BY that
    adds to the rows already there."""
    if count_model is None:
        from .models import DailyCount as count_model
    grouped = (records.order_by().annotate(day=record_day()).values(*COLUMNS).annotate(n=Count("pk")))
    select, params = grouped.query.sql_with_params()
    connection = connections[records.db]
    qn = connection.ops.quote_name
    table, count = qn(count_model._meta.db_table), qn("count")
    columns = ", ".join(qn(c) for c in COLUMNS)
    picked = ", ".join(f"g.{qn(c)}" for c in COLUMNS)
    with connection.cursor() as cursor:
        # "WHERE true" lets SQLite tell the upsert's ON CONFLICT from a join's ON.
        cursor.execute(
            f"INSERT INTO {table} ({columns}, {count}) SELECT {picked}, g.{qn('n')} FROM ({select}) AS g "  # noqa: S608
            f"WHERE true ON CONFLICT ({columns}) DO UPDATE SET {count} = {table}.{count} + excluded.{count}",
            params)


def counts_rebuild(record_model=None, count_model=None, head_model=None, using: str = "default") -> None:
    """Recount every sealed record. The chain heads are locked first, so no batch is sealed meanwhile.
    Models can be passed in (a migration's historical models)."""
    if record_model is None:
        from .models import ActivityRecord as record_model
        from .models import ChainHead as head_model
        from .models import DailyCount as count_model
    with transaction.atomic(using=using):
        list(head_model.objects.using(using).select_for_update().order_by("pk").values_list("pk", flat=True))
        count_model.objects.using(using).all().delete()
        counts_add(record_model.objects.using(using).filter(hash__isnull=False), count_model)
