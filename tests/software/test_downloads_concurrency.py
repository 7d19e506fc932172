"""D-SW-8: the 51st counted download is refused however many requests arrive at once.

200 real concurrent HTTP clients against the live server on PostgreSQL: exactly 50 succeed."""
from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.urls import reverse

from activitylog.models import ActivityRecord, Operation
from customers.models import Customer
from software.models import DownloadLink
from software.orders import LineRequest
from software.selectors import variant_for
from software.services import download_link_issue, order_place
from tests.live import fetch

pytestmark = pytest.mark.services


def test_two_hundred_simultaneous_downloads_take_exactly_fifty(live_server, demo_world):
    # given
    from accounts.models import User

    agent = User.objects.get(email="admin.agent@contoso-partner.example")
    fabrikam = Customer.objects.get(domain="fabrikam.onmicrosoft.com")
    order = order_place(actor=agent, customer=fabrikam, lines=[LineRequest(offer_id="WS2022-STD", quantity=1)])
    entitlement = order.lines.get().entitlement
    variant = variant_for(entitlement, version="2022", language="en-US", file_type="x64 ISO")
    issued = download_link_issue(actor=agent, entitlement=entitlement, variant=variant)
    assert issued.link.max_downloads - issued.link.downloads_used == 50
    url = live_server.url + reverse("software:download", kwargs={"token": issued.token})
    # when
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = Counter(pool.map(fetch, [url] * 200))
    # then
    assert statuses == Counter({200: 50, 410: 150})
    link = DownloadLink.objects.get(pk=issued.link.pk)
    assert link.downloads_used == 50
    downloads = ActivityRecord.objects.filter(operation_type=Operation.DOWNLOAD_SOFTWARE,
                                              customer_id=fabrikam.tenant_id)
    assert downloads.filter(operation_status="succeeded").count() == 50
