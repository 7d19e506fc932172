"""The partner home in headless Chromium: attention items, the month's money and the SVG charts."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser


def test_admin_agent_home_shows_attention_money_and_charts(signed_in_page, live_server, screenshot):
    from accounts.models import User
    from customers.models import Customer
    from software.models import DownloadLink, OrderLine
    from software.orders import LineRequest
    from software.selectors import variant_for
    from software.services import download_link_issue, order_place, product_key_reveal

    # given a purchase whose window closes in 5 days, a link nearly used up and a key reveal
    agent = User.objects.get(email="admin.agent@contoso-partner.example")
    fabrikam = Customer.objects.get(domain="fabrikam.onmicrosoft.com")
    order = order_place(actor=agent, customer=fabrikam, lines=[LineRequest(offer_id="WS2022-STD", quantity=3)])
    line = order.lines.get()
    OrderLine.objects.filter(pk=line.pk).update(term_start=timezone.localdate() - dt.timedelta(days=55))
    variant = variant_for(line.entitlement, version="2022", language="ja-JP", file_type="x64 ISO")
    issued = download_link_issue(actor=agent, entitlement=line.entitlement, variant=variant)
    DownloadLink.objects.filter(pk=issued.link.pk).update(downloads_used=47)
    product_key_reveal(actor=agent, entitlement=line.entitlement)
    page = signed_in_page("admin.agent")
    # when the Admin agent lands on the home page
    page.goto(f"{live_server.url}/dashboard/")
    # then the needs-attention lists, this month's money and the two charts are there
    main = page.locator("main")
    assert "Needs attention" in main.inner_text()
    assert main.locator("table[data-attention=windows] a", has_text="Cancel").count() >= 1
    assert main.locator("table[data-attention=links] tr", has_text="Fabrikam").count() >= 1
    assert "This month" in main.inner_text()
    charts = main.locator("svg.chart-svg")
    assert charts.count() >= 2
    assert charts.first.get_attribute("role") == "img"
    screenshot("partner-home")
    # and the Cancel link opens the Cancel dialog page for that order
    main.locator("table[data-attention=windows] a", has_text="Cancel").first.click()
    page.wait_for_load_state()
    assert "/software/cancel/" in page.url
