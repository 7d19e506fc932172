"""The Activity log counts at most 10,000 rows for its pager; beyond that it says "10,000+"."""
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from activitylog.services import log_create_support_request
from partnercenter.paging import CappedPaginator

pytestmark = pytest.mark.django_db


def test_capped_paginator_counts_up_to_the_cap(user_for):
    # given 30 records and a cap of 25
    actor = user_for("admin.agent")
    with transaction.atomic():
        for i in range(30):
            log_create_support_request(actor=actor, partner_id=actor.partner_id, number=str(i), title="t")
    from activitylog.models import ActivityRecord

    qs = ActivityRecord.objects.filter(partner_id=actor.partner_id)
    paginator = CappedPaginator(qs, 10)
    paginator.cap = 25
    # when
    with CaptureQueriesContext(connection) as queries:
        count = paginator.count
    # then
    assert count == 26 and paginator.is_capped and paginator.display_count == "25+"
    assert "LIMIT" in queries[0]["sql"].upper()
    uncapped = CappedPaginator(qs, 10)
    assert uncapped.count == qs.count() and not uncapped.is_capped


def test_the_page_shows_the_count(client_for, user_for):
    actor = user_for("admin.agent")
    with transaction.atomic():
        log_create_support_request(actor=actor, partner_id=actor.partner_id, number="1", title="t")
    page = client_for("account.admin").get("/settings/activity-log/").content.decode()
    assert "Export" in page and ("records as CSV" in page or "record as CSV" in page)
