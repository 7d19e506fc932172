"""Cancellations with a real Celery worker, PostgreSQL and Redis (D-CAN, D-BILL-4 "exactly once"):
the happy path, duplicate delivery, a worker killed with SIGKILL, concurrent submits, and lost messages."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse

from billing.models import InvoiceLine
from cancellations.models import CancellationRequest
from cancellations.services import cancellations_sweep
from software.models import OrderLine

from .conftest import redis_flush, wait_for

pytestmark = pytest.mark.services


def order_url(order) -> str:
    return reverse("api:customer_order", kwargs={"tenant_id": order.customer_id, "order_id": order.id})


def credits_for(order) -> int:
    return InvoiceLine.objects.filter(order_id=order.id, charge_type="cancelImmediate").count()


def all_cancelled(order) -> bool:
    return not OrderLine.objects.filter(order=order).exclude(status=OrderLine.Status.CANCELLED).exists()


def completed(*orders) -> bool:
    return not CancellationRequest.objects.filter(order__in=orders, status="pending").exists() and all(
        all_cancelled(order) for order in orders)


def test_api_cancellation_is_processed_by_the_worker(celery_worker, place_order, fabrikam, api_for):
    # given a running worker and an order of two lines
    celery_worker.start()
    order = place_order(fabrikam, "WS2022-STD", "SQL2022-ENT-P1Y")
    # when the Admin agent cancels through the API
    response = api_for("admin.agent").patch(order_url(order), {"status": "cancelled"}, format="json")
    assert response.status_code == 200
    assert {line["status"] for line in response.json()["lineItems"]} == {"cancelPending"}
    # then the worker cancels the lines and posts one credit per line
    wait_for(lambda: completed(order), what="the worker to cancel the order")
    assert credits_for(order) == 2
    assert order.lines.filter(status="cancelled").count() == 2


def test_task_delivered_twice_posts_one_credit(celery_worker, place_order, fabrikam, user_for):
    from cancellations.services import cancellation_request
    from cancellations.tasks import process_cancellation

    # given a cancellation recorded while no worker runs, its own message dropped
    order = place_order(fabrikam, "WS2022-STD")
    request = cancellation_request(actor=user_for("admin.agent"), order=order)
    redis_flush()
    # when the same task is queued twice and the worker runs both
    process_cancellation.delay(str(request.pk))
    process_cancellation.delay(str(request.pk))
    celery_worker.start()
    wait_for(lambda: completed(order), what="the cancellation to complete")
    wait_for(lambda: celery_worker.output().count("succeeded in") >= 2, what="both deliveries to run")
    # then exactly one credit
    assert credits_for(order) == 1


def test_worker_killed_mid_processing_then_sweep_completes_once(celery_worker, place_order, customer_in,
                                                               fabrikam, api_for):
    # given several cancellations submitted while no worker runs (messages queued in Redis)
    api = api_for("admin.agent")
    orders = [place_order(fabrikam, "WS2022-STD", "WS2022-DC") for _ in range(4)]
    orders += [place_order(customer_in("US"), "SQL2022-ENT-P1Y") for _ in range(4)]
    for order in orders:
        assert api.patch(order_url(order), {"status": "cancelled"}, format="json").status_code == 200
    # when the worker starts and is killed with SIGKILL while it works through the queue
    celery_worker.start()
    wait_for(lambda: CancellationRequest.objects.filter(order__in=orders, status="completed").exists()
             or "Received task" in celery_worker.output(), timeout=20, interval=0.01,
             what="the worker to take a task")
    celery_worker.kill()
    # and it is restarted and the sweep re-dispatches whatever is still pending
    celery_worker.start()
    swept = cancellations_sweep(older_than=dt.timedelta(0))
    wait_for(lambda: completed(*orders), what="every cancellation to complete after the restart")
    # then every line has exactly one credit, whatever ran twice
    for order in orders:
        assert credits_for(order) == order.lines.count(), order
    assert len(swept) <= len(orders)


def test_two_simultaneous_submits_one_wins(celery_worker, place_order, fabrikam, api_for):
    # given an order and two Admin agent sessions
    order = place_order(fabrikam, "WS2022-STD")
    clients = [api_for("admin.agent"), api_for("admin.agent")]
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def submit(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            response = clients[index].patch(order_url(order), {"status": "cancelled"}, format="json")
            results[index] = (response.status_code, response.json().get("code"))
        finally:
            connection.close()

    # when both submit at the same moment
    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then one 200 and one 409 800060
    assert sorted(results, key=lambda r: r[0]) == [(200, None), (409, "800060")], results
    assert CancellationRequest.objects.filter(order=order).count() == 1
    # and once the worker runs, one credit
    celery_worker.start()
    wait_for(lambda: completed(order), what="the cancellation to complete")
    assert credits_for(order) == 1


def test_lost_messages_are_redispatched_by_the_sweep(celery_worker, place_order, fabrikam, api_for):
    # given a submitted cancellation whose message is lost (Redis emptied before any worker ran)
    order = place_order(fabrikam, "WS2022-STD", "SQL2022-ENT-P1Y")
    assert api_for("admin.agent").patch(order_url(order), {"status": "cancelled"}, format="json").status_code == 200
    redis_flush()
    celery_worker.start()
    assert CancellationRequest.objects.get(order=order).status == "pending"
    # when the sweep runs
    swept = cancellations_sweep(older_than=dt.timedelta(0))
    # then the worker completes it with one credit per line
    assert swept == [str(CancellationRequest.objects.get(order=order).pk)]
    wait_for(lambda: completed(order), what="the swept cancellation to complete")
    assert credits_for(order) == 2
