"""Issue 9 point 5, the worker: a real Celery worker SIGKILLed while it is inside a task, at a point the
test chooses (it blocks on a row lock the test holds), then a new worker and the sweep. The cancellation
and its credit, and every email, complete exactly once."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from activitylog.models import ActivityRecord, Operation
from billing.models import Invoice, InvoiceLine
from cancellations.models import CancellationRequest
from cancellations.services import cancellations_sweep
from notifications.models import Email
from notifications.services import emails_send_pending, message_id_for
from software.models import DownloadLink, Entitlement, OrderLine
from software.selectors import variant_for
from software.services import download_link_issue

from .conftest import wait_for
from .test_cancellation_worker import order_url

pytestmark = pytest.mark.services


def task_results(worker, task: str) -> list[str]:
    """The return values the worker logged for `task` ("Task <task>[id] succeeded in 0.1s: True")."""
    log = worker.log.read_text(errors="replace")
    return re.findall(rf"Task {re.escape(task)}\[[^\]]+\] succeeded in [^:]+: (\S+)", log)


def records(operation: str, order) -> int:
    return ActivityRecord.objects.filter(operation_type=operation, details__OrderId=str(order.id)).count()


def test_worker_killed_inside_the_cancellation_task_then_sweep_completes_it_once(
        celery_worker, pg_session, place_order, fabrikam, api_for, user_for):
    # given an order of two lines with a live download link, cancelled through the API with no worker running
    order = place_order(fabrikam, "WS2022-STD", "SQL2022-ENT-P1Y")
    entitlement = order.lines.get(offer_id="WS2022-STD").entitlement
    variant = variant_for(entitlement, version="2022", language="en-US", file_type="x64 ISO")
    link = download_link_issue(actor=user_for("admin.agent"), entitlement=entitlement, variant=variant).link
    assert api_for("admin.agent").patch(order_url(order), {"status": "cancelled"}, format="json").status_code == 200
    request = CancellationRequest.objects.get(order=order)
    charges = InvoiceLine.objects.filter(order_id=order.id, charge_type="new")
    invoice = charges.first().invoice
    # and the test holds the invoice the credits go to, so the task will block at its first credit
    assert pg_session.lock(f"SELECT id FROM {Invoice._meta.db_table} WHERE id = %s FOR UPDATE", (invoice.pk,)) == 1

    # when the worker takes the task, gets as far as posting the credit (keys and links already revoked
    # in its transaction) and is killed there with SIGKILL
    celery_worker.start()
    [backend] = pg_session.wait_blocked(1)
    celery_worker.kill()
    pg_session.release()
    pg_session.wait_gone(backend)  # PostgreSQL notices the dead client and rolls its transaction back

    # then nothing of the half-done transaction remains
    request.refresh_from_db()
    assert request.status == "pending"
    assert set(order.lines.values_list("status", flat=True)) == {OrderLine.Status.CANCEL_PENDING}
    assert set(Entitlement.objects.filter(order_line__order=order).values_list("status", flat=True)) == {"active"}
    assert DownloadLink.objects.get(pk=link.pk).status == DownloadLink.Status.ACTIVE
    assert not InvoiceLine.objects.filter(order_id=order.id, charge_type="cancelImmediate").exists()

    # when a new worker starts and the sweep re-dispatches what is still pending
    celery_worker.start()
    assert cancellations_sweep(older_than=dt.timedelta(0)) == [str(request.pk)]
    wait_for(lambda: CancellationRequest.objects.get(pk=request.pk).status == "completed",
             what="the swept cancellation to complete")
    # and the killed worker's message is delivered once more (as Redis does after the visibility timeout)
    from cancellations.tasks import process_cancellation

    process_cancellation.delay(str(request.pk))
    wait_for(lambda: task_results(celery_worker, "cancellations.tasks.process_cancellation") == ["True", "False"],
             what="the late redelivery to run and find nothing to do")

    # then the cancellation and its credit happened exactly once
    credits = InvoiceLine.objects.filter(order_id=order.id, charge_type="cancelImmediate")
    assert Counter(credits.values_list("reference_id", flat=True)) == Counter(charges.values_list("id", flat=True))
    assert sum(c.total for c in credits) == -sum(c.total for c in charges)
    assert set(order.lines.values_list("status", flat=True)) == {OrderLine.Status.CANCELLED}
    assert set(Entitlement.objects.filter(order_line__order=order).values_list("status", flat=True)) == {"revoked"}
    assert DownloadLink.objects.get(pk=link.pk).status == DownloadLink.Status.REVOKED
    assert records(Operation.CANCEL_ORDER, order) == 1
    assert records(Operation.CREATE_CREDIT, order) == 2
    request.refresh_from_db()
    assert request.attempts == 1
    assert Email.objects.filter(key__startswith=f"cancellation-confirmation:{request.pk}:").count() == 1


def test_worker_killed_while_sending_an_email_then_it_is_sent_once(celery_worker, smtp_sink, place_order,
                                                                   fabrikam):
    # given a worker that sends through an SMTP server which holds every client at DATA
    smtp_sink.hold.set()
    celery_worker.env["TEST_EMAIL_URL"] = smtp_sink.url
    celery_worker.start()
    # when an order is placed (its confirmation is queued and handed to the worker after commit)
    place_order(fabrikam, "WS2022-STD")
    email = Email.objects.get()
    # and the worker is killed with SIGKILL in the middle of the SMTP conversation
    wait_for(lambda: smtp_sink.held >= 1, what="the worker to start sending")
    celery_worker.kill()
    smtp_sink.release()
    # then nothing was delivered, and the email is still to be sent (not stuck half-claimed)
    assert smtp_sink.messages == []
    wait_for(lambda: Email.objects.get(pk=email.pk).status == Email.Status.PENDING,
             what="the killed worker's claim to roll back")

    # when a new worker starts, the sweep sends what is pending, and the old message is redelivered too
    from notifications.tasks import send_email

    celery_worker.start()
    assert emails_send_pending() == 1
    send_email.delay(email.pk)
    wait_for(lambda: task_results(celery_worker, "notifications.tasks.send_email") == ["False"],
             what="the redelivery to run and find the email sent")
    # then the email went out exactly once, with a Message-ID that names its outbox row
    assert len(smtp_sink.messages) == 1
    assert smtp_sink.message_ids() == [message_id_for(email)]
    email.refresh_from_db()
    assert email.status == Email.Status.SENT
