"""Issue 9 point 5, Redis: a redis-server of our own (never the shared one) is stopped and started again,
empty, as a restart without persistence is, while cancellations and emails are queued, being submitted and
being sent. Nothing is lost (the outboxes and their sweeps redeliver) and nothing happens twice."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.urls import reverse

from activitylog.models import ActivityRecord, Operation
from billing.models import InvoiceLine
from cancellations.models import CancellationRequest
from cancellations.services import cancellations_sweep
from notifications.models import Email
from notifications.services import emails_send_pending, message_id_for
from software.selectors import variant_for
from software.services import download_link_send

from .conftest import wait_for
from .test_cancellation_worker import order_url

pytestmark = pytest.mark.services


def completed_exactly_once(order) -> bool:
    """The request completed, and one credit per charge, one cancel_order and one create_credit per line."""
    if CancellationRequest.objects.get(order=order).status != "completed":
        return False
    charges = InvoiceLine.objects.filter(order_id=order.id, charge_type="new")
    credits = InvoiceLine.objects.filter(order_id=order.id, charge_type="cancelImmediate")
    assert Counter(credits.values_list("reference_id", flat=True)) == Counter(charges.values_list("id", flat=True))
    logged = Counter(ActivityRecord.objects.filter(details__OrderId=str(order.id)).values_list("operation_type",
                                                                                               flat=True))
    assert logged[Operation.CANCEL_ORDER] == 1 and logged[Operation.CREATE_CREDIT] == charges.count(), logged
    return True


def test_redis_restarted_with_cancellations_queued_loses_nothing(own_redis, place_order, fabrikam, customer_in,
                                                                 api_for):
    redis_server, worker = own_redis
    api = api_for("admin.agent")
    # given three cancellations queued in Redis while no worker runs
    queued = [place_order(fabrikam, "WS2022-STD", "SQL2022-ENT-P1Y"), place_order(customer_in("US"), "WS2022-DC"),
              place_order(fabrikam, "WS2022-DC")]
    for order in queued:
        assert api.patch(order_url(order), {"status": "cancelled"}, format="json").status_code == 200
    # when Redis restarts (empty: the queued messages are gone) and the worker starts
    redis_server.stop()
    redis_server.start()
    worker.start()
    # then a cancellation submitted now is processed at once (the app and the worker reconnected) ...
    fresh = place_order(fabrikam, "WS2022-STD")
    assert api.patch(order_url(fresh), {"status": "cancelled"}, format="json").status_code == 200
    wait_for(lambda: completed_exactly_once(fresh), what="the fresh cancellation to complete")
    # ... while the three whose messages were lost wait for the sweep
    assert set(CancellationRequest.objects.filter(order__in=queued).values_list("status", flat=True)) == {"pending"}
    # when the sweep runs
    swept = cancellations_sweep(older_than=dt.timedelta(0))
    # then each completes exactly once
    assert len(swept) == 3
    wait_for(lambda: all(completed_exactly_once(order) for order in queued), what="the swept cancellations")


def test_submitting_while_redis_is_down_saves_the_request_and_it_completes_later(
        own_redis, smtp_sink, place_order, fabrikam, api_for, client_for, user_for):
    redis_server, worker = own_redis
    worker.env["TEST_EMAIL_URL"] = smtp_sink.url
    worker.start()
    by_api, by_page = place_order(fabrikam, "WS2022-STD"), place_order(fabrikam, "SQL2022-ENT-P1Y")
    wait_for(lambda: not Email.objects.filter(status=Email.Status.PENDING).exists(),
             what="the order confirmations to go out")
    entitlement = place_order(fabrikam, "WS2022-STD").lines.get().entitlement
    wait_for(lambda: not Email.objects.filter(status=Email.Status.PENDING).exists(), what="the worker to be idle")
    # given Redis is down (the worker is running, idle, and loses its broker)
    since = worker.log_size()
    redis_server.stop()
    # when an Admin agent cancels through the API, another order through the page, and sends a download link
    response = api_for("admin.agent").patch(order_url(by_api), {"status": "cancelled"}, format="json")
    page = client_for("admin.agent").post(
        reverse("cancellations:cancel", kwargs={"tenant_id": fabrikam.tenant_id}),
        {"order": str(by_page.pk), "offer": "SQL2022-ENT-P1Y", "acknowledge": "on"})
    variant = variant_for(entitlement, version="2022", language="en-US", file_type="x64 ISO")
    recipients = download_link_send(actor=user_for("admin.agent"), entitlement=entitlement, variant=variant,
                                    uri_for=lambda token: f"https://portal.example/download/{token}/",
                                    recipient_ids=[user_for("admin@fabrikam.onmicrosoft.com").pk])
    # then the API and the page answer as usual, and the work is saved, pending
    assert response.status_code == 200, response.content
    assert {line["status"] for line in response.json()["lineItems"]} == {"cancelPending"}
    assert page.status_code == 302
    assert set(CancellationRequest.objects.filter(order__in=[by_api, by_page]).values_list("status", flat=True)) \
        == {"pending"}
    # and signing in works (the failure counters live in Redis: not enforced while it is down)
    from django.test import Client

    from tests.conftest import DEMO_PASSWORD

    sign_in = Client().post(reverse("accounts:login"), {"email": "sales.agent@contoso-partner.example",
                                                        "password": DEMO_PASSWORD})
    assert sign_in.status_code == 302 and sign_in["Location"] == "/"
    assert Client().post(reverse("accounts:login"), {"email": "sales.agent@contoso-partner.example",
                                                     "password": "wrong"}).status_code == 400
    link_emails = Email.objects.filter(key__startswith="download-link:")
    assert link_emails.count() == len(recipients) >= 1
    assert set(link_emails.values_list("status", flat=True)) == {Email.Status.PENDING}

    # when Redis comes back (empty), the idle worker reconnects by itself, and the sweeps run
    redis_server.start()
    assert worker.wait_consuming_again(since) == "reconnected"
    assert len(cancellations_sweep(older_than=dt.timedelta(0))) == 2
    emails_send_pending()
    # then the cancellations complete once each ...
    wait_for(lambda: completed_exactly_once(by_api) and completed_exactly_once(by_page),
             what="the cancellations submitted while Redis was down")
    # ... and every email went out exactly once, the confirmations too
    wait_for(lambda: not Email.objects.filter(status=Email.Status.PENDING).exists(), what="every email sent")
    emails = list(Email.objects.all())
    assert Counter(smtp_sink.message_ids()) == Counter({message_id_for(email): 1 for email in emails})


def test_redis_stopped_while_an_email_is_being_sent_it_is_sent_once(own_redis, smtp_sink, place_order, fabrikam):
    redis_server, worker = own_redis
    worker.env["TEST_EMAIL_URL"] = smtp_sink.url
    smtp_sink.hold.set()
    worker.start()
    # given the worker is in the middle of sending an order confirmation
    place_order(fabrikam, "WS2022-STD")
    email = Email.objects.get()
    wait_for(lambda: smtp_sink.held >= 1, what="the worker to start sending")
    # when Redis stops under it (the task can't be acknowledged), the send completes, Redis comes back empty
    since = worker.log_size()
    redis_server.stop()
    smtp_sink.release()
    wait_for(lambda: Email.objects.get(pk=email.pk).status == Email.Status.SENT, what="the send to complete")
    redis_server.start()
    # and the sweep runs
    assert emails_send_pending() == 0
    # then it was sent exactly once
    assert smtp_sink.message_ids() == [message_id_for(email)]
    # and the worker takes new work again: kombu 5.7 can't restore the unacknowledged message without its
    # connection and the worker exits (status 1); its supervisor starts it again
    worker.wait_consuming_again(since)
    place_order(fabrikam, "WS2022-STD")
    wait_for(lambda: len(smtp_sink.messages) == 2, what="the worker to send the next email")
    assert Counter(smtp_sink.message_ids()) == Counter({message_id_for(e): 1 for e in Email.objects.all()})
