"""Notification emails (issue 8): rendered in the recipient's language, plain text + HTML, queued once per
purpose and object, sent at most once; the daily reminder goes out once per purchase."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail

from accounts.roles import Role
from cancellations.models import Reminder
from cancellations.reminders import window_reminders_send
from cancellations.services import cancellation_process, cancellation_request
from notifications.models import Email
from notifications.services import email_send, emails_send_pending
from notifications.tasks import send_email

pytestmark = pytest.mark.django_db

BOUGHT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)  # 60-day windows: the last day is May 1


def _sent(subject_part: str) -> list:
    return [message for message in mail.outbox if subject_part in message.subject]


def test_order_confirmation_goes_to_the_acting_user_in_english(fabrikam, place_order, user_for):
    # given an Admin agent with no language set
    agent = user_for("admin.agent")
    # when they place an order and the outbox is sent
    order = place_order(fabrikam, ("WS2022-STD", 2))
    emails_send_pending()
    # then one plain-text + HTML email reached them, with the order and total
    [message] = _sent("Order confirmation")
    assert message.to == [agent.email]
    assert "Fabrikam" in message.subject
    assert str(order.pk) in message.body and "¥215,600" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and str(order.pk) in html and 'lang="en"' in html


def test_order_confirmation_is_rendered_in_japanese_for_a_japanese_user(fabrikam, place_order, user_for):
    # given an Admin agent whose language is Japanese
    agent = user_for("admin.agent")
    agent.language = "ja"
    agent.save(update_fields=["language"])
    # when they place an order
    place_order(fabrikam, "WS2022-STD", actor=agent)
    emails_send_pending()
    # then the subject and body are Japanese
    [message] = mail.outbox
    assert message.subject.startswith("注文の確認")
    assert "注文" in message.body and "合計" in message.body
    assert 'lang="ja"' in message.alternatives[0][0]


def test_an_email_is_never_sent_twice(fabrikam, place_order):
    # given a queued order confirmation
    place_order(fabrikam, "WS2022-STD")
    email = Email.objects.get()
    # when the task runs twice (a redelivered message) and the sweep runs too
    assert send_email.run(email.pk) is True
    assert send_email.run(email.pk) is False
    assert emails_send_pending() == 0
    # then exactly one message went out and the row is marked sent
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == Email.Status.SENT and email.sent_at is not None


def test_a_failed_send_goes_back_to_pending_for_the_retry(fabrikam, place_order, settings):
    # given a queued email and a mail server that refuses
    place_order(fabrikam, "WS2022-STD")
    email = Email.objects.get()
    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.EmailBackend"
    # when the send fails
    with pytest.raises(ConnectionRefusedError):
        email_send(email.pk)
    # then the row is pending again, so the task's retry (autoretry_for=Exception) sends it
    email.refresh_from_db()
    assert email.status == Email.Status.PENDING and email.attempts == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert email_send(email.pk) is True
    assert len(mail.outbox) == 1


def test_cancellation_confirmation_carries_the_credit(fabrikam, place_order, user_for):
    # given a cancelled purchase
    agent = user_for("admin.agent")
    order = place_order(fabrikam, "WS2022-STD")
    request = cancellation_request(actor=agent, order=order)
    # when the cancellation is processed (twice: a redelivered task) and the outbox sent
    cancellation_process(request_id=request.pk)
    cancellation_process(request_id=request.pk)
    emails_send_pending()
    # then the requester got one confirmation with the full credit of the perpetual licence
    [message] = _sent("Cancellation complete")
    assert message.to == [agent.email]
    assert "Credit: ¥107,800" in message.body


def test_cancellation_confirmation_in_japanese(fabrikam, place_order, user_for):
    agent = user_for("admin.agent")
    agent.language = "ja"
    agent.save(update_fields=["language"])
    order = place_order(fabrikam, "WS2022-STD")
    request = cancellation_request(actor=agent, order=order)
    cancellation_process(request_id=request.pk)
    emails_send_pending()
    [message] = [m for m in mail.outbox if "取り消し" in m.subject]
    assert "クレジット" in message.body and "￥107,800" in message.body


def _admin_agents(partner) -> list:
    return [user for user in partner.users.all() if Role.ADMIN_AGENT in user.role_set]


def test_the_reminder_job_sends_one_email_per_purchase_even_when_run_twice(fabrikam, place_order):
    # given two purchases bought the same day
    with time_machine.travel(BOUGHT, tick=False):
        place_order(fabrikam, "WS2022-STD")
        place_order(fabrikam, "SQL2022-STD")
    emails_send_pending()
    mail.outbox.clear()
    agents = _admin_agents(fabrikam.partner)
    # when the daily job runs 4 days before the window closes, then twice 3 days before
    early = window_reminders_send(today=BOUGHT.date() + dt.timedelta(days=56))
    first = window_reminders_send(today=BOUGHT.date() + dt.timedelta(days=57))
    second = window_reminders_send(today=BOUGHT.date() + dt.timedelta(days=57))
    emails_send_pending()
    emails_send_pending()
    # then nothing the first day, each purchase reminded once, one email per purchase per Admin agent
    assert (early, first, second) == (0, 2, 0)
    reminders = _sent("Cancellation window closes in 3 days")
    assert len(reminders) == 2 * len(agents) >= 2
    assert {m.to[0] for m in reminders} == {agent.email for agent in agents}
    assert Reminder.objects.count() == 2
    assert "/software/cancel/?order=" in reminders[0].body


def test_send_to_customer_emails_a_link_to_the_global_admin_and_records_it(fabrikam, place_order, client_for):
    from django.urls import reverse

    from activitylog.models import ActivityRecord, Operation
    from software.models import DownloadLink

    # given a purchase on Fabrikam's Software tab
    entitlement = place_order(fabrikam, "WS2022-STD").lines.get().entitlement
    emails_send_pending()
    mail.outbox.clear()
    url = reverse("software:send_link", kwargs={"tenant_id": fabrikam.tenant_id, "entitlement_id": entitlement.pk})
    # when the Admin agent presses Send to customer for the Japanese ISO
    client = client_for("admin.agent")
    variant = {"version": "2022", "language": "ja-JP", "file_type": "x64 ISO"}
    asked = client.post(url, variant)
    # then it asks first: which admins, and the email, naming the partner; nothing is sent yet
    html = asked.content.decode()
    assert asked.status_code == 200 and 'name="recipients"' in html and "admin@fabrikam.onmicrosoft.com" in html
    assert "Contoso Partner sent you a download link" in html
    assert not DownloadLink.objects.filter(entitlement=entitlement).exists()
    recipient = re.search(r'name="recipients" value="(\d+)"', html).group(1)
    # when no recipient is chosen, it asks again; nothing is sent
    assert client.post(url, {**variant, "confirm": "1"}).status_code == 400
    assert not DownloadLink.objects.filter(entitlement=entitlement).exists()
    # when the admin is chosen and Send pressed
    response = client.post(url, {**variant, "confirm": "1", "recipients": [recipient]})
    emails_send_pending()
    # then the tenant's Global admin got a working link, and the send is in the activity log
    assert response.status_code == 200
    [message] = mail.outbox
    assert message.to == ["admin@fabrikam.onmicrosoft.com"]
    token = message.body.split("/download/")[1].split("/")[0]
    link = DownloadLink.objects.get(entitlement=entitlement)
    from software.downloads import token_hash

    assert link.token_hash == token_hash(token) and link.variant.language == "ja-JP"
    assert "Contoso Partner" in message.body and "Your partner" not in message.body
    record = ActivityRecord.objects.filter(operation_type=Operation.SEND_DOWNLOAD_LINK).latest("id")
    assert record.details["Recipient"] == "admin@fabrikam.onmicrosoft.com"
    # and the sent email's body (holding the bearer link) is no longer stored
    assert Email.objects.get(key__startswith="download-link:").body_text == ""


def test_a_sales_agent_cannot_send_links(fabrikam, place_order, client_for):
    from django.urls import reverse

    entitlement = place_order(fabrikam, "WS2022-STD").lines.get().entitlement
    url = reverse("software:send_link", kwargs={"tenant_id": fabrikam.tenant_id, "entitlement_id": entitlement.pk})
    response = client_for("sales.agent").post(url, {"version": "2022", "language": "ja-JP", "file_type": "x64 ISO"})
    assert response.status_code == 403


@pytest.mark.parametrize("template", ["download_link", "order_confirmation", "cancellation_confirmation",
                                      "window_reminder"])
def test_email_subjects_are_plain_text(template):
    """A subject is not HTML: a product or customer name with < or & reads as typed, not as &lt; or &amp;."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    name = "Tools <Pro> & Co"
    customer = SimpleNamespace(company_name=name)
    context = {"product": name, "customer": customer, "order": SimpleNamespace(pk="o-1", customer=customer),
               "line": SimpleNamespace(friendly_name=name, order=SimpleNamespace(customer=customer))}
    subject = render_to_string(f"notifications/{template}_subject.txt", context)
    assert "&lt;" not in subject and "&amp;" not in subject and "<Pro> &" in subject
