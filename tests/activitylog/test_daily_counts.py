"""Daily counts of sealed records (activitylog.counts): exactly the sealed records, counted once however
often sealing runs, rebuilt by the backfill migration, and — with the live count of unsealed records — equal to
a direct count over the records."""
from __future__ import annotations

import datetime as dt
import importlib
from collections import Counter
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from activitylog.counts import counts_rebuild
from activitylog.models import ActivityRecord, DailyCount, Operation, Status
from activitylog.selectors import daily_counts
from activitylog.services import chain_seal, download_record, log_record, log_software_key

pytestmark = pytest.mark.django_db

DAY = dt.datetime(2026, 5, 10, 12, 0, tzinfo=dt.UTC)
CHART_OPS = [Operation.DOWNLOAD_SOFTWARE, Operation.GET_SOFTWARE_KEY]


def _direct(partner_id: int | None = None, *, sealed_only: bool = True) -> Counter:
    """(partner, day in settings.TIME_ZONE, operation, status) -> records, counted one by one in Python."""
    records = ActivityRecord.objects.all()
    if sealed_only:
        records = records.filter(hash__isnull=False)
    if partner_id is not None:
        records = records.filter(partner_id=partner_id)
    tz = timezone.get_default_timezone()
    return Counter((r.partner_id, timezone.localtime(r.operation_date, tz).date(), r.operation_type,
                    r.operation_status) for r in records)


def _table() -> Counter:
    return Counter({(c.partner_id, c.day, c.operation_type, c.operation_status): c.count
                    for c in DailyCount.objects.all()})


@pytest.fixture
def activity(fabrikam, user_for):
    """Key reveals and downloads (some failed) of a Contoso customer over three days, around midnight too."""
    agent = user_for("admin.agent")

    def write(at: dt.datetime, *, reveals: int = 2, downloads: int = 3, failed: int = 1) -> None:
        with time_machine.travel(at, tick=False), transaction.atomic():
            for _ in range(reveals):
                log_software_key(actor=agent, customer=fabrikam, order_id="o", product="p")
            for i in range(downloads + failed):
                log_record(download_record(customer=fabrikam, order_id="o", product="p", file_name="f.iso",
                                           link_id="l", status=Status.FAILED if i < failed else Status.SUCCEEDED))

    write(DAY - dt.timedelta(days=2))
    write(DAY - dt.timedelta(days=1, minutes=-(11 * 60 + 59)), reveals=1, downloads=1, failed=0)  # 23:59
    write(DAY, reveals=4, downloads=5, failed=2)
    return write


def test_sealing_counts_exactly_the_sealed_records_per_day_operation_and_status(activity):
    # given records of several days, operations and statuses; when they are sealed in small batches
    sealed = chain_seal(batch_size=4)
    # then the counts are exactly the sealed records, grouped
    assert sealed > 0
    assert _table() == _direct()
    assert sum(_table().values()) == ActivityRecord.objects.count()


def test_sealing_again_does_not_count_twice(activity, fabrikam):
    # given everything sealed and counted
    chain_seal()
    before = _table()
    # when sealing runs again, with nothing new and then with one new day
    assert chain_seal() == 0
    after_nothing = _table()
    activity(DAY + dt.timedelta(days=1), reveals=1, downloads=0, failed=0)
    assert chain_seal() == 1
    # then nothing was counted twice
    assert after_nothing == before
    assert _table() == _direct()
    assert _table() - before == Counter({(fabrikam.partner_id, (DAY + dt.timedelta(days=1)).date(),
                                          Operation.GET_SOFTWARE_KEY, Status.SUCCEEDED): 1})


def test_a_day_is_a_day_in_settings_time_zone(settings, fabrikam, user_for):
    # given the portal's time zone is Tokyo (UTC+9) and a key is revealed at 20:00 UTC
    settings.TIME_ZONE = "Asia/Tokyo"
    with time_machine.travel(dt.datetime(2026, 5, 10, 20, 0, tzinfo=dt.UTC), tick=False), transaction.atomic():
        log_software_key(actor=user_for("admin.agent"), customer=fabrikam, order_id="o", product="p")
    # when it is sealed
    chain_seal()
    # then it counts on the 11th, Tokyo's day
    assert DailyCount.objects.filter(operation_type=Operation.GET_SOFTWARE_KEY).get().day == dt.date(2026, 5, 11)


def test_the_chart_counts_equal_a_direct_count_with_unsealed_records_too(activity, fabrikam):
    # given sealed records and then more, not sealed yet, on the same and a new day
    chain_seal()
    activity(DAY, reveals=3, downloads=2, failed=1)
    activity(DAY + dt.timedelta(days=1), reveals=1, downloads=1, failed=0)
    assert ActivityRecord.objects.filter(hash__isnull=True).count() == 8
    # when the chart's counts are read
    counts = daily_counts(fabrikam.partner_id, first_day=(DAY - dt.timedelta(days=1)).date(), operations=CHART_OPS)
    # then they equal a direct count of succeeded records from that day on, sealed or not
    direct = Counter({(day, op): n for (_p, day, op, status), n in
                      _direct(fabrikam.partner_id, sealed_only=False).items()
                      if status == Status.SUCCEEDED and day >= (DAY - dt.timedelta(days=1)).date()})
    assert counts == dict(direct)
    assert counts[(DAY.date(), Operation.GET_SOFTWARE_KEY)] == 4 + 3
    assert (DAY - dt.timedelta(days=2)).date() not in {day for day, _op in counts}


def test_rebuilding_recounts_the_sealed_records_and_is_idempotent(activity):
    # given sealed records, wrong counts (as if copied from before the counts existed) and an unsealed record
    chain_seal()
    expected = _direct()
    DailyCount.objects.update(count=999)
    activity(DAY, reveals=1, downloads=0, failed=0)
    # when the counts are rebuilt, twice
    counts_rebuild()
    counts_rebuild()
    # then they are the sealed records' counts; the unsealed record is left to the sealing job
    assert _table() == expected
    chain_seal()
    assert _table() == _direct()


def test_the_backfill_migration_counts_records_sealed_before_it(activity):
    # given sealed records and no counts (a database copied from before migration 0003)
    chain_seal()
    expected = _direct()
    DailyCount.objects.all().delete()
    # when the migration's backfill runs with the migration's historical models
    migration = importlib.import_module("activitylog.migrations.0003_daily_counts")
    state = MigrationExecutor(connection).loader.project_state(("activitylog", "0003_daily_counts"))
    migration.backfill(state.apps, SimpleNamespace(connection=connection))
    # then the counts are the sealed records'
    assert _table() == expected
    assert sum(expected.values()) > 0
