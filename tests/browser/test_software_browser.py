"""The real pages in headless Chromium: customer list, and the Software tab's key and download flow."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

KEY_FORMAT = re.compile(r"^([BCDFGHJKMNPQRTVWXY2346789]{4}-){7}[BCDFGHJKMNPQRTVWXY2346789]{4}$")


def test_admin_agent_sees_the_customer_list(signed_in_page, live_server, screenshot):
    # given
    page = signed_in_page("admin.agent")
    # when
    page.goto(live_server.url + "/customers/")
    # then
    assert page.get_by_role("link", name="Fabrikam").first.is_visible()
    screenshot("customer-list")


def test_software_tab_get_key_copy_link_and_download(signed_in_page, live_server, screenshot, tmp_path):
    # given
    from accounts.models import User
    from customers.models import Customer
    from software.models import Entitlement
    from software.orders import LineRequest
    from software.services import order_place

    fabrikam = Customer.objects.get(domain="fabrikam.onmicrosoft.com")
    agent = User.objects.get(email="admin.agent@contoso-partner.example")
    order = order_place(actor=agent, customer=fabrikam, lines=[LineRequest(offer_id="WS2022-STD", quantity=1)])
    entitlement = Entitlement.objects.get(order_line__order=order)
    page = signed_in_page("admin.agent")
    page.goto(f"{live_server.url}/customers/{fabrikam.tenant_id}/software/")
    screenshot("software-tab")

    # when: expand the product, choose the variant and Get keys and downloads (D-SW-2; in place, htmx)
    details = page.locator(f"tr#entitlement-{entitlement.pk} + tr details")
    details.locator("summary").click()
    details.locator("select[name=version]").select_option("2022")
    details.locator("select[name=language]").select_option("ja-JP")
    details.locator("select[name=file_type]").select_option("x64 ISO")
    details.get_by_role("button", name="Get keys and downloads").click()
    page.locator(f"#variant-{entitlement.pk}").wait_for()
    details = page.locator(f"tr#entitlement-{entitlement.pk} + tr details")
    assert details.locator(f"#variant-{entitlement.pk}").is_visible()

    # when: Get key
    details.get_by_role("button", name="Get key", exact=True).click()
    dialog = page.locator("dialog#key-dialog[open]")
    dialog.wait_for()
    key = dialog.locator("#product-key").inner_text().strip()
    # then
    assert KEY_FORMAT.match(key)
    screenshot("software-key-dialog")
    dialog.get_by_role("button", name="Close").last.click()
    page.locator("dialog#key-dialog[open]").wait_for(state="detached")

    # when: Get download link, Copy link
    details.get_by_role("button", name="Get download link").click()
    dialog = page.locator("dialog#link-dialog[open]")
    dialog.wait_for()
    uri = dialog.locator("#download-link").input_value()
    assert uri.startswith(live_server.url + "/download/")
    dialog.get_by_role("button", name="Copy link").click()
    dialog.locator("[data-copied-for=download-link]").wait_for(state="visible")
    # then
    assert page.evaluate("navigator.clipboard.readText()") == uri
    screenshot("software-link-dialog")

    # when: Download
    with page.expect_download() as download_info:
        dialog.get_by_role("link", name="Download").click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    # then
    expected = dialog.locator("#download-sha256").inner_text().strip()
    assert hashlib.sha256(Path(saved).read_bytes()).hexdigest() == expected
    from software.models import DownloadLink

    assert DownloadLink.objects.get(entitlement=entitlement).downloads_used == 1
