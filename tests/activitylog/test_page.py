"""The Activity log page (D-LOG-2) and its CSV export."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine

from activitylog.export import COLUMNS
from activitylog.models import ActivityRecord

PAGE, EXPORT = "/settings/activity-log/", "/settings/activity-log/export.csv"
NOW = dt.datetime(2026, 11, 22, 10, 15, tzinfo=dt.UTC)


@pytest.fixture
def browser(client_for):
    return client_for("account.admin")


def test_the_page_lists_records_with_default_dates(browser, records_for, fabrikam):
    with time_machine.travel(NOW, tick=False):
        # given records written today
        records_for("global.admin", 2, customer=fabrikam)
        # when the page opens with its default range (the last 30 days)
        response = browser.get(PAGE)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="2026-10-23"' in html and 'value="2026-11-22"' in html
    assert "global.admin@contoso-partner.example" in html and "Fabrikam" in html
    assert "203.0.113.7" in html
    assert "badge-success" in html


def test_filters_narrow_the_list_and_the_export_link_keeps_them(browser, records_for, fabrikam):
    # given
    from customers.models import Customer

    northwind = Customer.objects.get(domain="northwind.onmicrosoft.com")
    records_for("global.admin", 1, customer=fabrikam)
    records_for("referral.admin", 1, customer=northwind)
    # when
    response = browser.get(PAGE, {"customer": "north", "user": "referral", "operation": "create_support_request",
                                  "resource": "support_request"})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Northwind Traders" in html and "Fabrikam" not in html
    assert response.context["page_obj"].paginator.count == 1
    assert "customer=north" in response.context["export_query"]
    assert "Export 1 record as CSV" in html


def test_tenant_id_substring_finds_the_customer(browser, records_for, fabrikam):
    records_for("global.admin", 1, customer=fabrikam)
    response = browser.get(PAGE, {"customer": str(fabrikam.tenant_id)[:8]})
    assert all(r.customer_id == fabrikam.tenant_id for r in response.context["page_obj"])
    assert response.context["page_obj"].paginator.count >= 1


@pytest.mark.parametrize("params", [{"start": "2026-02-30"}, {"end": "soon"},
                                    {"start": "2026-11-10", "end": "2026-11-01"}])
def test_bad_dates_are_a_400_with_a_message_and_no_results(browser, records_for, params):
    records_for("global.admin", 1)
    response = browser.get(PAGE, params)
    assert response.status_code == 400
    assert response.context["page_obj"] is None
    assert response.context["form"].errors
    assert b"message-error" in response.content
    assert browser.get(EXPORT, params).status_code == 400


def test_the_page_is_paginated_by_50_newest_first(browser, records_for):
    # given
    records_for("global.admin", 60)
    # when
    first = browser.get(PAGE)
    second = browser.get(PAGE, {"page": 2})
    # then
    page1, page2 = list(first.context["page_obj"]), list(second.context["page_obj"])
    assert len(page1) == 50
    keys = [(r.operation_date, r.pk) for r in page1 + page2]
    assert keys == sorted(keys, reverse=True)


def test_the_export_streams_sealed_records_in_chain_order(browser, records_for):
    # given
    records_for("global.admin", 4)
    expected = ActivityRecord.objects.filter(partner__domain="contoso-partner.example").count()
    # when
    response = browser.get(EXPORT, {"start": "2000-01-01", "end": "2100-01-01"})
    body = b"".join(response.streaming_content).decode()
    # then
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="activity-log_2000-01-01_2100-01-01')
    assert response["X-Export-Rows"] == str(expected)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0]) == COLUMNS
    assert len(rows) == expected
    assert [int(r["chainPosition"]) for r in rows] == list(range(1, expected + 1))
    assert not ActivityRecord.objects.filter(hash__isnull=True, partner__domain="contoso-partner.example").exists()


def test_the_export_keeps_values_exactly(browser, user_for):
    # given: a value that a spreadsheet would treat as a formula
    from django.db import transaction

    from activitylog.services import log_create_support_request

    actor = user_for("global.admin")
    with transaction.atomic():
        log_create_support_request(actor=actor, partner_id=actor.partner_id, number="SR1", title="=1+2")
    # when
    body = b"".join(browser.get(EXPORT, {"start": "2000-01-01", "end": "2100-01-01"}).streaming_content).decode()
    # then: unchanged, because the hash covers it
    assert '"Title":"=1+2"' in body.replace('""', '"')


def test_the_page_query_count_does_not_grow_with_rows(browser, records_for, django_assert_max_num_queries):
    # given
    records_for("global.admin", 60)
    browser.get(PAGE)  # warm the session/user caches
    # then: session, user, roles, one COUNT, one page of rows (plus a few shared ones), whatever the row count
    with django_assert_max_num_queries(10):
        assert browser.get(PAGE).status_code == 200
