"""The partner home (issue 8): each "needs attention" rule at its boundary, role-dependent content,
the month's money and the charts, all in a bounded number of queries."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from cancellations.models import CancellationRequest
from cancellations.services import cancellation_request
from home.views import home_context
from software.models import DownloadLink
from software.selectors import variant_for
from software.services import download_link_issue
from support.models import SupportRequest

pytestmark = pytest.mark.django_db

BOUGHT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)  # WINDOW = 60 days for the demo offers


def _bought(fabrikam, place_order):
    with time_machine.travel(BOUGHT, tick=False):
        return place_order(fabrikam, "WS2022-STD")


def _window_orders(user, at: dt.datetime) -> set:
    with time_machine.travel(at, tick=False):
        return {row.line.order_id for row in home_context(user)["windows"]}


def test_a_window_closing_in_7_days_needs_attention_but_not_in_8(fabrikam, place_order, user_for):
    # given a purchase with a 60-day window
    order = _bought(fabrikam, place_order)
    agent = user_for("admin.agent")
    # when the home page is computed 53 days later (7 days left) and 52 days later (8 days left)
    seven_left = _window_orders(agent, BOUGHT + dt.timedelta(days=53))
    eight_left = _window_orders(agent, BOUGHT + dt.timedelta(days=52))
    # then only the first lists it
    assert order.pk in seven_left
    assert order.pk not in eight_left


def test_the_last_day_is_listed_and_a_passed_window_is_not(fabrikam, place_order, user_for):
    # given a purchase
    order = _bought(fabrikam, place_order)
    agent = user_for("admin.agent")
    # when / then: day 60 is the last day (0 left), day 61 is past
    assert order.pk in _window_orders(agent, BOUGHT + dt.timedelta(days=60))
    assert order.pk not in _window_orders(agent, BOUGHT + dt.timedelta(days=61))


def test_a_window_row_links_straight_to_the_cancel_dialog(fabrikam, place_order, client_for):
    # given a purchase with 3 days left
    order = _bought(fabrikam, place_order)
    # when the Admin agent opens the home page
    with time_machine.travel(BOUGHT + dt.timedelta(days=57), tick=False):
        html = client_for("admin.agent").get(reverse("dashboard")).content.decode()
    # then the row shows the days left and the Cancel dialog link for that order and offer
    url = reverse("cancellations:cancel", kwargs={"tenant_id": fabrikam.tenant_id})
    assert f'{url}?order={order.pk}&amp;offer=WS2022-STD' in html
    assert "3 days" in html


@pytest.fixture
def link(fabrikam, place_order, user_for):
    with time_machine.travel(BOUGHT, tick=False):
        entitlement = place_order(fabrikam, "WS2022-STD").lines.get().entitlement
        variant = variant_for(entitlement, version="2022", language="en-US", file_type="x64 ISO")
        return download_link_issue(actor=user_for("admin.agent"), entitlement=entitlement, variant=variant).link


def _link_ids(user, at: dt.datetime) -> set:
    with time_machine.travel(at, tick=False):
        return {item.pk for item in home_context(user)["links"]}


def test_a_link_expiring_within_2_days_needs_attention_but_not_within_3(link, user_for):
    # given a fresh 14-day link, unused
    agent = user_for("admin.agent")
    # when the clock is 3 days and 2 days before its expiry
    three_before = _link_ids(agent, link.expires_at - dt.timedelta(days=3))
    two_before = _link_ids(agent, link.expires_at - dt.timedelta(days=2))
    # then only the second lists it
    assert link.pk not in three_before
    assert link.pk in two_before


def test_a_link_with_4_downloads_left_needs_attention_but_not_with_5(link, user_for):
    # given a link far from expiry
    agent = user_for("admin.agent")
    at = link.created_at + dt.timedelta(days=1)
    # when 5 downloads are left
    DownloadLink.objects.filter(pk=link.pk).update(downloads_used=link.max_downloads - 5)
    five_left = _link_ids(agent, at)
    # and when 4 are left
    DownloadLink.objects.filter(pk=link.pk).update(downloads_used=link.max_downloads - 4)
    four_left = _link_ids(agent, at)
    # then only 4 left needs attention
    assert link.pk not in five_left
    assert link.pk in four_left


def test_processing_cancellations_and_open_support_requests_are_listed(fabrikam, place_order, user_for):
    # given a pending cancellation and an open support request
    agent = user_for("admin.agent")
    order = place_order(fabrikam, "WS2022-STD")
    request = cancellation_request(actor=agent, order=order)
    support = SupportRequest.objects.create(
        number="SR-HOME-1", partner=agent.partner, created_by=agent, problem_type="billing", impact="low",
        title="Refund please", description="x", contact_name="A", contact_email="a@example.com", contact_phone="1")
    # when the home page is computed
    context = home_context(agent)
    # then both are listed
    assert request.pk in {cr.pk for cr in context["cancellations"]}
    assert support.pk in {sr.pk for sr in context["support"]}
    assert CancellationRequest.objects.get(pk=request.pk).status == CancellationRequest.Status.PENDING


def test_a_sales_agent_sees_no_key_link_or_cancellation_items(fabrikam, place_order, client_for, link):
    # given a link that needs attention and a window closing soon
    at = link.expires_at - dt.timedelta(days=1)
    # when the Sales agent opens the home page
    with time_machine.travel(at, tick=False):
        response = client_for("sales.agent").get(reverse("dashboard"))
    # then there is no attention item it can't act on, and no money
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-attention="links"' not in html
    assert 'data-attention="windows"' not in html
    assert 'data-section="this-month"' not in html
    assert response.context["links"] is None and response.context["windows"] is None


def test_the_admin_agent_sees_the_link_items(client_for, link):
    with time_machine.travel(link.expires_at - dt.timedelta(days=1), tick=False):
        html = client_for("admin.agent").get(reverse("dashboard")).content.decode()
    assert 'data-attention="links"' in html


def test_a_billing_admin_sees_the_money_compared_with_last_month(fabrikam, place_order, client_for):
    # given an order last month and one twice as big this month (Fabrikam is in Japan: JPY)
    with time_machine.travel(dt.datetime(2026, 4, 20, 9, tzinfo=dt.UTC), tick=False):
        place_order(fabrikam, "WS2022-STD")
    with time_machine.travel(dt.datetime(2026, 5, 3, 9, tzinfo=dt.UTC), tick=False):
        place_order(fabrikam, ("WS2022-STD", 2))
        # when the Billing admin opens the home page
        response = client_for("billing.admin").get(reverse("dashboard"))
    # then it shows this month's orders and charges, last month's for comparison, and the charts
    html = response.content.decode()
    assert 'data-section="this-month"' in html
    money = {summary.currency: summary for summary in response.context["money"]}
    assert money["JPY"].this.charges == 2 * money["JPY"].last.charges > 0
    assert money["JPY"].charges_trend == "up"
    assert response.context["orders_this"] >= 1 and response.context["orders_last"] >= 1
    assert "<svg" in html and "<title" in html and "<desc" in html and 'role="img"' in html
    assert 'data-attention="windows"' not in html  # no Cancel permission


def test_the_activity_chart_counts_downloads_and_key_reveals(fabrikam, place_order, user_for):
    # given a key reveal today
    from software.services import product_key_reveal

    agent = user_for("admin.agent")
    entitlement = place_order(fabrikam, "WS2022-STD").lines.get().entitlement
    product_key_reveal(actor=agent, entitlement=entitlement)
    # when an Account admin (activity log reader) computes the home page
    charts = home_context(user_for("account.admin"))["charts"]
    # then the one chart (no money for that role) has a non-empty key-reveal bar today
    assert len(charts) == 1
    today_key = [bar for bar in charts[0].bars if bar.css == "bar-key"][-1]
    assert today_key.height > 0


def test_the_home_page_takes_a_bounded_number_of_queries(fabrikam, customer_in, place_order, client_for,
                                                         user_for, django_assert_max_num_queries):
    # given many orders bought 55 days ago (windows closing), links nearly used up, cancellations pending
    agent = user_for("admin.agent")
    customers = [fabrikam, customer_in("US"), customer_in("AU")]
    orders = []
    with time_machine.travel(BOUGHT, tick=False):
        for customer in customers:
            orders += [place_order(customer, "WS2022-STD", "SQL2022-STD") for _ in range(3)]
    with time_machine.travel(BOUGHT + dt.timedelta(days=55), tick=False):
        for order in orders:
            for line in order.lines.all():
                variant = variant_for(line.entitlement, version="2022", language="en-US", file_type="x64 ISO")
                issued = download_link_issue(actor=agent, entitlement=line.entitlement, variant=variant)
                DownloadLink.objects.filter(pk=issued.link.pk).update(downloads_used=48)
        for order in orders[::3]:
            cancellation_request(actor=agent, order=order)
        client = client_for("admin.agent")
        # when the Admin agent opens the home page
        with django_assert_max_num_queries(25):
            response = client.get(reverse("dashboard"))
    # then it lists them all without a query per row
    assert response.status_code == 200
    assert len(response.context["links"]) == 18
    assert len(response.context["windows"]) == 12
    assert len(response.context["cancellations"]) == 3


HOME_MAX_QUERIES = 20
PERSONAS = ["admin.agent", "global.admin", "billing.admin", "account.admin", "helpdesk.agent", "sales.agent"]


def _queries(client, django_assert_max_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(HOME_MAX_QUERIES):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_home_page_query_count_does_not_grow_with_the_data(persona, fabrikam, customer_in, place_order,
                                                               client_for, user_for, django_assert_max_num_queries):
    from activitylog.models import DailyCount
    from activitylog.services import chain_seal
    from software.services import product_key_reveal

    agent = user_for("admin.agent")
    customers = [fabrikam, customer_in("US"), customer_in("AU"), customer_in("JP")]
    viewed_at = BOUGHT + dt.timedelta(days=55)

    def add(n: int) -> None:
        """n orders per customer last month (windows closing), this month's orders, a nearly used link and a
        key reveal per line, a cancellation per customer, n support requests; sealed and unsealed records."""
        orders = []
        with time_machine.travel(BOUGHT, tick=False):
            for customer in customers:
                orders += [place_order(customer, "WS2022-STD", "SQL2022-STD") for _ in range(n)]
        with time_machine.travel(viewed_at - dt.timedelta(days=1), tick=False):
            for customer in customers:
                place_order(customer, "WS2022-DC")
            for order in orders:
                for line in order.lines.all():
                    variant = variant_for(line.entitlement, version="2022", language="en-US", file_type="x64 ISO")
                    issued = download_link_issue(actor=agent, entitlement=line.entitlement, variant=variant)
                    DownloadLink.objects.filter(pk=issued.link.pk).update(downloads_used=48)
                    product_key_reveal(actor=agent, entitlement=line.entitlement)
            chain_seal()
            for order in orders:
                product_key_reveal(actor=agent, entitlement=order.lines.first().entitlement)  # left unsealed
            for order in orders[::n]:
                cancellation_request(actor=agent, order=order)
            for i in range(n):
                SupportRequest.objects.create(
                    number=f"SR-Q-{n}-{i}", partner=agent.partner, created_by=agent, problem_type="billing",
                    impact="low", title="Help", description="x", contact_name="A", contact_email="a@example.com",
                    contact_phone="1")

    client = client_for(persona)
    # given one of everything; when the home page is opened
    add(1)
    with time_machine.travel(viewed_at, tick=False):
        few = _queries(client, django_assert_max_num_queries)
    # and again with ten times as much of everything
    add(10)
    with time_machine.travel(viewed_at, tick=False):
        many = _queries(client, django_assert_max_num_queries)
    # then the number of queries is the same (none per row) and small
    assert DailyCount.objects.exists()
    assert many == few, (few, many)


def test_the_money_equals_the_invoice_lines_and_issued_months_are_summed_once(fabrikam, customer_in, place_order,
                                                                             user_for):
    # given orders in March and April (April's later cancelled: a credit) in two currencies, March issued
    from django.db import connection
    from django.db.models import Sum
    from django.test.utils import CaptureQueriesContext

    from billing.models import Invoice, InvoiceLine
    from billing.services import invoices_close
    from cancellations.services import cancellation_process
    from home.selectors import money_by_month

    agent, us = user_for("admin.agent"), customer_in("US")
    for day in (dt.datetime(2026, 3, 5, 9, tzinfo=dt.UTC), dt.datetime(2026, 4, 2, 9, tzinfo=dt.UTC)):
        with time_machine.travel(day, tick=False):
            place_order(fabrikam, "WS2022-STD")
            order = place_order(us, ("SQL2022-STD", 2))
    with time_machine.travel(dt.datetime(2026, 4, 3, 9, tzinfo=dt.UTC), tick=False):
        cancellation_process(request_id=cancellation_request(actor=agent, order=order).pk)
    invoices_close(today=dt.date(2026, 4, 1))
    today = dt.date(2026, 4, 20)

    def direct() -> dict:
        rows = (InvoiceLine.objects.filter(invoice__partner=agent.partner).order_by()
                .values_list("invoice__currency", "invoice__period_start", "charge_type").annotate(t=Sum("total")))
        return {(currency, month, kind): total for currency, month, kind, total in rows}

    def shown() -> dict:
        out = {}
        for summary in money_by_month(agent.partner, today):
            for month in summary.months:
                if month.charges:
                    out[(summary.currency, month.month, InvoiceLine.ChargeType.NEW)] = month.charges
                if month.credits:
                    out[(summary.currency, month.month, InvoiceLine.ChargeType.CANCEL_IMMEDIATE)] = month.credits
        return out

    assert Invoice.objects.filter(partner=agent.partner, status=Invoice.Status.ISSUED).exists()
    # when the month's money is computed twice, with an order posted to the open month in between
    first = shown()
    with time_machine.travel(dt.datetime(2026, 4, 20, 9, tzinfo=dt.UTC), tick=False):
        place_order(us, "WS2022-STD")
    with CaptureQueriesContext(connection) as queries:
        second = shown()
    # then both equal the invoice lines summed directly, the issued month's lines are not read again, and the new
    # order counts
    assert first != second == direct()
    assert any(key[2] == InvoiceLine.ChargeType.CANCEL_IMMEDIATE for key in second)
    lines_query = [q["sql"] for q in queries.captured_queries if "billing_invoiceline" in q["sql"]]
    issued = Invoice.objects.filter(partner=agent.partner, status=Invoice.Status.ISSUED)
    assert len(lines_query) == 1
    assert not any(form in lines_query[0] for i in issued for form in (str(i.pk), i.pk.hex))


def test_chart_coordinates_are_svg_numbers_in_russian(fabrikam, place_order, client_for):
    # given charts with fractional coordinates and a reader whose language writes decimals with a comma
    import re

    place_order(fabrikam, "WS2022-STD")
    client = client_for("billing.admin")
    client.cookies["django_language"] = "ru"
    # when the home page is rendered in Russian
    html = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    # then it is in Russian and every coordinate is a number SVG understands
    assert 'lang="ru"' in html
    coordinates = re.findall(r'\s(?:x|y|width|height|x1|x2|y1|y2)="([^"]*)"', html)
    assert coordinates and any("." in value for value in coordinates)
    assert [value for value in coordinates if not re.fullmatch(r"-?\d+(\.\d+)?", value)] == []
