"""Partner Center's MS-RequestId on POST .../orders and the cancel PATCH (issue 15.4): a retry with the same id
within 24 hours gets the first answer (same order, same status) and charges nothing more; the same id with a
different body is a 400. Concurrent retries on PostgreSQL place exactly one order."""
from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.utils import timezone

from billing.models import InvoiceLine
from software.models import Order

ORDER = {"lineItems": [{"offerId": "WS2022-STD", "quantity": 1}]}


def orders_url(customer) -> str:
    return f"/v1/customers/{customer.tenant_id}/orders"


@pytest.mark.django_db
def test_a_retry_with_the_same_request_id_returns_the_first_order_and_charges_once(api_for, fabrikam):
    api = api_for("admin.agent")
    request_id = str(uuid.uuid4())
    first = api.post(orders_url(fabrikam), ORDER, format="json", HTTP_MS_REQUESTID=request_id)
    charges = InvoiceLine.objects.count()
    retry = api.post(orders_url(fabrikam), ORDER, format="json", HTTP_MS_REQUESTID=request_id)
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert Order.objects.filter(customer=fabrikam).count() == 1 and InvoiceLine.objects.count() == charges
    # another id is another order
    other = api.post(orders_url(fabrikam), ORDER, format="json", HTTP_MS_REQUESTID=str(uuid.uuid4()))
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]


@pytest.mark.django_db
def test_a_reused_request_id_with_another_body_is_a_400_and_changes_nothing(api_for, fabrikam):
    api = api_for("admin.agent")
    request_id = str(uuid.uuid4())
    api.post(orders_url(fabrikam), ORDER, format="json", HTTP_MS_REQUESTID=request_id)
    other = {"lineItems": [{"offerId": "WS2022-STD", "quantity": 2}]}
    response = api.post(orders_url(fabrikam), other, format="json", HTTP_MS_REQUESTID=request_id)
    assert response.status_code == 400 and response.json()["code"] == "400"
    assert response.json()["data"][0]["field"] == "MS-RequestId"
    assert Order.objects.filter(customer=fabrikam).count() == 1


@pytest.mark.django_db
def test_a_refused_request_keeps_nothing_so_its_id_can_be_used_again(api_for, fabrikam):
    api = api_for("admin.agent")
    request_id = str(uuid.uuid4())
    bad = api.post(orders_url(fabrikam), {"lineItems": [{"offerId": "NOPE", "quantity": 1}]}, format="json",
                   HTTP_MS_REQUESTID=request_id)
    assert bad.status_code == 400
    assert api.post(orders_url(fabrikam), ORDER, format="json", HTTP_MS_REQUESTID=request_id).status_code == 201


@pytest.mark.django_db
def test_after_24_hours_the_same_request_id_places_a_new_order(api_for, fabrikam):
    api = api_for("admin.agent")
    request_id = str(uuid.uuid4())
    first = api.post(orders_url(fabrikam), ORDER, format="json", HTTP_MS_REQUESTID=request_id)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=24, minutes=1)):
        later = api.post(orders_url(fabrikam), ORDER, format="json", HTTP_MS_REQUESTID=request_id)
    assert later.status_code == 201 and later.json()["id"] != first.json()["id"]


@pytest.mark.django_db
@pytest.mark.parametrize("request_id", ["", " ", "x" * 201, "bad\nid"])
def test_a_malformed_request_id_is_a_400(api_for, fabrikam, request_id):
    response = api_for("admin.agent").post(orders_url(fabrikam), ORDER, format="json", HTTP_MS_REQUESTID=request_id)
    assert response.status_code == 400 and Order.objects.filter(customer=fabrikam).count() == 0


@pytest.mark.django_db
def test_a_cancel_retried_with_its_request_id_answers_as_the_first_did(api_for, fabrikam, place_order):
    order = place_order(fabrikam, "WS2022-STD")
    api = api_for("admin.agent")
    url = f"{orders_url(fabrikam)}/{order.id}"
    request_id = str(uuid.uuid4())
    first = api.patch(url, {"status": "cancelled"}, format="json", HTTP_MS_REQUESTID=request_id)
    retry = api.patch(url, {"status": "cancelled"}, format="json", HTTP_MS_REQUESTID=request_id)
    assert (first.status_code, retry.status_code) == (200, 200) and retry.json() == first.json()
    # without the id, the same PATCH is refused: a cancellation is already in progress
    assert api.patch(url, {"status": "cancelled"}, format="json").json()["code"] == "800060"


def _post(url: str, secret: str, request_id: str) -> tuple[int, str]:
    request = urllib.request.Request(url, data=json.dumps(ORDER).encode(), method="POST", headers={
        "Authorization": f"Bearer {secret}", "Content-Type": "application/json", "MS-RequestId": request_id})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())["id"]
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.services
def test_concurrent_retries_place_exactly_one_order_and_one_charge(live_server, demo_world):
    from accounts.models import User
    from accounts.services import api_token_issue
    from customers.models import Customer

    agent = User.objects.get(email="admin.agent@contoso-partner.example")
    fabrikam = Customer.objects.get(domain="fabrikam.onmicrosoft.com")
    _token, secret = api_token_issue(user=agent, name="retries")
    url, request_id = live_server.url + orders_url(fabrikam), str(uuid.uuid4())
    charges = InvoiceLine.objects.count()
    # when 12 clients send the same order with the same MS-RequestId at once
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda _n: _post(url, secret, request_id), range(12)))
    # then every one gets the same 201 and the same order, and it was charged once
    assert {status for status, _id in answers} == {201}, answers
    assert len({order_id for _status, order_id in answers}) == 1
    assert Order.objects.filter(customer=fabrikam).count() == 1
    assert InvoiceLine.objects.count() == charges + 1
