"""D-CAN-1/2: the cancellation window (day 60 allowed, day 61 refused), non-cancellable products,
already cancelled and in-progress orders — through the service and the API."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from cancellations.models import CancellationRequest
from cancellations.services import cancellation_request
from partnercenter.api import DomainError
from software.models import OrderLine

from .conftest import at

PURCHASE = dt.date(2026, 4, 10)


def order_url(order) -> str:
    return reverse("api:customer_order_cancel", kwargs={"tenant_id": order.customer_id, "order_id": order.id})


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
