"""The real pages in headless Chromium: Add products, the Cancel dialog, a support request with an
attachment, and the Activity log's date filter and CSV export (verified offline)."""
from __future__ import annotations

import base64
import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

pytestmark = pytest.mark.browser

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def _fabrikam():
    from customers.models import Customer

    return Customer.objects.get(domain="fabrikam.onmicrosoft.com")


def test_sales_agent_buys_through_add_products(signed_in_page, live_server, screenshot):
    from software.models import Order

    # given
    fabrikam = _fabrikam()
    page = signed_in_page("sales.agent")
    page.goto(f"{live_server.url}/customers/{fabrikam.tenant_id}/add-products/")
    # when: a quantity for one product, then Review
    page.fill("#qty-WS2022-STD", "2")
    page.get_by_role("button", name="Review").click()
    page.wait_for_load_state()
    # then the review shows the money and that JP prices exclude tax
    body = page.locator("main").inner_text()
    assert "196000" in body.replace(",", "") and "215600" in body.replace(",", "")
    assert "exclude tax" in body
    screenshot("add-products-review")
    # when: submit
    page.get_by_role("button", name="Submit order").click()
    page.wait_for_load_state()
    # then: a confirmation with the order id, and the order exists
    order = Order.objects.get(customer=fabrikam)
    assert str(order.id) in page.locator("main").inner_text()
    assert order.lines.get().quantity == 2
    screenshot("add-products-confirmation")


def test_searching_the_catalog_keeps_the_quantities_typed_so_far(signed_in_page, live_server):
    from software.models import Order

    # given a quantity typed for Windows Server 2022
    fabrikam = _fabrikam()
    page = signed_in_page("sales.agent")
    page.goto(f"{live_server.url}/customers/{fabrikam.tenant_id}/add-products/")
    page.fill("#qty-WS2022-STD", "3")
    # when: a search for SQL (Enter in the search box), a quantity there, then a product type chosen
    page.fill("#catalog-q", "SQL")
    with page.expect_navigation():
        page.press("#catalog-q", "Enter")
    assert page.locator("#qty-WS2022-STD").count() == 0 and page.locator("#qty-SQL2022-STD").is_visible()
    page.fill("#qty-SQL2022-STD", "1")
    page.fill("#catalog-q", "")
    with page.expect_navigation():
        page.select_option("#catalog-type", "azureReservation")  # submits itself, as the Search button would
    # then the filter shows, and both quantities come back when the filter is cleared
    assert page.locator("#catalog-type").input_value() == "azureReservation"
    assert page.locator("#qty-WS2022-STD").count() == 0 and page.locator("#qty-SQL2022-STD").count() == 0
    with page.expect_navigation():
        page.select_option("#catalog-type", "")
    assert page.locator("#qty-WS2022-STD").input_value() == "3"
    assert page.locator("#qty-SQL2022-STD").input_value() == "1"
    # and the review has both lines, nothing ordered yet
    page.get_by_role("button", name="Review").click()
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    assert "Windows Server 2022 Standard" in body and "SQL Server 2022 Standard" in body
    assert not Order.objects.filter(customer=fabrikam).exists()


def test_cancel_dialog_shows_days_left_credit_and_needs_acknowledgement(signed_in_page, live_server, screenshot,
                                                                          place_order):
    from cancellations.models import CancellationRequest
    from software.models import OrderLine

    # given an order of Fabrikam's
    fabrikam = _fabrikam()
    order = place_order(fabrikam, "WS2022-STD")
    page = signed_in_page("admin.agent")
    page.goto(f"{live_server.url}/customers/{fabrikam.tenant_id}/software/")
    # when: Cancel
    page.get_by_role("link", name="Cancel").first.click()
    page.wait_for_load_state()
    dialog_text = page.locator("main").inner_text()
    # then: days remaining and the exact credit are shown before submitting
    assert "60 days remaining" in dialog_text
    assert "107800" in dialog_text.replace(",", "")
    submit = page.get_by_role("button", name="Cancel purchase")
    assert submit.is_disabled()
    screenshot("cancel-dialog")
    # when: tick the acknowledgement and submit
    page.locator("input[name=acknowledge]").check()
    assert submit.is_enabled()
    submit.click()
    page.wait_for_load_state()
    # then: the request is recorded and the line is pending or done
    assert CancellationRequest.objects.filter(order=order).exists()
    assert OrderLine.objects.get(order=order).status in ("cancelPending", "cancelled")


def test_support_request_with_an_attachment(signed_in_page, live_server, tmp_path, screenshot):
    from support.models import SupportRequest

    # given
    shot = tmp_path / "screenshot.png"
    shot.write_bytes(PNG)
    page = signed_in_page("helpdesk.agent")
    page.goto(f"{live_server.url}/support/new/?customer=fabrikam.onmicrosoft.com&amount=1000")
    # when
    page.fill("input[name=title]", "Refund for a duplicate order")
    page.fill("textarea[name=description]", "The customer ordered twice by mistake.")
    page.fill("input[name=contact_name]", "Helpdesk Agent")
    page.fill("input[name=contact_email]", "helpdesk.agent@contoso-partner.example")
    page.fill("input[name=contact_phone]", "+81 3 1234 5678")
    page.set_input_files("input[name=files]", str(shot))
    page.locator("form:has(input[name=title]) button[type=submit]").click()
    page.wait_for_load_state()
    # then
    request = SupportRequest.objects.get(title="Refund for a duplicate order")
    assert request.customer_reference == "fabrikam.onmicrosoft.com"
    assert request.attachments.get().original_name == "screenshot.png"
    assert request.number in page.locator("main").inner_text()
    screenshot("support-request")


def test_auditor_filters_by_date_and_exports_a_verifiable_csv(signed_in_page, live_server, screenshot, place_order,
                                                              tmp_path):
    # given some recorded activity today
    place_order(_fabrikam(), "SQL2022-STD")
    today = timezone.now().date()
    page = signed_in_page("account.admin")
    page.goto(f"{live_server.url}/settings/activity-log/")
    # when: a date range, applied
    page.fill("input[name=start]", (today - dt.timedelta(days=1)).isoformat())
    page.fill("input[name=end]", today.isoformat())
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    # then: the order is listed
    assert "create_order" in page.locator("main").inner_text() or "Create order" in page.locator("main").inner_text()
    screenshot("activity-log")
    # when: export
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export").click()
    path = tmp_path / "export.csv"
    download_info.value.save_as(path)
    # then: the export verifies offline
    out = StringIO()
    call_command("verify_activity_log", file=str(path), stdout=out)
    assert out.getvalue().startswith("OK")
