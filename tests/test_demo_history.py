"""seed_demo's history (issue 16 point 9): a few months of Contoso's activity, written by the services, so that
every page shows something on the first `make run`; Adatum and Woodgrove stay a clean slate; a second run
changes nothing. The session's demo world was seeded without history (tests/conftest.py), so each test here
builds it on that world, inside its own transaction."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from activitylog.models import ActivityRecord, Operation, Status
from activitylog.services import chain_seal, chain_verify
from billing.models import Invoice, InvoiceLine
from cancellations.models import CancellationRequest
from customers.models import Customer
from home.views import home_context
from software.models import DownloadLink, Entitlement, Order, OrderLine
from support.models import SupportRequest
from tests.conftest import ADATUM, CONTOSO, DEMO_PASSWORD

pytestmark = pytest.mark.django_db

CONTOSO_CUSTOMERS = {"Fabrikam", "Northwind Traders", "Wingtip Toys", "Tailspin Toys", "Litware", "Proseware"}


def seed_with_history() -> str:
    out = io.StringIO()
    call_command("seed_demo", password=DEMO_PASSWORD, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def test_history_buys_for_every_contoso_customer_and_nothing_for_adatum():
    # given the demo world without history (the session's seed)
    assert not Order.objects.exists()
    # when seed_demo runs with its history
    output = seed_with_history()
    # then every Contoso customer has orders, spread over about three months, and Adatum has none
    orders = Order.objects.select_related("customer", "partner")
    assert {order.partner.domain for order in orders} == {CONTOSO}
    assert {order.customer.company_name for order in orders} == CONTOSO_CUSTOMERS
    assert not Order.objects.filter(customer__domain="woodgrove.onmicrosoft.com").exists()
    for model, partner_field in ((Invoice, "partner"), (SupportRequest, "partner"), (CancellationRequest, "partner"),
                                 (ActivityRecord, "partner")):
        assert not model.objects.filter(**{f"{partner_field}__domain": ADATUM}).exists(), model
    now = timezone.now()
    dates = [order.creation_date for order in orders]
    assert max(dates) <= now and min(dates) < now - dt.timedelta(days=80)
    assert {line.product_type for line in OrderLine.objects.all()} == {"perpetualSoftware", "softwareSubscription"}
    # and every create_order record is dated as its order (the services were given the time)
    created = dict(ActivityRecord.objects.filter(operation_type=Operation.CREATE_ORDER)
                   .values_list("details__OrderId", "operation_date"))
    assert created == {str(order.id): order.creation_date for order in orders}
    assert f"{len(dates)} orders" in output and "Password (every user): " + DEMO_PASSWORD in output


def test_history_has_a_cancellation_with_its_credit_and_last_months_invoice_issued():
    seed_with_history()
    # a cancelled line, revoked, with its credit on an invoice
    cancelled = OrderLine.objects.get(status=OrderLine.Status.CANCELLED)
    assert cancelled.order.status == Order.Status.CANCELLED
    assert cancelled.entitlement.status == Entitlement.Status.REVOKED
    assert CancellationRequest.objects.get().status == CancellationRequest.Status.COMPLETED
    credit = InvoiceLine.objects.get(charge_type=InvoiceLine.ChargeType.CANCEL_IMMEDIATE)
    assert (credit.order_id, credit.line_item_number) == (cancelled.order_id, cancelled.line_item_number)
    assert credit.total < 0 and credit.reference.total > -credit.total  # a subscription: prorated
    assert ActivityRecord.objects.filter(operation_type=Operation.CREATE_CREDIT).count() == 1
    # last month's invoice(s) issued, this month's open
    today = timezone.now().date()
    invoices = Invoice.objects.filter(partner__domain=CONTOSO)
    assert invoices.filter(period_start=month_start(today, 1), status=Invoice.Status.ISSUED).exists()
    assert invoices.filter(period_start=month_start(today), status=Invoice.Status.OPEN).exists()
    assert not invoices.filter(period_start__lt=month_start(today), status=Invoice.Status.OPEN).exists()
    assert invoices.filter(status=Invoice.Status.ISSUED, invoice_date__isnull=True).count() == 0


def test_history_has_keys_downloads_links_and_a_support_request():
    seed_with_history()
    records = ActivityRecord.objects.filter(partner__domain=CONTOSO)
    assert records.filter(operation_type=Operation.GET_SOFTWARE_KEY, operation_status=Status.SUCCEEDED).count() >= 10
    downloads = records.filter(operation_type=Operation.DOWNLOAD_SOFTWARE)
    assert downloads.filter(operation_status=Status.SUCCEEDED).count() == sum(
        DownloadLink.objects.values_list("downloads_used", flat=True))
    assert downloads.filter(operation_status=Status.FAILED, details__Reason="expired").exists()
    # one link nearly used up, one with 3 downloads, and links the expiry job marked (with its record)
    assert DownloadLink.objects.filter(status=DownloadLink.Status.ACTIVE, downloads_used=48, max_downloads=50).exists()
    assert DownloadLink.objects.filter(downloads_used=3).exists()
    expired = DownloadLink.objects.filter(status=DownloadLink.Status.EXPIRED)
    assert expired.exists() and all(link.expires_at < link.closed_at < timezone.now() for link in expired)
    assert records.filter(operation_type=Operation.EXPIRE_DOWNLOAD_LINK).exists()
    # the support request, filed by the helpdesk, open
    request = SupportRequest.objects.get()
    assert request.created_by.email == f"helpdesk.agent@{CONTOSO}" and request.status == SupportRequest.Status.OPEN
    assert records.filter(operation_type=Operation.CREATE_SUPPORT_REQUEST).count() == 1


def test_the_back_dated_records_seal_into_a_valid_chain():
    seed_with_history()
    assert chain_seal() == ActivityRecord.objects.count()
    assert chain_verify()["unsealed"] == 0


def test_the_partner_home_has_something_in_every_section(user_for):
    seed_with_history()
    context = home_context(user_for("admin.agent"))
    assert context["windows"] and context["links"] and context["support"]
    assert context["money"] and context["orders_this"] >= 1 and context["orders_last"] >= 1


def test_pages_show_the_history(client_for):
    seed_with_history()
    fabrikam = Customer.objects.get(domain="fabrikam.onmicrosoft.com")
    agent, auditor = client_for("admin.agent"), client_for("global.admin")
    pages = [(agent, "/dashboard/", ""), (agent, f"/customers/{fabrikam.tenant_id}/software/", "SQL Server 2022"),
             (agent, f"/customers/{fabrikam.tenant_id}/orders/", "Fabrikam"), (agent, "/billing/invoices/", ""),
             (agent, "/support/", "Product key not accepted during activation"),
             (auditor, "/settings/activity-log/", "admin.agent@contoso-partner.example"),
             (client_for("admin@fabrikam.onmicrosoft.com"), "/admin-center/billing/software/", "Windows Server 2022")]
    for client, url, shown in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert shown in response.content.decode(), url


def test_a_second_run_changes_nothing():
    seed_with_history()
    before = row_counts()
    output = seed_with_history()
    assert row_counts() == before
    assert "left as it is" in output


def test_no_history_leaves_contoso_without_purchases():
    call_command("seed_demo", password=DEMO_PASSWORD, no_history=True, stdout=io.StringIO())
    assert not Order.objects.exists() and not Invoice.objects.exists() and not ActivityRecord.objects.exists()
