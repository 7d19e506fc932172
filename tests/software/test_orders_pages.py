"""Add products (catalog → review → submit → confirmation), Order history and order detail pages."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse

from software.models import Order

pytestmark = pytest.mark.django_db


def add_url(customer, query=""):
    return reverse("software:add_products", kwargs={"tenant_id": customer.tenant_id}) + query


def test_catalog_lists_the_market_offers_with_search_and_type_filter(client_for, fabrikam):
    # given
    client = client_for("sales.agent")
    # when
    everything = client.get(add_url(fabrikam)).content.decode()
    searched = client.get(add_url(fabrikam, "?q=SQL")).content.decode()
    typed = client.get(add_url(fabrikam, "?type=thirdPartySoftwarePlan")).content.decode()
    # then
    assert "qty_WS2022-STD" in everything and "qty_AZ-RI-VM-P1Y" in everything and "¥98,000" in everything
    assert "Prices exclude tax" in everything
    assert "qty_SQL2022-STD" in searched and "qty_WS2022-STD" not in searched
    assert "qty_RHEL" in typed and "qty_SUSE-SLES" in typed and "qty_WS2022-STD\"" not in typed


def test_a_search_keeps_the_quantities_typed_so_far_and_orders_nothing(client_for, fabrikam):
    # given: a quantity typed for Windows Server, then a search for SQL Server from the same form
    client = client_for("sales.agent")
    before = Order.objects.count()
    # when
    searched = client.post(add_url(fabrikam), {"step": "search", "q": "SQL", "type": "", "qty_WS2022-STD": "2"})
    # then: the SQL rows are shown, the Windows quantity rides along hidden, the search box keeps its text
    html = searched.content.decode()
    assert searched.status_code == 200
    assert 'id="qty-SQL2022-STD"' in html and 'id="qty-WS2022-STD"' not in html
    assert '<input type="hidden" name="qty_WS2022-STD" value="2">' in html
    assert 'name="q" value="SQL"' in html and "not valid" not in html
    # when: a SQL quantity is added and the whole cart reviewed
    review = client.post(add_url(fabrikam), {"step": "review", "q": "SQL", "qty_WS2022-STD": "2",
                                             "qty_SQL2022-STD": "1"})
    # then: both products are on the review, and nothing was ordered by the search
    assert review.status_code == 200
    assert 'name="qty_WS2022-STD" value="2"' in review.content.decode()
    assert 'name="qty_SQL2022-STD" value="1"' in review.content.decode()
    assert Order.objects.count() == before


def test_a_type_filter_posted_with_the_form_keeps_a_bad_quantity_as_typed_without_judging_it(client_for, fabrikam):
    response = client_for("sales.agent").post(add_url(fabrikam), {
        "step": "search", "q": "", "type": "thirdPartySoftwarePlan", "qty_WS2022-STD": "abc"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="qty-RHEL"' in html and 'id="qty-WS2022-STD"' not in html
    assert '<input type="hidden" name="qty_WS2022-STD" value="abc">' in html and "not valid" not in html


def test_reservations_are_hidden_in_china(client_for, customer_in):
    html = client_for("sales.agent").get(add_url(customer_in("CN"))).content.decode()
    assert "qty_WS2022-STD" in html and "qty_AZ-RI-VM-P1Y" not in html


def test_review_shows_amounts_and_tax_note_then_submit_places_the_order(client_for, fabrikam):
    # given
    client = client_for("sales.agent")
    before = Order.objects.filter(customer=fabrikam).count()
    # when
    review = client.post(add_url(fabrikam), {"step": "review", "qty_WS2022-STD": "2", "qty_SQL2022-STD": ""})
    # then
    html = review.content.decode()
    assert review.status_code == 200
    assert "¥196,000" in html and "¥19,600" in html and "¥215,600" in html
    assert "Unit prices exclude tax; totals include it." in html and "Prices exclude tax" not in html
    assert 'name="qty_WS2022-STD" value="2"' in html
    assert Order.objects.filter(customer=fabrikam).count() == before
    # when
    submitted = client.post(add_url(fabrikam), {"step": "submit", "qty_WS2022-STD": "2",
                                                "order_token": review_token(html)})
    # then
    order = Order.objects.filter(customer=fabrikam).order_by("-creation_date").first()
    assert Order.objects.filter(customer=fabrikam).count() == before + 1
    assert submitted.status_code == 302
    assert submitted["Location"] == reverse("software:order_confirmation",
                                            kwargs={"tenant_id": fabrikam.tenant_id, "order_id": order.id})
    confirmation = client.get(submitted["Location"]).content.decode()
    assert str(order.id) in confirmation and order.alternate_id not in confirmation
    assert "(including tax)" in confirmation and "exclude tax" not in confirmation
    assert [(line.offer_id, line.quantity) for line in order.lines.all()] == [("WS2022-STD", 2)]


def review_token(html: str) -> str:
    return re.search(r'name="order_token" value="([^"]+)"', html).group(1)


def test_submitting_one_review_again_places_nothing_more(client_for, fabrikam):
    """Back from "Order placed" and Submit again, a double click, a reload, a second tab: one order."""
    from billing.models import InvoiceLine

    # given a review and its order placed
    client = client_for("sales.agent")
    review = client.post(add_url(fabrikam), {"step": "review", "qty_WS2022-STD": "2"}).content.decode()
    submit = {"step": "submit", "qty_WS2022-STD": "2", "order_token": review_token(review)}
    first = client.post(add_url(fabrikam), submit)
    orders = Order.objects.filter(customer=fabrikam).count()
    charges = InvoiceLine.objects.count()
    # when the same review is submitted again
    again = client.post(add_url(fabrikam), submit, follow=True)
    # then it shows the order already placed, and nothing more is ordered or charged
    assert again.redirect_chain[0][0] == first["Location"]
    assert "was already placed from this review; nothing was placed again." in again.content.decode()
    assert (Order.objects.filter(customer=fabrikam).count(), InvoiceLine.objects.count()) == (orders, charges)
    # and a new review is a new order
    review = client.post(add_url(fabrikam), {"step": "review", "qty_WS2022-STD": "2"}).content.decode()
    client.post(add_url(fabrikam), {**submit, "order_token": review_token(review)})
    assert Order.objects.filter(customer=fabrikam).count() == orders + 1


@pytest.mark.parametrize("token", ["", "short", "x" * 32 + "!"])
def test_a_submit_without_its_reviews_token_shows_the_review_and_places_nothing(client_for, fabrikam, token):
    before = Order.objects.count()
    response = client_for("sales.agent").post(add_url(fabrikam), {"step": "submit", "qty_WS2022-STD": "1",
                                                                  "order_token": token})
    assert response.status_code == 400 and 'name="order_token"' in response.content.decode()
    assert Order.objects.count() == before


def test_a_review_token_sent_with_other_quantities_places_nothing(client_for, fabrikam):
    client = client_for("sales.agent")
    review = client.post(add_url(fabrikam), {"step": "review", "qty_WS2022-STD": "2"}).content.decode()
    token = review_token(review)
    client.post(add_url(fabrikam), {"step": "submit", "qty_WS2022-STD": "2", "order_token": token})
    before = Order.objects.count()
    response = client.post(add_url(fabrikam), {"step": "submit", "qty_WS2022-STD": "3", "order_token": token})
    assert response.status_code == 400
    assert "already used for a different request" in response.content.decode()
    assert Order.objects.count() == before


@pytest.mark.parametrize("country", ["AU", "BR"])
def test_tax_inclusive_markets_say_so(client_for, customer_in, country):
    response = client_for("sales.agent").post(add_url(customer_in(country)), {"step": "review", "qty_WS2022-STD": "1"})
    assert "Unit prices and totals include tax." in response.content.decode()


@pytest.mark.parametrize("quantity", ["-1", "1001", "1.5", "abc", "2e3"])
def test_a_bad_quantity_is_a_form_error_and_saves_nothing(client_for, fabrikam, quantity):
    # given
    before = Order.objects.count()
    # when
    for step in ("review", "submit"):
        response = client_for("sales.agent").post(add_url(fabrikam), {"step": step, "qty_WS2022-STD": quantity})
        # then
        assert response.status_code == 400
        assert "Quantity must be a whole number from 1 to 1000." in response.content.decode()
    assert Order.objects.count() == before


def test_nothing_selected_is_a_form_error(client_for, fabrikam):
    response = client_for("sales.agent").post(add_url(fabrikam), {"step": "review", "qty_WS2022-STD": "0"})
    assert response.status_code == 400
    assert "Enter a quantity for at least one product." in response.content.decode()


def test_a_forced_reservation_in_china_shows_the_700001_message(client_for, customer_in):
    # given
    litware = customer_in("CN")
    before = Order.objects.count()
    # when
    response = client_for("sales.agent").post(add_url(litware), {"step": "submit", "qty_AZ-RI-VM-P1Y": "1"})
    # then
    assert response.status_code == 400
    assert "is not available in the customer&#x27;s market (CN)" in response.content.decode()
    assert Order.objects.count() == before


@pytest.mark.parametrize("persona, expected", [("sales.agent", 200), ("global.admin", 200),
                                               ("helpdesk.agent", 403), ("billing.admin", 403)])
def test_who_can_add_products(client_for, fabrikam, persona, expected):
    assert client_for(persona).get(add_url(fabrikam)).status_code == expected


def test_order_history_and_detail(client_for, fabrikam, place_order):
    # given
    order = place_order(fabrikam, "WS2022-STD", ("SQL2022-ENT-P1Y", 2))
    client = client_for("helpdesk.agent")
    # when
    history = client.get(reverse("software:customer_orders", kwargs={"tenant_id": fabrikam.tenant_id}))
    detail = client.get(reverse("software:order_detail", kwargs={"tenant_id": fabrikam.tenant_id,
                                                                 "order_id": order.id}))
    # then
    assert history.status_code == 200 and detail.status_code == 200
    html = history.content.decode()
    assert str(order.id) in html and "SQL Server 2022 Enterprise" in html and "¥1,845,800" in html
    assert add_url(fabrikam) not in html  # helpdesk cannot buy: no Add products button
    assert "¥1,738,000" in detail.content.decode() and str(order.id) in detail.content.decode()
    assert add_url(fabrikam) in client_for("sales.agent").get(
        reverse("software:customer_orders", kwargs={"tenant_id": fabrikam.tenant_id})).content.decode()


def test_other_partners_get_404_for_orders_pages(client_for, fabrikam, place_order):
    # given
    order = place_order(fabrikam, "WS2022-STD")
    client = client_for("global.admin@adatum-partner.example")
    # when
    urls = [reverse("software:customer_orders", kwargs={"tenant_id": fabrikam.tenant_id}),
            reverse("software:order_detail", kwargs={"tenant_id": fabrikam.tenant_id, "order_id": order.id}),
            add_url(fabrikam)]
    # then
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert client.post(add_url(fabrikam), {"step": "submit", "qty_WS2022-STD": "1"}).status_code == 404
