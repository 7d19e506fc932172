"""D-CAN-1/2: the cancellation window (day 60 allowed, day 61 refused), non-cancellable products,
already cancelled and in-progress orders — through the service and the API."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from cancellations.models import CancellationRequest
from cancellations.services import cancellation_request
from partnercenter.errors import DomainError
from software.models import OrderLine

from .conftest import at

PURCHASE = dt.date(2026, 4, 10)


def order_url(order) -> str:
    return reverse("api:customer_order", kwargs={"tenant_id": order.customer_id, "order_id": order.id})


def test_day_60_is_allowed(order_on, fabrikam, user_for):
    # given an order bought on PURCHASE
    order = order_on(PURCHASE, fabrikam, "WS2022-STD")
    # when cancelled 60 days later
    with time_machine.travel(at(PURCHASE + dt.timedelta(days=60), hour=23), tick=False):
        request = cancellation_request(actor=user_for("admin.agent"), order=order)
    # then it is accepted and the line is pending
    assert request.status == CancellationRequest.Status.PENDING
    assert order.lines.get().status == OrderLine.Status.CANCEL_PENDING


def test_day_61_is_refused_with_900117(order_on, fabrikam, api_for):
    # given an order bought on PURCHASE
    order = order_on(PURCHASE, fabrikam, "WS2022-STD")
    # when cancelled 61 days later, at the first minute of that day
    with time_machine.travel(dt.datetime(2026, 6, 10, 0, 1, tzinfo=dt.UTC), tick=False):
        assert (dt.date(2026, 6, 10) - PURCHASE).days == 61
        response = api_for("admin.agent").patch(order_url(order), {"status": "cancelled"}, format="json")
    # then 400 900117 naming the product's own window, nothing saved
    assert response.status_code == 400
    assert response.json()["code"] == "900117"
    assert "You have passed your 60-day cancellation window" in response.json()["description"]
    assert not CancellationRequest.objects.filter(order=order).exists()
    assert order.lines.get().status == OrderLine.Status.ACTIVE


@pytest.mark.parametrize("offer_id", ["SUSE-SLES", "RHEL"])
def test_third_party_plans_cannot_be_cancelled(place_order, fabrikam, api_for, offer_id):
    # given a SUSE / Red Hat plan
    order = place_order(fabrikam, offer_id)
    # when cancelled through the API
    response = api_for("admin.agent").patch(order_url(order), {"status": "cancelled"}, format="json")
    # then 800061 and nothing changes
    assert (response.status_code, response.json()["code"]) == (400, "800061")
    assert order.lines.get().status == OrderLine.Status.ACTIVE
    assert not CancellationRequest.objects.filter(order=order).exists()


def test_already_cancelled_line_is_800061(place_order, fabrikam, api_for):
    from cancellations.services import cancellation_process

    # given a cancelled order
    order = place_order(fabrikam, "WS2022-STD")
    api = api_for("admin.agent")
    assert api.patch(order_url(order), {"status": "cancelled"}, format="json").status_code == 200
    cancellation_process(request_id=CancellationRequest.objects.get(order=order).pk)
    # when cancelled again
    response = api.patch(order_url(order), {"status": "cancelled"}, format="json")
    # then 800061
    assert (response.status_code, response.json()["code"]) == (400, "800061")


def test_second_request_while_pending_is_409_800060(place_order, fabrikam, api_for):
    # given an order with a pending cancellation of line 0
    order = place_order(fabrikam, "WS2022-STD", "WS2022-DC")
    api = api_for("admin.agent")
    first = api.patch(order_url(order), {"status": "cancelled", "lineItems": [{"lineItemNumber": 0}]},
                      format="json")
    assert first.status_code == 200
    # when another line (or the whole order) is cancelled before processing
    for body in ({"status": "cancelled", "lineItems": [{"lineItemNumber": 1}]}, {"status": "cancelled"}):
        response = api.patch(order_url(order), body, format="json")
        # then 409 800060
        assert (response.status_code, response.json()["code"]) == (409, "800060")
    assert CancellationRequest.objects.filter(order=order).count() == 1
    assert order.lines.get(line_item_number=1).status == OrderLine.Status.ACTIVE


def test_domain_error_from_service_is_raised_directly(place_order, fabrikam, user_for):
    # given a SUSE plan / when cancelled through the service / then a DomainError with the API's code
    order = place_order(fabrikam, "SUSE-SLES")
    with pytest.raises(DomainError) as caught:
        cancellation_request(actor=user_for("admin.agent"), order=order)
    assert caught.value.code == "800061"


def test_the_sql_last_day_of_a_window_is_window_last_day(order_on, fabrikam):
    # given lines bought around month and year ends and a leap day, with windows of several lengths, and one
    # line that can't be cancelled
    from cancellations.credits import window_last_day
    from software.models import WindowLastDay

    days = [dt.date(2026, 1, 31), dt.date(2026, 12, 15), dt.date(2027, 12, 31), dt.date(2028, 2, 29)]
    orders = [order_on(day, fabrikam, "WS2022-STD", "SUSE-SLES") for day in days]
    for order, window in zip(orders, [0, 1, 29, 365], strict=True):
        order.lines.filter(cancellation_window_days__isnull=False).update(cancellation_window_days=window)
    lines = OrderLine.objects.filter(order__in=orders).annotate(closes=WindowLastDay())
    # when the last day is computed in SQL; then it is the Python rule's, NULL where there is no window
    assert [(line.closes, window_last_day(line)) for line in lines if line.closes != window_last_day(line)] == []
    assert sorted(str(line.closes) for line in lines if line.closes) == [
        "2026-01-31", "2026-12-16", "2028-01-29", "2029-02-28"]
    assert sum(line.closes is None for line in lines) == 4


def test_lines_closing_within_finds_each_window_length_soonest_first(order_on, fabrikam, user_for):
    # given, bought 25 days ago, a line with a 30-day window (5 days left) and one with 60 (35 left); bought
    # 58 days ago, a 60-day line (2 left); bought 31 days ago a 30-day line (passed)
    from cancellations.credits import lines_closing_within

    today = PURCHASE + dt.timedelta(days=58)
    short = order_on(today - dt.timedelta(days=25), fabrikam, "WS2022-STD")
    long = order_on(today - dt.timedelta(days=25), fabrikam, "WS2022-DC")
    soon = order_on(today - dt.timedelta(days=58), fabrikam, "SQL2022-STD")
    passed = order_on(today - dt.timedelta(days=31), fabrikam, "WS2022-STD")
    OrderLine.objects.filter(order__in=[short, passed]).update(cancellation_window_days=30)
    lines = OrderLine.objects.filter(order__in=[short, long, soon, passed])
    # when the lines closing within 7 days are listed, all and the first one only
    found = [(line.order_id, left) for line, left in lines_closing_within(lines, today=today, days=7)]
    first = [(line.order_id, left) for line, left in lines_closing_within(lines, today=today, days=7, limit=1)]
    # then the 2-day and the 5-day lines are listed, soonest first
    assert found == [(soon.pk, 2), (short.pk, 5)]
    assert first == [(soon.pk, 2)]
