"""D-LOG-4: every recorded operation produces its record, with who, which customer, what and from where;
D-LOG-5/STYLE #2: a rolled-back action leaves no record."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from activitylog.models import ActivityRecord, Operation, Resource, Status

IP = "198.51.100.23"


def latest(operation: Operation) -> ActivityRecord:
    return ActivityRecord.objects.filter(operation_type=operation).order_by("-id").first()


@pytest.fixture
def entitlement(fabrikam, place_order):
    order = place_order(fabrikam, "WS2022-STD")
    return order.lines.get().entitlement


def test_create_customer_is_recorded(user_for):
    # given
    from customers.services import customer_create

    actor = user_for("sales.agent")
    # when
    customer = customer_create(actor=actor, company_name="Adventure Works", domain="adventureworks.onmicrosoft.com",
                               country="US", ip=IP)
    # then
    record = latest(Operation.CREATE_CUSTOMER)
    assert record.partner_id == actor.partner_id
    assert record.user_principal_name == actor.email and record.user_id == actor.pk
    assert record.customer_id == customer.tenant_id and record.customer_name == "Adventure Works"
    assert record.resource_type == Resource.CUSTOMER
    assert record.operation_status == Status.SUCCEEDED
    assert record.ip_address == IP
    assert record.details["Country"] == "US"


def test_create_order_is_recorded(fabrikam, user_for):
    # given
    from software.orders import LineRequest
    from software.services import order_place

    actor = user_for("admin.agent")
    # when
    order = order_place(actor=actor, customer=fabrikam, lines=[LineRequest(offer_id="WS2022-STD", quantity=2)], ip=IP)
    # then
    record = latest(Operation.CREATE_ORDER)
    assert (record.resource_type, record.customer_id, record.user_principal_name) == (
        Resource.ORDER, fabrikam.tenant_id, actor.email)
    assert record.details["OrderId"] == str(order.id)
    assert "Windows Server 2022 Standard" in record.details["ProductName"]
    assert record.ip_address == IP


def test_product_key_reveal_is_recorded(entitlement, user_for):
    # given
    from software.services import product_key_reveal

    actor = user_for("admin.agent")
    # when
    product_key_reveal(actor=actor, entitlement=entitlement, ip=IP)
    # then
    record = latest(Operation.GET_SOFTWARE_KEY)
    assert record.resource_type == Resource.SOFTWARE_KEY
    assert record.user_principal_name == actor.email
    assert record.customer_name == "Fabrikam"
    assert record.details["OrderId"] == str(entitlement.order_line.order_id)
    assert record.details["ProductName"] == entitlement.offer.name
    assert record.ip_address == IP


def test_download_link_and_counted_download_are_recorded(entitlement, user_for):
    # given
    from software.selectors import variant_for
    from software.services import download_link_issue, download_start

    actor = user_for("admin.agent")
    variant = variant_for(entitlement, version="2022", language="ja-JP", file_type="x64 ISO")
    # when
    issued = download_link_issue(actor=actor, entitlement=entitlement, variant=variant, ip=IP)
    download_start(token=issued.token, counted=True, ip="192.0.2.9")
    download_start(token=issued.token, counted=False, ip="192.0.2.9")  # a HEAD: not a download
    # then
    link_record = latest(Operation.GET_SOFTWARE_DOWNLOAD_LINK)
    assert link_record.resource_type == Resource.SOFTWARE_DOWNLOAD_LINK
    assert link_record.details["LinkId"] == str(issued.link.pk)
    assert link_record.ip_address == IP
    downloads = ActivityRecord.objects.filter(operation_type=Operation.DOWNLOAD_SOFTWARE,
                                              details__LinkId=str(issued.link.pk))
    assert downloads.count() == 1
    download = downloads.get()
    assert download.user_principal_name == "system"  # the link is the credential
    assert download.ip_address == "192.0.2.9"
    assert download.details["FileName"] == variant.file.file_name
    assert download.customer_id == entitlement.customer_id


def test_link_expiry_is_recorded(entitlement, user_for):
    # given
    from software.downloads import LINK_LIFETIME
    from software.selectors import variant_for
    from software.services import download_link_issue, download_links_expire

    variant = variant_for(entitlement, version="2022", language="en-US", file_type="x64 ISO")
    download_link_issue(actor=user_for("admin.agent"), entitlement=entitlement, variant=variant)
    # when
    expired = download_links_expire(now=timezone.now() + LINK_LIFETIME + dt.timedelta(minutes=1))
    # then
    assert expired >= 1
    record = latest(Operation.EXPIRE_DOWNLOAD_LINK)
    assert record.resource_type == Resource.SOFTWARE_DOWNLOAD_LINK
    assert record.customer_id == entitlement.customer_id
    assert int(record.details["LinksExpired"]) >= 1


def test_cancellation_and_credit_are_recorded(fabrikam, place_order, user_for):
    # given
    from cancellations.services import cancellation_process, cancellation_request

    actor = user_for("admin.agent")
    order = place_order(fabrikam, "WS2022-STD")
    # when
    request = cancellation_request(actor=actor, order=order, ip=IP)
    cancellation_process(request_id=request.pk)
    # then
    cancel = latest(Operation.CANCEL_ORDER)
    assert (cancel.resource_type, cancel.details["OrderId"], cancel.ip_address) == (Resource.ORDER, str(order.id), IP)
    credit = latest(Operation.CREATE_CREDIT)
    assert credit.resource_type == Resource.CREDIT
    assert credit.details["OrderId"] == str(order.id)
    assert credit.details["Currency"] == "JPY"
    assert credit.details["Amount"].startswith("-")


def test_support_request_is_recorded(user_for):
    # given
    from support.models import SupportRequest
    from support.services import SupportDetails, support_request_create

    actor = user_for("helpdesk.agent")
    details = SupportDetails(problem_type=SupportRequest.ProblemType.values[0],
                             impact=SupportRequest.Impact.values[0], title="Cannot download",
                             description="The ISO stops at 40%.", contact_name="Helpdesk",
                             contact_email=actor.email, contact_phone="+1 555 0100")
    # when
    request = support_request_create(actor=actor, details=details, ip=IP)
    # then
    record = latest(Operation.CREATE_SUPPORT_REQUEST)
    assert record.resource_type == Resource.SUPPORT_REQUEST
    assert record.details == {"RequestNumber": request.number, "Title": "Cannot download"}
    assert record.user_principal_name == actor.email and record.ip_address == IP


def test_a_rolled_back_action_leaves_no_record(user_for):
    # given
    from customers.models import Customer
    from customers.services import customer_create

    before = ActivityRecord.objects.count()
    # when
    with pytest.raises(RuntimeError), transaction.atomic():
        customer_create(actor=user_for("admin.agent"), company_name="Ghost Ltd", domain="ghost.onmicrosoft.com",
                        country="US")
        raise RuntimeError("the surrounding action failed")
    # then
    assert ActivityRecord.objects.count() == before
    assert not Customer.objects.filter(domain="ghost.onmicrosoft.com").exists()



def test_the_writer_stores_exactly_what_the_model_holds(fabrikam, user_for):
    """activitylog.services writes records with its own INSERT (built once): what it returns is what a read
    finds, field for field, including the JSON details, the time and the id."""
    from activitylog.services import log_download_link

    # given
    actor = user_for("admin.agent")
    # when
    with transaction.atomic():
        written = log_download_link(actor=actor, customer=fabrikam, order_id="O-1", product="Windows Server 2022",
                                    variant="2022 ja-JP x64 ISO — 日本語", link_id="L-1", ip=IP)
    # then
    stored = ActivityRecord.objects.get(pk=written.pk)
    fields = [f.attname for f in ActivityRecord._meta.concrete_fields]
    assert [getattr(written, name) for name in fields] == [getattr(stored, name) for name in fields]
    assert stored.details == {"OrderId": "O-1", "ProductName": "Windows Server 2022",
                              "Variant": "2022 ja-JP x64 ISO — 日本語", "LinkId": "L-1"}
    assert not written._state.adding


def test_nothing_of_save_is_skipped_by_the_writer():
    """The writer bypasses Model.save(): that is only right while ActivityRecord adds nothing to it."""
    from django.db.models import Model
    from django.db.models.signals import post_save, pre_save

    assert ActivityRecord.save is Model.save and ActivityRecord.save_base is Model.save_base
    assert not pre_save.has_listeners(ActivityRecord) and not post_save.has_listeners(ActivityRecord)
    assert not any(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                   for f in ActivityRecord._meta.concrete_fields)
