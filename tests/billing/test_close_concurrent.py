"""The month close run from several threads at once (PostgreSQL): one issued invoice per partner, month and
currency, and no line on two invoices or twice."""
from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
import time_machine
from django.db import connections

from billing.models import Invoice, InvoiceLine
from billing.services import invoices_close

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

THREADS = 8


def test_concurrent_close_issues_each_invoice_once(transactional_db, demo_world, fabrikam, woodgrove, customer_in,
                                                   place_order):
    # given: charges in two currencies for two partners in January 2031
    with time_machine.travel(dt.datetime(2031, 1, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        for customer in (fabrikam, customer_in("US"), woodgrove):
            place_order(customer, "WS2022-STD", ("SQL2022-ENT-P1Y", 2))
    lines_before = sorted(InvoiceLine.objects.values_list("id", "invoice_id"))
    barrier = threading.Barrier(THREADS)
    results: list[int] = []
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            results.append(invoices_close(today=dt.date(2031, 2, 1)))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert errors == []
    january = Invoice.objects.filter(period_start=dt.date(2031, 1, 1))
    assert sum(results) == january.count() >= 3  # each invoice issued by exactly one thread
    assert set(january.values_list("status", flat=True)) == {Invoice.Status.ISSUED}
    per_key = Counter(january.values_list("partner_id", "period_start", "currency"))
    assert set(per_key.values()) == {1}
    assert sorted(InvoiceLine.objects.values_list("id", "invoice_id")) == lines_before
    charges = Counter(InvoiceLine.objects.filter(charge_type="new").values_list("order_id", "line_item_number"))
    assert set(charges.values()) == {1}
