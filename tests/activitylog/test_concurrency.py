"""STYLE #11 on real PostgreSQL: writers append freely while two sealing jobs run; the chain stays whole,
every record is sealed exactly once and counted once in the daily counts."""
from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, transaction
from django.db.models import Count

from activitylog.counts import record_day
from activitylog.models import ActivityRecord, ChainHead, DailyCount
from activitylog.services import chain_seal, chain_verify, log_create_support_request

WRITERS, PER_WRITER, SEALERS = 6, 40, 2


@pytest.mark.services
def test_concurrent_appends_and_sealing(demo_world):
    # given
    from accounts.models import User

    actors = [User.objects.get(email="global.admin@contoso-partner.example"),
              User.objects.get(email="global.admin@adatum-partner.example")]
    start, writers_done = threading.Barrier(WRITERS + SEALERS), threading.Event()
    errors: list[BaseException] = []
    seal_rounds = []

    def write(index: int):
        try:
            actor = actors[index % 2]
            start.wait()
            for n in range(PER_WRITER):
                with transaction.atomic():
                    log_create_support_request(actor=actor, partner_id=actor.partner_id,
                                               number=f"SR{index:02d}{n:08d}", title=f"writer {index}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    def seal():
        try:
            start.wait()
            while not writers_done.is_set():
                seal_rounds.append(chain_seal(batch_size=7))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    sealers = [threading.Thread(target=seal) for _ in range(SEALERS)]
    # when
    for thread in sealers + threads:
        thread.start()
    for thread in threads:
        thread.join()
    writers_done.set()
    for thread in sealers:
        thread.join()
    chain_seal()
    # then
    assert not errors, errors
    assert sum(seal_rounds) > 0  # the sealer really ran alongside the writers
    result = chain_verify()
    total = ActivityRecord.objects.count()
    assert result == {"checked": total, "unsealed": 0}
    assert total >= WRITERS * PER_WRITER
    for head in ChainHead.objects.all():
        positions = list(ActivityRecord.objects.filter(partner_id=head.partner_id)
                         .order_by("chain_position").values_list("chain_position", flat=True))
        assert positions == list(range(1, head.position + 1))  # each record sealed exactly once, no gaps
    direct = Counter({(r["partner_id"], r["day"], r["operation_type"], r["operation_status"]): r["n"] for r in
                      ActivityRecord.objects.order_by().annotate(day=record_day())
                      .values("partner_id", "day", "operation_type", "operation_status").annotate(n=Count("pk"))})
    counted = Counter({(c.partner_id, c.day, c.operation_type, c.operation_status): c.count
                       for c in DailyCount.objects.all()})
    assert counted == direct  # each sealed record counted once, by whichever sealer sealed it
