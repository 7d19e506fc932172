"""Processing a cancellation (D-CAN-7, D-CAN-8, D-BILL-4): keys and links revoked, lines and order
cancelled, exactly one negative cancelImmediate credit per line on the open invoice of the processing
month, `create_credit` records; idempotent; the sweep re-dispatches stale requests."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction
from unittest import mock

import time_machine
from django.urls import reverse

from activitylog.models import ActivityRecord
from billing.models import Invoice, InvoiceLine
from cancellations.models import CancellationRequest
from cancellations.services import cancellation_process, cancellation_request, cancellations_sweep
from partnercenter.errors import DomainError
from partnercenter.money import prorate
from software.downloads import NoLongerAvailable
from software.models import DownloadLink, Entitlement, Order, OrderLine
from software.selectors import variant_for
from software.services import download_link_issue, download_start

from .conftest import at

PURCHASE = dt.date(2026, 4, 10)


def test_processing_revokes_cancels_and_credits_once(order_on, fabrikam, user_for, api_for):
    # given an order (perpetual + P1Y) with an issued download link, cancelled on day 25 (in May)
    admin = user_for("admin.agent")
    order = order_on(PURCHASE, fabrikam, "WS2022-STD", "SQL2022-ENT-P1Y")
    ws = order.lines.get(line_item_number=0)
    entitlement = ws.entitlement
    issued = download_link_issue(actor=admin, entitlement=entitlement,
                                 variant=variant_for(entitlement, version="2022", language="ja-JP",
                                                     file_type="x64 ISO"))
    cancel_day = PURCHASE + dt.timedelta(days=25)
    assert cancel_day.month == 5
    with time_machine.travel(at(cancel_day), tick=False):
        request = cancellation_request(actor=admin, order=order)
        # when the worker processes it (inline here)
        assert cancellation_process(request_id=request.pk) is True
    # then lines and order are cancelled, the entitlements revoked, the link revoked
    assert set(order.lines.values_list("status", flat=True)) == {OrderLine.Status.CANCELLED}
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert set(Entitlement.objects.filter(order_line__order=order).values_list("status", flat=True)) == {"revoked"}
    assert DownloadLink.objects.get(pk=issued.link.pk).status == DownloadLink.Status.REVOKED
    request.refresh_from_db()
    assert request.status == CancellationRequest.Status.COMPLETED
    # and the key reveal is 410 700002, the link 410
    url = reverse("api:entitlement_productkey", kwargs={"tenant_id": fabrikam.tenant_id,
                                                        "entitlement_id": entitlement.pk})
    response = api_for("admin.agent").get(url)
    assert (response.status_code, response.json()["code"]) == (410, "700002")
    try:
        download_start(token=issued.token, counted=True)
    except NoLongerAvailable as exc:
        assert exc.http_status == 410
    else:
        raise AssertionError("a revoked link still downloads")
    # and each line has exactly one negative credit referencing its charge, on May's open invoice
    for line in order.lines.all():
        charge = InvoiceLine.objects.get(order_id=order.id, line_item_number=line.line_item_number,
                                         charge_type="new")
        credits = InvoiceLine.objects.filter(order_id=order.id, line_item_number=line.line_item_number,
                                             charge_type="cancelImmediate")
        assert credits.count() == 1
        credit = credits.get()
        assert credit.reference_id == charge.pk
        assert credit.total < 0
        assert credit.invoice.period_start == dt.date(2026, 5, 1)
        assert credit.invoice.status == Invoice.Status.OPEN
        assert charge.invoice.period_start == dt.date(2026, 4, 1)
        fraction = Fraction(1) if line.term_end is None else Fraction(365 - 25, 365)
        assert -credit.total == prorate(line.total, fraction, "JPY")
    assert ActivityRecord.objects.filter(operation_type="create_credit",
                                         details__OrderId=str(order.id)).count() == 2


def test_processing_twice_posts_one_credit(place_order, fabrikam, user_for):
    # given a submitted cancellation
    order = place_order(fabrikam, "WS2022-STD")
    request = cancellation_request(actor=user_for("admin.agent"), order=order)
    # when the task is delivered twice
    first = cancellation_process(request_id=request.pk)
    second = cancellation_process(request_id=str(request.pk))
    # then the second is a no-op: one credit, one create_credit record
    assert (first, second) == (True, False)
    assert InvoiceLine.objects.filter(order_id=order.id, charge_type="cancelImmediate").count() == 1
    assert ActivityRecord.objects.filter(operation_type="create_credit", details__OrderId=str(order.id)).count() == 1


def test_credit_uses_request_day_but_posts_to_processing_month(order_on, northwind, user_for):
    # given a P1Y subscription whose cancellation is requested on the last minute of May
    order = order_on(PURCHASE, northwind, "SQL2022-ENT-P1Y")
    with time_machine.travel(dt.datetime(2026, 5, 31, 23, 59, tzinfo=dt.UTC), tick=False):
        request = cancellation_request(actor=user_for("admin.agent"), order=order)
    # when the worker processes it after midnight, in June
    with time_machine.travel(dt.datetime(2026, 6, 1, 0, 0, 30, tzinfo=dt.UTC), tick=False):
        cancellation_process(request_id=request.pk)
    # then the amount is by the request day (51 days used) and the credit sits on June's invoice
    line = order.lines.get()
    credit = InvoiceLine.objects.get(order_id=order.id, charge_type="cancelImmediate")
    assert -credit.total == prorate(line.total, Fraction(365 - 51, 365), "USD")
    assert credit.invoice.period_start == dt.date(2026, 6, 1)


def test_partial_cancellation_leaves_order_completed(place_order, fabrikam, user_for):
    # given an order of two lines, one cancelled
    order = place_order(fabrikam, "WS2022-STD", "WS2022-DC")
    request = cancellation_request(actor=user_for("admin.agent"), order=order, line_item_numbers=[1])
    cancellation_process(request_id=request.pk)
    # then line 0 is untouched and the order is still completed; line 0 can be cancelled afterwards
    assert order.lines.get(line_item_number=0).status == OrderLine.Status.ACTIVE
    assert Order.objects.get(pk=order.pk).status == Order.Status.COMPLETED
    again = cancellation_request(actor=user_for("admin.agent"), order=order)
    assert again.line_item_numbers == [0]
    cancellation_process(request_id=again.pk)
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert InvoiceLine.objects.filter(order_id=order.id, charge_type="cancelImmediate").count() == 2


def test_whole_order_with_a_cancelled_line_and_nothing_left(place_order, fabrikam, user_for):
    order = place_order(fabrikam, "WS2022-STD")
    cancellation_process(request_id=cancellation_request(actor=user_for("admin.agent"), order=order).pk)
    try:
        cancellation_request(actor=user_for("admin.agent"), order=order)
    except DomainError as exc:
        assert exc.code == "800061"
    else:
        raise AssertionError("cancelled twice")


def test_sweep_redispatches_stale_pending_requests(place_order, fabrikam, user_for):
    # given a pending request whose message was lost, and a completed one
    order = place_order(fabrikam, "WS2022-STD")
    done = place_order(fabrikam, "WS2022-DC")
    pending = cancellation_request(actor=user_for("admin.agent"), order=order)
    cancellation_process(request_id=cancellation_request(actor=user_for("admin.agent"), order=done).pk)
    # when the sweep runs (a fresh request is left alone; a stale one is sent again)
    with mock.patch("cancellations.tasks.process_cancellation.delay") as delay:
        assert cancellations_sweep() == []
        with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5), tick=False):
            swept = cancellations_sweep()
    # then only the pending request is re-dispatched, and processing it completes the cancellation once
    assert swept == [str(pending.pk)]
    delay.assert_called_once_with(str(pending.pk))
    cancellation_process(request_id=swept[0])
    cancellation_process(request_id=swept[0])
    assert InvoiceLine.objects.filter(order_id=order.id, charge_type="cancelImmediate").count() == 1


def test_request_queues_the_task_on_commit(place_order, fabrikam, user_for, django_capture_on_commit_callbacks):
    # given an order / when a cancellation is requested
    order = place_order(fabrikam, "WS2022-STD")
    with mock.patch("cancellations.tasks.process_cancellation.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            request = cancellation_request(actor=user_for("admin.agent"), order=order)
            # then nothing is queued before the commit
            delay.assert_not_called()
    delay.assert_called_once_with(str(request.pk))


def test_sweep_also_picks_up_never_dispatched_rows_oldest_first(place_order, fabrikam, user_for):
    # given two pending requests, the older one never dispatched (last_dispatched_at empty)
    first = cancellation_request(actor=user_for("admin.agent"), order=place_order(fabrikam, "WS2022-STD"))
    second = cancellation_request(actor=user_for("admin.agent"), order=place_order(fabrikam, "WS2022-DC"))
    CancellationRequest.objects.filter(pk=first.pk).update(last_dispatched_at=None)
    # when the sweep runs
    with mock.patch("cancellations.tasks.process_cancellation.delay"):
        swept = cancellations_sweep(older_than=dt.timedelta(0))
    # then both are re-dispatched, oldest first
    assert swept == [str(first.pk), str(second.pk)]
